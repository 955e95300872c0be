package console

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"xxgk/pipeline/store"
)

var (
	tInt  = &store.Type{Name: "INTEGER", Kind: store.KindInt}
	tText = &store.Type{Name: "VARCHAR", Kind: store.KindText}
	tDec  = &store.Type{Name: "DECIMAL(18,2)", Kind: store.KindDecimal}
)

// Every kind of value as text and as JSON; the expected strings are written out by hand.
func TestValues(t *testing.T) {
	day := time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)
	at := time.Date(2024, 3, 31, 8, 30, 5, 250000000, time.UTC)
	h, _ := new(big.Int).SetString("-170141183460469231731687303715884105728", 10)
	for _, c := range []struct {
		v          any
		t          *store.Type
		text, json string
	}{
		{nil, tInt, "NULL", "null"},
		{int32(-7), tInt, "-7", "-7"},
		{h, tInt, "-170141183460469231731687303715884105728", "-170141183460469231731687303715884105728"},
		{store.Decimal{Value: "250", Scale: 2}, tDec, "2.50", "2.50"},
		{store.Decimal{Value: "-5", Scale: 3}, tDec, "-0.005", "-0.005"},
		{store.Decimal{Value: "12345678901234567891", Scale: 2}, tDec, "123456789012345678.91", "123456789012345678.91"},
		{0.1, &store.Type{Kind: store.KindFloat}, "0.1", "0.1"},
		{1e21, &store.Type{Kind: store.KindFloat}, "1000000000000000000000", "1e+21"},
		{math.NaN(), &store.Type{Kind: store.KindFloat}, "nan", `"NaN"`},
		{math.Inf(-1), &store.Type{Kind: store.KindFloat}, "-inf", `"-Infinity"`},
		{true, &store.Type{Kind: store.KindBool}, "true", "true"},
		{"朝阳县 \"x\"", tText, "朝阳县 \"x\"", `"朝阳县 \"x\""`},
		{[]byte("a\xde\\"), &store.Type{Kind: store.KindBlob}, `a\xDE\x5C`, `"a\\xDE\\x5C"`},
		{day, &store.Type{Kind: store.KindDate}, "2024-03-31", `"2024-03-31"`},
		{at, &store.Type{Kind: store.KindTimestamp}, "2024-03-31 08:30:05.25", `"2024-03-31T08:30:05.25"`},
		{day, &store.Type{Kind: store.KindTimestamp}, "2024-03-31 00:00:00", `"2024-03-31T00:00:00"`},
		{at, &store.Type{Kind: store.KindTimestampTZ}, "2024-03-31 08:30:05.25+00", `"2024-03-31T08:30:05.25Z"`},
		{time.Date(1, 1, 1, 23, 59, 1, 0, time.UTC), &store.Type{Kind: store.KindTime}, "23:59:01", `"23:59:01"`},
		{store.Interval{Months: 14, Days: 3, Micros: 14706500000}, &store.Type{Kind: store.KindInterval}, "1 year 2 months 3 days 04:05:06.5", `"1 year 2 months 3 days 04:05:06.5"`},
		{store.UUID{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}, &store.Type{Kind: store.KindUUID},
			"6ba7b810-9dad-11d1-80b4-00c04fd430c8", `"6ba7b810-9dad-11d1-80b4-00c04fd430c8"`},
		{[]any{int32(1), nil, int32(3)}, &store.Type{Kind: store.KindList, Elem: tInt}, "[1, NULL, 3]", "[1,null,3]"},
		{[]any{"a", "b,c"}, &store.Type{Kind: store.KindList, Elem: tText}, "[a, b,c]", `["a","b,c"]`},
		{store.Struct{Names: []string{"z", "a"}, Values: []any{int32(1), store.Decimal{Value: "10", Scale: 1}}},
			&store.Type{Kind: store.KindStruct, Fields: []store.Field{{Name: "z", Type: tInt}, {Name: "a", Type: tDec}}},
			"{'z': 1, 'a': 1.0}", `{"z":1,"a":1.0}`},
		{store.Map{Keys: []any{"k2", "k1"}, Values: []any{int32(2), nil}}, &store.Type{Kind: store.KindMap, Key: tText, Value: tInt},
			"{k2=2, k1=NULL}", `{"k2":2,"k1":null}`},
		{[]any{[]any{day}}, &store.Type{Kind: store.KindList, Elem: &store.Type{Kind: store.KindList, Elem: &store.Type{Kind: store.KindDate}}},
			"[[2024-03-31]]", `[["2024-03-31"]]`},
		{map[string]any{"b": []any{true, nil}}, &store.Type{Kind: store.KindJSON}, `{"b":[true,null]}`, `{"b":[true,null]}`},
	} {
		if got := Text(c.v, c.t, "NULL"); got != c.text {
			t.Errorf("Text(%#v) = %q, want %q", c.v, got, c.text)
		}
		got := string(JSONValue(c.v, c.t))
		if got != c.json {
			t.Errorf("JSONValue(%#v) = %s, want %s", c.v, got, c.json)
		}
		if !json.Valid([]byte(got)) {
			t.Errorf("JSONValue(%#v) = %s: not JSON", c.v, got)
		}
	}
}

func sample() *store.Rows {
	return &store.Rows{Columns: []string{"name", "n", "amount"}, Types: []string{"VARCHAR", "INTEGER", "DECIMAL(18,2)"},
		ColumnTypes: []*store.Type{tText, tInt, tDec},
		Rows:        [][]any{{"朝阳县", int32(12345), store.Decimal{Value: "150", Scale: 2}}, {"a|b\nc", nil, nil}}}
}

