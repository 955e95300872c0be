package ingest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReadManifest(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ManifestName)
	abs := filepath.Join(dir, "d.txt")
	csv := "\ufeffpath,region_code,year,scope,body,extra\n" +
		abs + ",211303,2022,area,x\n" +
		"reports/e.txt,211304,2022,area,x\n" +
		"e.txt,211305,2022,area,x\n" +
		"辽宁省/朝阳市/朝阳县/2022/a.txt,211321,2022,area,朝阳县人民政府,x\n" +
		"b.txt,211302,,department,双塔区教育局\n" +
		",211302,2022,area,x\n" +
		"p.txt,21,2022,department,辽宁省教育厅\n" +
		"f.txt, 2113 ,2022,department,朝阳市教育局\n" +
		"n.txt,211300,2022,government,朝阳市人民政府\n"
	if err := os.WriteFile(p, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := readManifest(p)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := m.row(filepath.Join(dir, "reports", "辽宁省/朝阳市/朝阳县/2022/a.txt"))
	if a.region != "211321" || a.year != 2022 || a.scope != "area" || a.body != "朝阳县人民政府" {
		t.Errorf("row relative to reports/: %+v", a)
	}
	if b, _ := m.row(filepath.Join(dir, "b.txt")); b.region != "211302" || b.year != 0 {
		t.Errorf("row relative to the manifest: %+v", b)
	}
	// a province's and a prefecture's bodies: 2- and 4-digit codes, kept as given (the level
	// follows from the length)
	for name, code := range map[string]string{"p.txt": "21", "f.txt": "2113", "n.txt": "211300"} {
		if r, _ := m.row(filepath.Join(dir, name)); r.region != code {
			t.Errorf("%s: region %q, want %q", name, r.region, code)
		}
	}
	// where a row is found: its path as listed (absolute, or relative to the manifest), else
	// relative to reports/ next to the manifest — not an absolute one, and not over a row that
	// lists the reports/ path itself
	for _, c := range []struct{ file, want string }{
		{filepath.Join(dir, "reports", "b.txt"), "211302"},
		{abs, "211303"},
		{filepath.Join(dir, "reports", "d.txt"), ""},
		{filepath.Join(dir, "reports", "e.txt"), "211304"},
		{filepath.Join(dir, "e.txt"), "211305"},
		{filepath.Join(dir, "x.txt"), ""},
	} {
		r, ok := m.row(c.file)
		if r.region != c.want || ok != (c.want != "") {
			t.Errorf("%s: row %+v (%v), want region %q", c.file, r, ok, c.want)
		}
	}
	if err := os.WriteFile(p, []byte("file,code\nx,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readManifest(p); err == nil {
		t.Error("a manifest without path and region_code columns was accepted")
	}
}

func FuzzReadManifest(f *testing.F) {
	f.Add([]byte("path,region_code,year,scope,body\na.txt,211321,2022,area,x\n"))
	f.Add([]byte("path,region_code\n\"unterminated,1\n"))
	f.Add([]byte("path,region_code,year\na,b,notayear\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), ManifestName)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := readManifest(p)
		if err == nil && m == nil {
			t.Error("nil manifest without an error")
		}
	})
}
