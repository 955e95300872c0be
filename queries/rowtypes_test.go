package queries

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"xxgk/schemas"
)

// Go reads the warehouse into typed rows (store.ScanAll): structs whose fields carry col tags
// and whose blank field names the view, `_ struct{} `view:"analytics.region_years"``. This
// file checks every such struct of the module, from the source, against the sidecars — so a
// column renamed in a view's SQL and sidecar fails here, naming the struct and the field,
// before any warehouse is built:
//
//   - every struct with col tags names its view (or says `query:"…"` for a result that is not
//     one view; store.ScanAll then checks its columns when the query runs) or is embedded in
//     one that does;
//   - every col tag is a column of that view's sidecar (analytics, marts, staging) or of that
//     warehouse table (main.*, schemas.Warehouse);
//   - a field that is not a pointer reads a column that cannot be NULL: in the sidecar's grain
//     or not_null tests (which the data tests check on every build), or a required column of
//     the table. A nullable column needs a pointer field, else a NULL fails the read;
//   - every Label("<view>", "<column>") in the code names a documented column (Label falls
//     back to the bare name, which would hide a rename).

// rowStruct is a struct type of the module's source with col tags.
type rowStruct struct {
	name   string // the type's name ("" for an anonymous struct)
	pos    token.Position
	view   string
	query  string
	fields []rowField
	embeds []string // named struct types of the same package embedded without a col tag
}

type rowField struct {
	name, col string
	pointer   bool
}

// moduleRoot is the directory holding go.mod (the parent of this package).
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root: %v", err)
	}
	return root
}

// parsePackages parses the module's non-test Go files, by directory.
func parsePackages(t *testing.T, root string) (map[string][]*ast.File, *token.FileSet) {
	t.Helper()
	fset := token.NewFileSet()
	pkgs := map[string][]*ast.File{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		pkgs[filepath.Dir(p)] = append(pkgs[filepath.Dir(p)], f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs, fset
}

func tagOf(f *ast.Field) reflect.StructTag {
	if f.Tag == nil {
		return ""
	}
	s, err := strconv.Unquote(f.Tag.Value)
	if err != nil {
		return ""
	}
	return reflect.StructTag(s)
}

// rowStructs finds the structs with col tags (named or not) of one package.
func rowStructs(files []*ast.File, fset *token.FileSet) []*rowStruct {
	names := map[*ast.StructType]string{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			if ts, ok := n.(*ast.TypeSpec); ok {
				if st, ok := ts.Type.(*ast.StructType); ok {
					names[st] = ts.Name.Name
				}
			}
			return true
		})
	}
	var out []*rowStruct
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			st, ok := n.(*ast.StructType)
			if !ok {
				return true
			}
			r := &rowStruct{name: names[st], pos: fset.Position(st.Pos())}
			for _, fl := range st.Fields.List {
				tag := tagOf(fl)
				if len(fl.Names) == 1 && fl.Names[0].Name == "_" {
					r.view, r.query = tag.Get("view"), tag.Get("query")
					continue
				}
				col, hasCol := tag.Lookup("col")
				if !hasCol {
					if id, ok := fl.Type.(*ast.Ident); ok && len(fl.Names) == 0 {
						r.embeds = append(r.embeds, id.Name)
					}
					continue
				}
				if col == "-" {
					continue
				}
				_, ptr := fl.Type.(*ast.StarExpr)
				for _, nm := range fl.Names {
					r.fields = append(r.fields, rowField{name: nm.Name, col: col, pointer: ptr})
				}
			}
			if len(r.fields) > 0 || r.view != "" || r.query != "" {
				out = append(out, r)
			}
			return true
		})
	}
	return out
}

// viewColumns returns the columns of a view or table and whether each cannot be NULL.
func viewColumns(view string, models map[string]*Model) (map[string]bool, error) {
	schema, name, _ := strings.Cut(view, ".")
	if schema == "main" && name == schemas.TableCells {
		// the view of migration 0006: cell_sources joined to cell_keys by key_id, which it
		// leaves out; every other column of the two, as nullable as in its table
		cols := map[string]bool{}
		for _, tn := range []string{schemas.TableCellSources, schemas.TableCellKeys} {
			for _, c := range schemas.WarehouseSpec(tn).Columns {
				if c.Name != "key_id" {
					cols[c.Name] = !c.Nullable
				}
			}
		}
		return cols, nil
	}
	if schema == "main" {
		t := schemas.WarehouseSpec(name)
		if t == nil {
			return nil, fmt.Errorf("no warehouse table %s", name)
		}
		cols := map[string]bool{}
		for _, c := range t.Columns {
			cols[c.Name] = !c.Nullable
		}
		return cols, nil
	}
	m, ok := models[view]
	if !ok {
		return nil, fmt.Errorf("no model %s (queries/%s/%s.sql)", view, schema, name)
	}
	notNull := map[string]bool{}
	for _, c := range append(append([]string{}, m.Meta.Grain...), m.Meta.Tests.NotNull...) {
		notNull[c] = true
	}
	cols := map[string]bool{}
	for _, c := range m.Meta.Columns {
		cols[c.Name] = notNull[c.Name]
	}
	return cols, nil
}

