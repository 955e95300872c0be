package run_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"xxgk/pipeline/gen"
	"xxgk/pipeline/run"
	"xxgk/pipeline/store"
)

// idOf is a problem's short id computed here from its key: the kind's initial and 10 hex digits
// of the key's SHA-256 (as documented in migration 0005), independently of the SQL and the run.
func idOf(kind, key string) string {
	s := sha256.Sum256([]byte(key))
	return kind[:1] + hex.EncodeToString(s[:])[:10]
}

// TestAcknowledgedProblems: a run with faulty reports and an unreadable file is partial and
// names every problem; once each is acknowledged (xxgk ack) the rerun exits ok, still counting
// them, and regenerates the outputs, which show the acknowledgement; a new faulty report the
// next night makes the run partial again, naming that file and body as new; acknowledgements
// survive the re-ingest; removing one makes its problem count again.
func TestAcknowledgedProblems(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := gen.Defaults()
	cfg.Provinces = []string{"2113"}
	cfg.FirstYear, cfg.LastYear = 2023, 2024
	cfg.Departments, cfg.Townships = 2, 1
	cfg.MissingShare = 0
	cfg.FaultShare = 0.15
	cfg.Manifest = true
	cfg.Seed = 11
	if _, err := gen.Generate(ctx, cfg, filepath.Join(dir, "corpus")); err != nil {
		t.Fatal(err)
	}
	reports := filepath.Join(dir, "corpus", gen.ReportsDir)
	junk := filepath.Join(reports, "辽宁省", "朝阳市", "junk.txt")
	if err := os.WriteFile(junk, []byte{0, 1, 2, 3, 0xff, 0xfe, 0, 0, 7, 8, 0, 1}, 0o644); err != nil {
		t.Fatal(err)
	}
	db, out := filepath.Join(dir, "w.duckdb"), filepath.Join(dir, "out")
	c := configFor(reports, db, out)
	c.Export.Formats = []string{"csv"}

	// 1. the first run: every problem is new and none is acknowledged
	rec := runOnce(t, c)
	if rec.Status != run.StatusPartial || rec.ProblemCount == 0 || rec.Acknowledged != 0 || rec.NewCount != rec.ProblemCount {
		t.Fatalf("first run: status %s, problems %d, acknowledged %d, new %d", rec.Status, rec.ProblemCount, rec.Acknowledged, rec.NewCount)
	}
	kinds := map[string]int{}
	var junkProblem run.Problem
	for _, q := range rec.ProblemList {
		kinds[q.Kind]++
		if q.ID != idOf(q.Kind, q.Key) {
			t.Errorf("problem %s: id %s, its key %q gives %s", q.Kind, q.ID, q.Key, idOf(q.Kind, q.Key))
		}
		if q.Path == junk {
			junkProblem = q
		}
	}
	// the violations are those of the record's count, once per problem and file
	if kinds["violation"] == 0 || kinds["violation"] > rec.Violations || kinds["failed"] != rec.Failures || kinds["incomplete"] != rec.Incomplete {
		t.Errorf("problems by kind %v; record: violations %d, failed %d, incomplete %d", kinds, rec.Violations, rec.Failures, rec.Incomplete)
	}
	sum := sha256.Sum256([]byte{0, 1, 2, 3, 0xff, 0xfe, 0, 0, 7, 8, 0, 1})
	if junkProblem.Kind != "failed" || junkProblem.SHA256 != hex.EncodeToString(sum[:]) || !strings.HasPrefix(junkProblem.Key, "failed|"+junkProblem.SHA256+"|") {
		t.Errorf("the unreadable file's problem: %+v", junkProblem)
	}
	recs, err := run.List(ctx, db)
	if err != nil || recs[0].ProblemCount != rec.ProblemCount || recs[0].NewCount != rec.ProblemCount || recs[0].NewText == "" {
		t.Fatalf("record read back: %+v %v", recs, err)
	}
	if n := count(t, db, `select count(*) from ops.problem_sightings where first_run_id = 1 and last_run_id = 1`); n != int64(rec.ProblemCount) {
		t.Errorf("%d problems sighted by run 1, want %d", n, rec.ProblemCount)
	}

	// 2. acknowledge every problem by its id; a second acknowledgement of one is refused
	var ids []string
	for _, q := range rec.ProblemList {
		ids = append(ids, q.ID)
	}
	acks, err := run.Acknowledge(ctx, run.AckOptions{Warehouse: db, IDs: ids, Note: "已与原件核对", By: "测试员"})
	if err != nil || len(acks) != len(ids) {
		t.Fatalf("acknowledge %d problems: %d acks, %v", len(ids), len(acks), err)
	}
	if _, err := run.Acknowledge(ctx, run.AckOptions{Warehouse: db, IDs: ids[:1], Note: "again", By: "x"}); !errors.Is(err, store.ErrAcknowledged) {
		t.Errorf("acknowledging twice: %v", err)
	}
	if _, err := run.Acknowledge(ctx, run.AckOptions{Warehouse: db, IDs: []string{"vzzzzzzzzzz"}, Note: "n", By: "x"}); err == nil {
		t.Errorf("an unknown problem id was accepted")
	}
	rec2 := runOnce(t, c)
	if rec2.Status != run.StatusOK || rec2.ProblemCount != rec.ProblemCount || rec2.Acknowledged != rec.ProblemCount || rec2.NewCount != 0 {
		t.Fatalf("rerun after acknowledging: status %s, problems %d, acknowledged %d, new %d (%v)", rec2.Status, rec2.ProblemCount,
			rec2.Acknowledged, rec2.NewCount, rec2.Problems)
	}
	if !rec2.Exported || rec2.Written == 0 {
		t.Errorf("the acknowledgements changed but the outputs were not regenerated: exported %v, written %d", rec2.Exported, rec2.Written)
	}
	if n := count(t, db, `select count(*) from analytics.rule_violations where acknowledged and ack_by = '测试员' and ack_note = '已与原件核对'`); n != int64(rec.Violations) {
		t.Errorf("%d violations marked acknowledged, want %d", n, rec.Violations)
	}
	v := csvValue(t, filepath.Join(out, "csv", "21_2023_rule_violations.csv"), "ack_by", "测试员", "acknowledged")
	if v != "true" {
		t.Errorf("the exported rule_violations say acknowledged %q", v)
	}
	rec3 := runOnce(t, c)
	if rec3.Status != run.StatusOK || rec3.Exported {
		t.Errorf("third run: status %s, exported %v", rec3.Status, rec3.Exported)
	}

	// 3. next night, a new faulty report: partial, and the record names it as new
	corrected, _ := correct(t, cfg, reports, 2024)
	rec4 := runOnce(t, c)
	if rec4.Status != run.StatusPartial || rec4.NewCount == 0 || rec4.Acknowledged >= rec4.ProblemCount {
		t.Fatalf("run with a new faulty report: status %s, problems %d, acknowledged %d, new %d", rec4.Status, rec4.ProblemCount,
			rec4.Acknowledged, rec4.NewCount)
	}
	for _, q := range rec4.NewProblems {
		if q.Kind != "violation" || q.Region != corrected || q.Year != 2024 || q.Body == "" || q.Acknowledged {
			t.Errorf("new problem %+v: want an unacknowledged violation of %s 2024", q, corrected)
		}
	}
	for _, q := range rec4.Unacknowledged() {
		if q.Region != corrected || q.Year != 2024 {
			t.Errorf("unacknowledged %+v: only the new report's problems should be", q)
		}
	}
	recs, err = run.List(ctx, db)
	if err != nil || !strings.Contains(recs[0].NewText, rec4.NewProblems[0].ID) || !strings.Contains(recs[0].NewText, rec4.NewProblems[0].Body) {
		t.Errorf("the record's new problems %q do not name %+v (%v)", recs[0].NewText, rec4.NewProblems[0], err)
	}
	// the acknowledgements survived the re-ingest
	got, err := run.Acknowledgements(ctx, db)
	if err != nil || len(got) != len(ids) {
		t.Fatalf("after the re-ingest: %d acknowledgements, want %d (%v)", len(got), len(ids), err)
	}

	// 4. removing an acknowledgement makes its problem count again
	var violation store.Ack
	for _, a := range got {
		if a.Kind == "violation" {
			violation = a
			break
		}
	}
	if _, err := run.Unacknowledge(ctx, db, []int64{violation.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := run.Unacknowledge(ctx, db, []int64{violation.ID}); !errors.Is(err, store.ErrNoAck) {
		t.Errorf("removing a removed acknowledgement: %v", err)
	}
	rec5 := runOnce(t, c)
	found := false
	for _, q := range rec5.Unacknowledged() {
		found = found || q.Key == violation.ProblemKey
	}
	if !found || rec5.Status != run.StatusPartial {
		t.Errorf("after removing ack %d (%s): status %s, its problem unacknowledged %v", violation.ID, violation.ProblemID, rec5.Status, found)
	}
}