// Each format writes the same rows; the expected documents are written out by hand.
func TestWriteFormats(t *testing.T) {
	for f, want := range map[Format]string{
		Table: "name        n  amount\n" +
			"──────  ─────  ──────\n" +
			"朝阳县  12345    1.50\n" +
			"a|b c    NULL    NULL\n" +
			"(2 行 rows)\n",
		CSV:      "name,n,amount\n朝阳县,12345,1.50\n\"a|b\nc\",,\n",
		JSON:     "[\n  {\"name\": \"朝阳县\", \"n\": 12345, \"amount\": 1.50},\n  {\"name\": \"a|b\\nc\", \"n\": null, \"amount\": null}\n]\n",
		Markdown: "| name | n | amount |\n|---|---:|---:|\n| 朝阳县 | 12345 | 1.50 |\n| a\\|b c | NULL | NULL |\n",
	} {
		var b bytes.Buffer
		if err := Write(&b, sample(), f, PrintOptions{}); err != nil {
			t.Fatal(err)
		}
		if b.String() != want {
			t.Errorf("%s:\n%s\nwant\n%s", f, b.String(), want)
		}
	}
	var b bytes.Buffer
	if err := WriteJSON(&b, Object{{"a", 1}, {"rows", Rows{sample()}}, {"none", Rows{}}}); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil || len(doc["rows"].([]any)) != 2 || doc["none"] == nil {
		t.Errorf("object (%v):\n%s", err, b.String())
	}
	if !strings.HasPrefix(b.String(), "{\n  \"a\": 1,\n  \"rows\": [") {
		t.Errorf("members out of order:\n%s", b.String())
	}
}

func TestCompleter(t *testing.T) {
	c := completer([]string{"analytics.county_years", "county_code", "county_years", "select"})
	head, got, tail := c("select cou from x", 10)
	if head != "select " || tail != " from x" || !slices.Equal(got, []string{"county_code", "county_years"}) {
		t.Errorf("%q %v %q", head, got, tail)
	}
	if _, got, _ := c("from analytics.c", 16); !slices.Equal(got, []string{"analytics.county_years"}) {
		t.Errorf("%v", got)
	}
	if _, got, _ := c("SEL", 3); !slices.Equal(got, []string{"select"}) {
		t.Errorf("case: %v", got)
	}
	if _, got, _ := c("select ", 7); got != nil {
		t.Errorf("empty word: %v", got)
	}
}

// warehouse publishes an empty warehouse with one analytics view, through the store's
// lifecycle (no driver here).
func warehouse(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := store.Begin(context.Background(), store.Options{Path: path, MemoryLimit: "256MB", Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.Finish(context.Background(), store.Run{Status: "ok", Models: func(ctx context.Context, c *sql.Conn) error {
		_, err := c.ExecContext(ctx, `create schema analytics;
			create view analytics.demo as select * from (values ('朝阳县', 2022, 7), ('建平县', 2022, 5)) v(county_name, year, requests_count);
			comment on view analytics.demo is '示例 / demo'`)
		return err
	}})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func TestQuery(t *testing.T) {
	path := warehouse(t)
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	q := func(text string, f Format) (string, error) {
		var b bytes.Buffer
		err := Query(context.Background(), s, text, f, store.Limits{MaxRows: 100}, &b)
		return b.String(), err
	}
	if out, err := q("select sum(requests_count) as n from analytics.demo", CSV); err != nil || out != "n\n12\n" {
		t.Errorf("%q %v", out, err)
	}
	if out, err := q("select 1 as a; select 2 as b", Table); err != nil || !strings.Contains(out, "a\n─\n1\n(1 行 row)\n\nb\n─\n2\n") {
		t.Errorf("%q %v", out, err)
	}
	if _, err := q("select 1; select 2", CSV); err == nil {
		t.Error("csv of two statements")
	}
	if out, err := q("select 1; copy (select 1) to 'x.csv'", JSON); !errors.Is(err, store.ErrRefused) || out != "" {
		t.Errorf("refused: %q %v", out, err)
	}
	if _, err := q("-- nothing", Table); !errors.Is(err, ErrNoStatement) {
		t.Errorf("no statement: %v", err)
	}
	if out, err := q("explain select 1", Table); err != nil || !strings.Contains(out, "physical_plan") || !strings.Contains(out, "┌") {
		t.Errorf("explain: %q %v", out, err)
	}
	// Options{} has no external access: the analyst's files are not readable
	if _, err := q("select * from read_csv('/etc/passwd')", Table); err == nil || !strings.Contains(err.Error(), "disabled") {
		t.Errorf("external access: %v", err)
	}
	var b bytes.Buffer
	if err := WriteViews(context.Background(), &b, s, "demo", JSON, false); err != nil || !strings.Contains(b.String(), `"requests_count"`) {
		t.Errorf("views: %v\n%s", err, b.String())
	}
}

func TestShellPiped(t *testing.T) {
	path := warehouse(t)
	s, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	hist := filepath.Join(t.TempDir(), "h")
	var out, errb bytes.Buffer
	sh := &Shell{Session: s, Out: &out, Err: &errb, Format: CSV, History: hist}
	err = sh.RunPiped(context.Background(), strings.NewReader("select county_name\nfrom analytics.demo order by 1;\nselect 'x;\ny' as s;\nset threads = 1;\n.views\nselect 3 as last"))
	if !errors.Is(err, ErrStatementFailed) || !strings.Contains(errb.String(), "SET") {
		t.Errorf("%v %s", err, errb.String())
	}
	for _, want := range []string{"county_name\n建平县\n朝阳县\n", "s\n\"x;\ny\"\n", "analytics.demo", "last\n3\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := os.Stat(hist); !os.IsNotExist(err) {
		t.Errorf("history file written from a pipe: %v", err)
	}
}
