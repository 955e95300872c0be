package gen

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// BenchmarkGenerate writes 2,000 reports of 辽宁省 (with their gold files) with 2 workers and
// reports reports/s and MB/s (reports and gold), with the floor of the same run: writing the
// same number of files of the same sizes, with nothing to compute.
func BenchmarkGenerate(b *testing.B) {
	cfg := Defaults()
	cfg.Limit = 2000
	cfg.Workers = 2
	var st Stats
	var elapsed time.Duration
	for b.Loop() {
		dir, err := os.MkdirTemp("", "genbench")
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		st, err = Generate(context.Background(), cfg, dir)
		elapsed += time.Since(start)
		b.StopTimer()
		os.RemoveAll(dir)
		b.StartTimer()
		if err != nil {
			b.Fatal(err)
		}
	}
	per := elapsed.Seconds() / float64(b.N)
	b.ReportMetric(float64(st.Reports)/per, "reports/s")
	b.ReportMetric(float64(st.Bytes+st.GoldBytes)/per/1e6, "MB/s")
	b.ReportMetric(floorWrite(b, st)/per, "x_floor")
}

// floorWrite returns the seconds taken to write as many files of the same sizes as st, in the
// same layout depth, from 2 goroutines.
func floorWrite(b *testing.B, st Stats) float64 {
	b.StopTimer()
	defer b.StartTimer()
	dir, err := os.MkdirTemp("", "genfloor")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(dir)
	rep := bytes.Repeat([]byte("x"), int(st.Bytes/int64(max(st.Reports, 1))))
	gold := bytes.Repeat([]byte("y"), int(st.GoldBytes/int64(max(st.Reports, 1))))
	start := time.Now()
	done := make(chan struct{})
	for w := range 2 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := w; i < st.Reports; i += 2 {
				d := filepath.Join(dir, "r", strconv.Itoa(i/50))
				g := filepath.Join(dir, "g", strconv.Itoa(i/50))
				_ = os.MkdirAll(d, 0o755)
				_ = os.MkdirAll(g, 0o755)
				_ = os.WriteFile(filepath.Join(d, strconv.Itoa(i)), rep, 0o644)
				_ = os.WriteFile(filepath.Join(g, strconv.Itoa(i)), gold, 0o644)
			}
		}()
	}
	<-done
	<-done
	return time.Since(start).Seconds()
}

// BenchmarkRender measures one worker's in-memory work per report: draw, render and marshal
// the gold file, without the disk.
func BenchmarkRender(b *testing.B) {
	cfg := Defaults()
	cfg.Limit = 500
	var docs []*Doc
	if err := Docs(cfg, func(d *Doc) error { docs = append(docs, d); return nil }); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	var n int64
	for b.Loop() {
		n = 0
		for _, d := range docs {
			buf.Reset()
			_ = render(&buf, d.Gold, d.Prose, d.Shape, d.Opts)
			g, err := json.Marshal(d.Gold)
			if err != nil {
				b.Fatal(err)
			}
			n += int64(buf.Len() + len(g))
		}
	}
	b.SetBytes(n)
	b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "reports/s")
}
