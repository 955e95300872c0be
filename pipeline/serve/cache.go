package serve

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"xxgk/pipeline/store"
)

// versionCache holds what every page needs and does not change within a version of the
// warehouse: the years, the divisions with reports, the views' documentation, the search
// index. Each part is read once per version, on first use, with the session of the request
// that needs it.
type versionCache struct {
	basic    lazy[*basicData]
	views    lazy[[]viewDoc]
	search   lazy[*searchIndex]
	late     lazy[map[lateKey]int64]
	coverage lazy[[]coverageRow]
	quality  lazy[*qualityCache]

	overviewMu sync.Mutex
	overviews  map[string]*lazy[*overviewBody] // by region and year

	compareMu sync.Mutex
	compares  map[string]*lazy[[]compareRow] // by years, level, region and measure
}

// basicData is what every page needs: the years and the divisions.
type basicData struct {
	years  []int
	areas  []division          // provinces and prefectures with figures, by code
	byCode map[string]division // every division of main.regions
}

// lazy is a value read once per version, on first use. A read interrupted because its
// request ended (or the version is being replaced) is not kept: the next request reads again.
type lazy[T any] struct {
	mu   sync.Mutex
	done bool
	v    T
	err  error
}

func (l *lazy[T]) get(ctx context.Context, fill func(context.Context) (T, error)) (T, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.done {
		return l.v, l.err
	}
	v, err := fill(ctx)
	if err != nil && ctx.Err() != nil {
		return v, err
	}
	l.v, l.err, l.done = v, err, true
	return v, err
}

// division is one row of main.regions.
type division struct {
	_              struct{} `query:"serve/divisions"` // main.regions with has_figures
	Code           string   `col:"code"`
	Level          string   `col:"level"`
	Name           string   `col:"name"`
	ParentCode     *string  `col:"parent_code"`
	ProvinceCode   string   `col:"province_code"`
	ProvinceName   string   `col:"province_name"`
	PrefectureCode *string  `col:"prefecture_code"`
	PrefectureName *string  `col:"prefecture_name"`
	HasFigures     bool     `col:"has_figures"`
}

// Parent returns the parent code ("" for a province).
func (d division) Parent() string {
	if d.ParentCode == nil {
		return ""
	}
	return *d.ParentCode
}

// LevelName is the level in Chinese.
func (d division) LevelName() string { return levelName(d.Level) }

func levelName(l string) string {
	switch l {
	case "province":
		return "省级"
	case "prefecture":
		return "地级"
	case "county":
		return "县级"
	}
	return l
}

// basic returns the years and divisions of the version.
func (q *req) basic() (*basicData, error) {
	return q.l.g.cache.basic.get(q.ctx(), func(ctx context.Context) (*basicData, error) {
		if !q.l.g.version.HasModels {
			return nil, errorf(503, "仓库中没有 analytics 视图（由较早版本发布）：运行 xxgk views --refresh --db %s / the warehouse has no analytics views: run xxgk views --refresh", q.l.s.Path())
		}
		c := &basicData{}
		type yearRow struct {
			_    struct{} `view:"analytics.region_years"`
			Year int      `col:"year"`
		}
		ys, err := scan[yearRow](ctx, q.l.s, `select distinct year from analytics.region_years order by year`)
		if err != nil {
			return nil, fmt.Errorf("years: %w", err)
		}
		for _, y := range ys {
			c.years = append(c.years, y.Year)
		}
		divs, err := scan[division](ctx, q.l.s, `select code, level, name, parent_code, province_code, province_name,
				prefecture_code, prefecture_name,
				code in (select region_code from analytics.region_years) as has_figures
			from main.regions order by code`)
		if err != nil {
			return nil, fmt.Errorf("divisions: %w", err)
		}
		c.byCode = make(map[string]division, len(divs))
		for _, d := range divs {
			c.byCode[d.Code] = d
			if d.HasFigures && (d.Level == "province" || d.Level == "prefecture") {
				c.areas = append(c.areas, d)
			}
		}
		return c, nil
	})
}

// yearParam reads ?year= (absent: the latest year) and checks that the warehouse holds it.
func (q *req) yearParam(name string) (int, error) {
	c, err := q.basic()
	if err != nil {
		return 0, err
	}
	def := 0
	if len(c.years) > 0 {
		def = c.years[len(c.years)-1]
	}
	y, err := intParam(q, name, def)
	if err != nil {
		return 0, err
	}
	if len(c.years) == 0 {
		return 0, notFound("仓库中没有任何汇总依据的报告 / the warehouse holds no report of record")
	}
	if !slices.Contains(c.years, y) {
		return 0, notFound("%d 年不在仓库中；仓库中的年度：%s / no report for %d; years in the warehouse: %s", y, yearList(c.years), y, yearList(c.years))
	}
	return y, nil
}

