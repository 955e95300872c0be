package ingest

import (
	"testing"

	"xxgk/schemas"
)

// The summary's table by prefecture gives a provincial body the province's own line, a
// prefecture body its prefecture's, a county body its county's prefecture, and only a report
// without a region the unresolved line (shown last).
func TestSummaryByPrefecture(t *testing.T) {
	s := &Summary{byPref: map[string]*PrefectureSummary{}}
	add := func(r schemas.Region) {
		rep := schemas.NewReport("x")
		rep.Region, rep.Status = r, schemas.StatusComplete
		s.addReport(rep, "x")
	}
	add(schemas.Region{Code: "21", Level: schemas.LevelProvince, Province: "辽宁省", ProvinceCode: "21"})
	add(schemas.Region{Code: "2113", Level: schemas.LevelPrefecture, Prefecture: "朝阳市", PrefectureCode: "2113", Province: "辽宁省"})
	add(schemas.Region{Code: "211321", Level: schemas.LevelCounty, Prefecture: "朝阳市", PrefectureCode: "2113"})
	add(schemas.Region{})
	s.finish()
	var got []string
	for _, p := range s.ByPrefecture {
		got = append(got, p.Code+" "+p.Name)
	}
	want := []string{"21 辽宁省（省直）", "2113 朝阳市", " （未确定地区）"}
	if len(got) != len(want) {
		t.Fatalf("by prefecture: %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("by prefecture: %q, want %q", got, want)
		}
	}
	if s.ByPrefecture[1].Reports != 2 || len(s.Unresolved) != 1 {
		t.Errorf("朝阳市 reports %d (want 2), unresolved %v", s.ByPrefecture[1].Reports, s.Unresolved)
	}
}
