# xxgk — make targets. Builds need cgo (DuckDB) and the duckdb_arrow tag (Arrow interface).
export CGO_ENABLED := 1
export GOFLAGS := -tags=duckdb_arrow

GO      ?= go
BIN     := bin/xxgk
DEMO    ?= demo
PKGS    := ./...

.PHONY: all build test test-race test-long demo bench bench-national fuzz fmt vet lint clean deps check-tools docs-check

all: build

build:
	$(GO) build -o $(BIN) ./cmd/xxgk

## test: every unit, round-trip, fuzz-seed and end-to-end test (self-contained: the real samples are
## copied into pipeline/*/testdata; nothing outside the repository is read)
test: vet
	$(GO) test -count=1 -timeout 20m $(PKGS)

test-race:
	$(GO) test -race -count=1 -timeout 30m $(PKGS)

## test-long: the larger generated-corpus runs behind a flag
test-long:
	XXGK_LONG=1 $(GO) test -count=1 -timeout 60m $(PKGS)

vet:
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l cmd pipeline schemas queries configs)" || { echo "gofmt needed:"; gofmt -l cmd pipeline schemas queries configs; exit 1; }

fmt:
	gofmt -w cmd pipeline schemas queries configs

## lint: staticcheck (pinned; fetched through the Go module proxy on first use)
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
lint:
	$(GO) run $(STATICCHECK) ./...

## deps: install the system tools PDF and legacy Word input need (poppler-utils; LibreOffice for
## .doc/.wps) and the CJK fonts the PDF tests print with, when run as root with apt
DEPS_PKGS := poppler-utils libreoffice-writer-nogui fonts-noto-cjk fonts-wqy-zenhei fontconfig
deps:
	@missing=""; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v libreoffice >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui"; \
	command -v fc-list >/dev/null 2>&1 || missing="$$missing fontconfig"; \
	fc-list 2>/dev/null | grep -qi 'Noto Serif CJK' || missing="$$missing fonts-noto-cjk"; \
	fc-list 2>/dev/null | grep -qi 'WenQuanYi Zen Hei' || missing="$$missing fonts-wqy-zenhei"; \
	if [ -z "$$missing" ]; then echo "deps: $(DEPS_PKGS) present"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing \
	    || echo "deps: could not install$$missing"; \
	else echo "deps: missing$$missing: install them with your package manager (PDF needs poppler-utils, .doc/.wps LibreOffice; the PDF tests print with the fonts)"; fi

## check-tools: say which optional tools are missing (never fails)
check-tools:
	@command -v pdftotext >/dev/null 2>&1 || echo "note: pdftotext (poppler-utils) missing: PDF reports will be stored as failed with that reason"
	@command -v libreoffice >/dev/null 2>&1 || echo "note: libreoffice missing: legacy .doc/.wps reports will be stored as failed with that reason (.docx needs nothing)"
	@fc-list 2>/dev/null | grep -qi 'Noto Serif CJK' || echo "note: fonts-noto-cjk missing: the PDF round trip in Noto CJK is skipped"
	@fc-list 2>/dev/null | grep -qi 'WenQuanYi Zen Hei' || echo "note: fonts-wqy-zenhei missing: the PDF round trip in WenQuanYi Zen Hei is skipped"

## demo: build, generate a sample province and run the main job on it
# The main job, `xxgk run` (configs/annual.yaml), on a generated sample province (辽宁省 21,
# 2019–2024). The sample contains injected faults on purpose, so the run ends "partial"
# (exit 1): that is the expected outcome of the demo, not a failure.
demo: build deps check-tools
	rm -rf $(DEMO)
	$(BIN) gen --province 21 --years 2019-2024 --out $(DEMO) --manifest
	XXGK_WAREHOUSE=$(DEMO)/xxgk.duckdb XXGK_INPUTS=$(DEMO)/reports XXGK_EXPORT_OUT=$(DEMO)/out \
	  $(BIN) run --config configs/annual.yaml; rc=$$?; [ $$rc -le 1 ] || exit $$rc
	@echo
	@echo "demo: warehouse $(DEMO)/xxgk.duckdb, summaries in $(DEMO)/out — try:"
	@echo "  bin/xxgk rollup --db $(DEMO)/xxgk.duckdb --level prefecture --year 2024"
	@echo "  bin/xxgk parse cmd/xxgk/testdata/seed.txt"