func yearList(ys []int) string {
	s := make([]string, len(ys))
	for i, y := range ys {
		s[i] = strconv.Itoa(y)
	}
	return strings.Join(s, ", ")
}

// regionParam reads ?region= (absent: def, or the first province with figures) and checks
// that it is a division with figures; levels restricts the levels accepted.
func (q *req) regionParam(name string, levels ...string) (division, error) {
	c, err := q.basic()
	if err != nil {
		return division{}, err
	}
	code, err := codeParam(q, name)
	if err != nil {
		return division{}, err
	}
	if code == "" {
		for _, a := range c.areas {
			if a.Level == "province" {
				return a, nil
			}
		}
		if len(c.areas) > 0 {
			return c.areas[0], nil
		}
		return division{}, notFound("仓库中没有任何区划的汇总 / the warehouse holds no division's figures")
	}
	d, ok := c.byCode[code]
	if !ok {
		return division{}, notFound("区划代码 %s 不存在 / unknown division code %s; %s", code, code, areaList(c.areas))
	}
	if len(levels) > 0 && !slices.Contains(levels, d.Level) {
		return division{}, notFound("%s %s 是%s区划，此页只显示%s / %s %s is a %s; this page shows %s", code, d.Name, d.LevelName(),
			levelNames(levels), code, d.Name, d.Level, strings.Join(levels, " or "))
	}
	if !d.HasFigures {
		return division{}, notFound("%s %s 没有汇总依据的报告 / no report of record for %s %s; %s", code, d.Name, code, d.Name, areaList(c.areas))
	}
	return d, nil
}

func levelNames(ls []string) string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = levelName(l)
	}
	return strings.Join(out, "、")
}

func areaList(as []division) string {
	var s []string
	for _, a := range as {
		s = append(s, a.Code+" "+a.Name)
		if len(s) == 40 {
			s = append(s, "…")
			break
		}
	}
	return "有汇总的省、地级区划 / provinces and prefectures with figures: " + strings.Join(s, ", ")
}

// viewDoc documents one analytics view for the SQL page.
type viewDoc struct {
	Name    string
	Comment string
	Columns []columnDoc
}

type columnDoc struct {
	_       struct{} `query:"serve/views"` // duckdb_columns()
	Name    string   `col:"column_name"`
	Type    string   `col:"data_type"`
	Comment string   `col:"comment"`
}

// viewDocs returns the analytics views with their columns and comments (the analysts'
// contract, as xxgk views prints it).
func (q *req) viewDocs() ([]viewDoc, error) {
	return q.l.g.cache.views.get(q.ctx(), func(ctx context.Context) ([]viewDoc, error) {
		type viewRow struct {
			_       struct{} `query:"serve/views"` // duckdb_views()
			Name    string   `col:"view_name"`
			Comment string   `col:"comment"`
		}
		vs, err := scan[viewRow](ctx, q.l.s, `select view_name, coalesce(comment, '') as comment from duckdb_views()
			where database_name = current_database() and schema_name = 'analytics' order by view_name`)
		if err != nil {
			return nil, err
		}
		cols, err := scan[struct {
			_       struct{} `query:"serve/views"` // duckdb_columns()
			View    string   `col:"table_name"`
			Name    string   `col:"column_name"`
			Type    string   `col:"data_type"`
			Comment string   `col:"comment"`
		}](ctx, q.l.s, `select table_name, column_name, data_type, coalesce(comment, '') as comment from duckdb_columns()
			where database_name = current_database() and schema_name = 'analytics' order by table_name, column_index`)
		if err != nil {
			return nil, err
		}
		byView := map[string][]columnDoc{}
		for _, col := range cols {
			byView[col.View] = append(byView[col.View], columnDoc{Name: col.Name, Type: col.Type, Comment: col.Comment})
		}
		var out []viewDoc
		for _, v := range vs {
			out = append(out, viewDoc{Name: "analytics." + v.Name, Comment: v.Comment, Columns: byView[v.Name]})
		}
		return out, nil
	})
}

// session returns the request's session.
func (q *req) session() *store.Session { return q.l.s }
