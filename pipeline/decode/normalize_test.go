package decode

import (
	"strings"
	"testing"
	"unsafe"
)

func TestNormalize(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "一、总体情况\n2021年,共发布7000余条。\n", "一、总体情况\n2021年,共发布7000余条。\n"},
		{"full-width brackets", "（一）予以公开", "(一)予以公开"},
		{"full-width digits", "０１２３４５６７８９件", "0123456789件"},
		{"full-width letters and punctuation", "ＡＢＣ，ｘｙｚ：；！？％", "ABC,xyz:;!?%"},
		{"enclosed numbers", "①②⑴", "12(1)"},
		{"units", "面积１０㎡", "面积10m2"},
		{"compatibility ideograph", "\uf900", "豈"},
		{"combining accent", "caf\u0065\u0301", "café"},
		{"CRLF", "a\r\nb\r\nc", "a\nb\nc"},
		{"CR", "a\rb\rc\r", "a\nb\nc\n"},
		{"ideographic space", "发布时间\u3000\u30002022", "发布时间  2022"},
		{"NBSP", "总计\u00a020", "总计 20"},
		{"zero width", "政府\u200b信息\u200d公开\u2060", "政府信息公开"},
		{"BOM inside", "\ufeff一、总体情况\n\ufeff二", "一、总体情况\n二"},
		{"soft hyphen and bidi", "行政\u00ad复议\u202a", "行政复议"},
		{"line separators", "第一行\u2028第二行\u2029第三行\u0085第四行", "第一行\n第二行\n第三行\n第四行"},
		{"form feed", "第1页\f第2页", "第1页\n第2页"},
		{"controls", "总\x01计\x7f\u0090", "总计"},
		{"trailing spaces", "总计 |  \n商业企业 \t\n\u3000\n", "总计 |\n商业企业\n\n"},
		{"leading spaces kept", "  一、总体情况", "  一、总体情况"},
		{"space between Han", "商业 企业", "商业企业"},
		{"split word", "政府信 息公开", "政府信息公开"},
		{"split cells", "结果 纠正 |", "结果纠正 |"},
		{"ideographic space between Han", "商业\u3000企业", "商业企业"},
		{"space before quote", "危及 “三安全一稳定”", "危及“三安全一稳定”"},
		{"two spaces kept", "商业  企业", "商业  企业"},
		{"digit kept", "解读 34次,图解 25次", "解读 34次,图解 25次"},
		{"ASCII kept", "收费 0 元 PDF 文件", "收费 0 元 PDF 文件"},
		{"separators kept", "| 商业 | 企业 |  | 0 |", "| 商业 | 企业 |  | 0 |"},
		{"bars kept", "|||", "|||"},
		{"tabs kept", "自然人\t19\t1", "自然人\t19\t1"},
		{"line break between Han kept", "商业\n企业", "商业\n企业"},
		{"emoji", "好👍", "好👍"},
		{"invalid UTF-8 stays replaced", "a\uFFFDb", "a\uFFFDb"},
		{"incidental traditional", "显著成效,於是,乾隆年间", "显著成效,於是,乾隆年间"},
		{"traditional", "一、總體情況\n收到和處理政府信息公開申請情況,行政復議、行政訴訟,結轉下年度繼續辦理。", "一、总体情况\n收到和处理政府信息公开申请情况,行政复议、行政诉讼,结转下年度继续办理。"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Normalize(c.in)
			if got != c.want {
				t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
			}
			if again := Normalize(got); again != got {
				t.Errorf("not idempotent: %q → %q", got, again)
			}
		})
	}
}

func TestNormalizeUnchangedIsSameString(t *testing.T) {
	s := strings.Repeat("一、总体情况\n2021年,共发布7000余条。| 0 |\n", 10)
	got, _ := normalize(s)
	if unsafe.StringData(got) != unsafe.StringData(s) {
		t.Fatalf("normalize copied text it did not change")
	}
}

func TestTraditionalDetection(t *testing.T) {
	simplified := "收到和处理政府信息公开申请情况。显著提高,著作权,於是乎,乾隆年间,后台,面向群众。"
	cases := []struct {
		name string
		in   string
		trad bool
	}{
		{"simplified", simplified, false},
		{"simplified with incidental traditional", string(seed(t)) + "於是,乾隆,乾坤,於此,於是,著名", false},
		{"traditional", ToTraditional(simplified), true},
		{"short traditional", "總體情況 申請 辦理", true},
		{"four traditional runes", "總體 辦理", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, st := normalize(c.in)
			if st.traditional() != c.trad {
				t.Errorf("traditional() = %v (%d of %d Han), want %v", st.traditional(), st.trad, st.han, c.trad)
			}
		})
	}
}
