package parse_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"xxgk/pipeline/decode"
	"xxgk/pipeline/gen"
	"xxgk/pipeline/parse"
)

func TestZZDump(t *testing.T) {
	want := os.Getenv("ZZ")
	if want == "" {
		t.Skip()
	}
	cfg := gen.Defaults()
	cfg.Provinces = []string{"2113", "2114"}
	cfg.FaultShare = 0.08
	cfg.Layout = gen.LayoutMixed
	n := 0
	gen.Docs(cfg, func(d *gen.Doc) error {
		if !strings.Contains(d.Path, want) || n > 0 {
			return nil
		}
		n++
		b := gen.Render(d.Gold, d.Prose, d.Shape, d.Opts)
		doc, _ := decode.Decode(d.Path, b)
		os.WriteFile("/tmp/zz.txt", []byte(doc.Text), 0o644)
		r := parse.Parse(doc, parse.Options{})
		fmt.Println(d.Path, d.Shape, d.Traits, r.Title, r.Body)
		for _, p := range r.Problems {
			fmt.Printf("%+v\n", p)
		}
		return nil
	})
}