func TestRowTypesMatchSidecars(t *testing.T) {
	ms, err := Models()
	if err != nil {
		t.Fatal(err)
	}
	models := map[string]*Model{}
	for _, m := range ms {
		models[m.Name] = m
	}
	root := moduleRoot(t)
	pkgs, fset := parsePackages(t, root)
	dirs := make([]string, 0, len(pkgs))
	for d := range pkgs {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	checked := 0
	for _, dir := range dirs {
		structs := rowStructs(pkgs[dir], fset)
		byName := map[string]*rowStruct{}
		for _, r := range structs {
			if r.name != "" {
				byName[r.name] = r
			}
		}
		// the fields of a struct with those of the structs it embeds
		var expand func(r *rowStruct, depth int) []rowField
		expand = func(r *rowStruct, depth int) []rowField {
			out := append([]rowField{}, r.fields...)
			for _, e := range r.embeds {
				if er := byName[e]; er != nil && depth < 5 {
					out = append(out, expand(er, depth+1)...)
				}
			}
			return out
		}
		embedded := map[string]bool{}
		for _, r := range structs {
			if r.view != "" || r.query != "" {
				for _, e := range r.embeds {
					embedded[e] = true
				}
			}
		}
		for _, r := range structs {
			what := r.name
			if what == "" {
				what = "struct"
			}
			where := fmt.Sprintf("%s (%s)", what, relPos(root, r.pos))
			switch {
			case r.view != "":
				cols, err := viewColumns(r.view, models)
				if err != nil {
					t.Errorf("%s: view tag %q: %v", where, r.view, err)
					continue
				}
				checked++
				for _, f := range expand(r, 0) {
					notNull, ok := cols[f.col]
					switch {
					case !ok:
						t.Errorf("%s: field %s: %s has no column %s", where, f.name, r.view, f.col)
					case !notNull && !f.pointer:
						t.Errorf("%s: field %s: column %s of %s may be NULL (not in its grain or not_null tests): make the field a pointer, or declare the column not_null",
							where, f.name, f.col, r.view)
					}
				}
			case r.query != "":
				if name, ok := strings.CutPrefix(r.query, "reports/"); ok {
					if _, err := Report(name); err != nil {
						t.Errorf("%s: query tag %q: %v", where, r.query, err)
					}
				}
			case len(r.fields) > 0 && !(r.name != "" && embedded[r.name]):
				t.Errorf("%s: col tags without a view: add the blank field _ struct{} `view:\"schema.name\"` (or `query:\"…\"` for a result that is not one view)", where)
			}
		}
	}
	if checked < 10 {
		t.Errorf("%d row types checked against their views: the source walk found too few", checked)
	}
}

func relPos(root string, p token.Position) string {
	if r, err := filepath.Rel(root, p.Filename); err == nil {
		return fmt.Sprintf("%s:%d", r, p.Line)
	}
	return p.String()
}

// TestLabelsNameColumns: every Label("<view>", "<column>") of the code names a documented
// column (the view may be a string variable of the same function).
func TestLabelsNameColumns(t *testing.T) {
	ms, err := Models()
	if err != nil {
		t.Fatal(err)
	}
	models := map[string]*Model{}
	for _, m := range ms {
		models[m.Name] = m
	}
	root := moduleRoot(t)
	pkgs, fset := parsePackages(t, root)
	n := 0
	for _, files := range pkgs {
		for _, f := range files {
			for _, d := range f.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok || fn.Body == nil {
					continue
				}
				vars := map[string]string{} // v := "analytics.coverage"
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == len(as.Rhs) {
						for i, l := range as.Lhs {
							if id, ok := l.(*ast.Ident); ok {
								if s, ok := stringLit(as.Rhs[i], nil); ok {
									vars[id.Name] = s
								}
							}
						}
					}
					return true
				})
				ast.Inspect(fn.Body, func(node ast.Node) bool {
					call, ok := node.(*ast.CallExpr)
					if !ok || len(call.Args) != 2 {
						return true
					}
					name := ""
					switch fun := call.Fun.(type) {
					case *ast.Ident:
						name = fun.Name
					case *ast.SelectorExpr:
						name = fun.Sel.Name
					}
					if name != "Label" {
						return true
					}
					view, ok1 := stringLit(call.Args[0], vars)
					col, ok2 := stringLit(call.Args[1], vars)
					if !ok1 || !ok2 {
						return true
					}
					n++
					cols, err := viewColumns(view, models)
					if err != nil {
						t.Errorf("%s: Label(%q, %q): %v", relPos(root, fset.Position(call.Pos())), view, col, err)
					} else if _, ok := cols[col]; !ok {
						t.Errorf("%s: Label(%q, %q): %s has no column %s", relPos(root, fset.Position(call.Pos())), view, col, view, col)
					}
					return true
				})
			}
		}
	}
	if n < 20 {
		t.Errorf("%d Label calls with a literal view and column: the source walk found too few", n)
	}
}

func stringLit(e ast.Expr, vars map[string]string) (string, bool) {
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind == token.STRING {
			s, err := strconv.Unquote(x.Value)
			return s, err == nil
		}
	case *ast.Ident:
		s, ok := vars[x.Name]
		return s, ok
	}
	return "", false
}