## bench: the figures of docs/performance.md. Per-core parsing figures first,
## then the whole ingest of BENCH_REPORTS generated reports against the read+hash floor, then the
## rollups on a national warehouse of ROLLUP_REPORTS reports built in DuckDB, then the export of
## province 21 from the demo warehouse (make demo; else the export tests' fixture). The ingest
## ends with three lines: the ingest (reports/s, MB/s, CPU), the ratio `ingest / floor` (wall and
## CPU, the floor measured in the same run) and the memory (peak RSS, peak Go heap).
## BENCH_DIR keeps the generated corpus between runs (`make bench BENCH_REPORTS=20000 BENCH_DIR=/tmp/c20k`).
BENCH_REPORTS  ?= 100000
BENCH_DIR      ?=
ROLLUP_REPORTS ?= 1000000
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2s -cpu 1 ./pipeline/decode ./pipeline/parse ./pipeline/validate ./pipeline/regions
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x ./pipeline/extract
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 1x ./pipeline/gen
	XXGK_BENCH_REPORTS=$(BENCH_REPORTS) XXGK_BENCH_DIR=$(BENCH_DIR) $(GO) test -run '^$$' -bench 'Ingest|ReadHash' -benchtime 1x -timeout 60m ./pipeline/ingest
	XXGK_BENCH_REPORTS=$(ROLLUP_REPORTS) $(GO) test -run '^$$' -bench . -benchtime 5x -timeout 60m ./pipeline/rollup
	XXGK_BENCH_DB=$(wildcard $(DEMO)/xxgk.duckdb) XXGK_BENCH_YEAR=2024 $(GO) test -run '^$$' -bench Export -benchtime 3x ./pipeline/export

## bench-national: the national benchmark (NATIONAL_REPORTS generated reports of all 31
## provinces, about 1,000,000: ingest against the read+hash floor, peak RSS, warehouse size,
## rollups, one province's export, 10 late reports merged into the national warehouse). Long
## (about an hour on 2 cores) and needs about 35 GB free under NATIONAL_DIR (checked first); the
## corpus and warehouse are removed at the end unless NATIONAL_KEEP=1. Never part of make test.
NATIONAL_REPORTS ?= 1000000
NATIONAL_DIR     ?= $(or $(TMPDIR),/tmp)/xxgk-national
NATIONAL_KEEP    ?=
bench-national:
	XXGK_NATIONAL=1 XXGK_NATIONAL_REPORTS=$(NATIONAL_REPORTS) XXGK_NATIONAL_DIR=$(NATIONAL_DIR) XXGK_NATIONAL_KEEP=$(NATIONAL_KEEP) \
	  $(GO) test -run '^$$' -bench '^BenchmarkNational$$' -benchtime 1x -timeout 300m -v ./pipeline/ingest

## fuzz: every fuzz target for FUZZTIME each, whatever happens to the others, then a summary
## table (target, result, time). Results: ok; FAIL (a crasher was written to testdata/fuzz, or
## the target did not build or its seeds fail); stall (the fuzzer stopped with "context deadline
## exceeded" and no crasher); hung (still running FUZZTIMEOUT after it started: killed). Exits
## non-zero at the end when a target FAILed (and on a stall or hang too with FUZZSTRICT=1).
FUZZTIME    ?= 30s
FUZZTIMEOUT ?= 15m
FUZZSTRICT  ?= 0
fuzz:
	@rc=0; tmp=$$(mktemp -d); : > $$tmp/summary; \
	for p in $$($(GO) list ./pipeline/...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$p | grep '^Fuzz'); do \
	    echo "== $$p $$f"; start=$$(date +%s); \
	    { timeout --kill-after=30s $(FUZZTIMEOUT) $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$p; \
	      echo $$? > $$tmp/status; } 2>&1 | tee $$tmp/out; st=$$(cat $$tmp/status); \
	    if [ "$$st" = 0 ]; then res=ok; \
	    elif grep -q 'Failing input written to' $$tmp/out; then res=FAIL; rc=1; \
	    elif [ "$$st" = 124 ] || [ "$$st" = 137 ]; then res=hung; [ "$(FUZZSTRICT)" = 1 ] && rc=1; \
	    elif grep -q 'context deadline exceeded' $$tmp/out; then res=stall; [ "$(FUZZSTRICT)" = 1 ] && rc=1; \
	    else res=FAIL; rc=1; fi; \
	    echo "$${p#xxgk/}.$$f $$res $$(( $$(date +%s) - start ))s" >> $$tmp/summary; \
	  done; \
	done; \
	echo; awk 'BEGIN { printf "%-45s %-6s %s\n", "target", "result", "time" } { printf "%-45s %-6s %s\n", $$1, $$2, $$3 }' $$tmp/summary; \
	rm -rf $$tmp; exit $$rc

## docs-check: every relative link and #anchor of README.md and docs/*.md resolves
docs-check:
	bash docs/check-links.sh

clean:
	rm -rf bin $(DEMO)
