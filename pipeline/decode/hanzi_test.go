package decode

import (
	"strings"
	"testing"
)

func TestToTraditional(t *testing.T) {
	cases := []struct{ simp, trad string }{
		{"总体情况", "總體情況"},
		{"政府信息公开申请", "政府信息公開申請"},
		{"行政复议", "行政復議"},
		{"结转下年度继续办理", "結轉下年度繼續辦理"},
		{"收到和处理政府信息公开申请情况", "收到和處理政府信息公開申請情況"},
		{"本机关不掌握相关政府信息", "本機關不掌握相關政府信息"},
		{"信访举报投诉类申请", "信訪舉報投訴類申請"},
		{"本年收费金额(单位:万元)", "本年收費金額(單位:萬元)"},
		{"结果纠正 尚未审结", "結果糾正 尚未審結"},
		{"2021年 | 0 |", "2021年 | 0 |"},
		{"𡛧𠀀", "𡛧𠀀"}, // beyond the BMP, not in the tables
	}
	for _, c := range cases {
		if got := ToTraditional(c.simp); got != c.trad {
			t.Errorf("ToTraditional(%q) = %q, want %q", c.simp, got, c.trad)
		}
		if got := ToSimplified(c.trad); got != c.simp {
			t.Errorf("ToSimplified(%q) = %q, want %q", c.trad, got, c.simp)
		}
	}
}

// The report generator writes traditional copies with ToTraditional; ToSimplified must give
// the report back exactly.
func TestTraditionalRoundTripSeed(t *testing.T) {
	s := string(seed(t))
	trad := ToTraditional(s)
	if trad == s || !strings.Contains(trad, "總體情況") || !strings.Contains(trad, "結轉下年度繼續辦理") {
		t.Fatalf("ToTraditional did not convert the seed")
	}
	if back := ToSimplified(trad); back != s {
		t.Fatalf("round trip differs: %s", firstDiff(back, s))
	}
}

func TestConvertUnchangedIsSameString(t *testing.T) {
	s := "2021年 | 0 | abc"
	if ToSimplified(s) != s || ToTraditional("總體") != "總體" {
		t.Fatal("text without convertible characters changed")
	}
}
