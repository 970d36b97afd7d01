#!/usr/bin/env bash
# Flow benchmark (the performance issue, #9): whole `hygge go` runs next to
# the tools a data engineer would otherwise script, on the same cached data:
#
#   p2p  parquet -> parquet: hygge (one flow, local parquet home and store,
#        store batch_size 1,000,000) vs DuckDB COPY (SELECT * FROM
#        read_parquet(..)) TO .. (FORMAT parquet) vs Polars
#        scan_parquet(..).sink_parquet(..)
#   c2p  csv -> parquet: the same three (DuckDB read_csv, Polars scan_csv)
#   p2s  parquet -> sqlite: hygge (sqlite store) vs the sqlite3 shell's
#        `.import` of the CSV
#   rss  hygge's parquet -> parquet on 1M, 10M and (BIG=1) 50M rows: peak
#        RSS, which should not grow with the input
#
#   bench/flows.sh [BUILD_DIR]      RUNS=3 BIG=1 ROWS=10000000 CASES="p2p c2p p2s rss"
#
# Runs alternate between the tools, RUNS times each; every run writes a
# fresh output (the previous one is removed outside the timing); time is the
# wall time of the whole process, peak RSS /usr/bin/time %M. After the first
# run of each tool the output is checked (same row count as the input, by
# DuckDB count(*) over the written files or sqlite3 count(*)) and described
# (size, files, codec); hygge's 1M-row parquet copy is also compared with its
# input by DuckDB EXCEPT ALL both ways. Any failing tool or differing count
# ends the script with an error. ROWS sizes the p2p, c2p and p2s input; the
# rss case always uses 1M, 10M and 50M rows (50M only with BIG=1).
#
# The inputs (bench/gen_bench_parquet.mjs: bench/data/bench_{1m,10m,50m}.parquet
# and bench_10m.csv) are generated once and cached; the hygge projects are
# rewritten under bench/data/flow_projects/ each time; peer outputs go to
# bench/data/flow_out/. The report (bench/flows_report.py) is printed and
# appended to bench/results/latest.md.
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
BUILD=$(bench_build_dir "${1:-build}")
RUNS=${RUNS:-3}
BIG=${BIG:-1}
ROWS=${ROWS:-10000000}
CASES=${CASES:-p2p c2p p2s rss}
PROJECTS=$BENCH_DATA/flow_projects
OUT=$BENCH_DATA/flow_out
LOG=$BENCH_DATA/flow_run.log
RAW=$PWD/bench/results/flows.tmp
STORE_BATCH=1000000
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || bench_die "RUNS must be a positive integer, got '$RUNS'"
for c in $CASES; do
	case $c in p2p | c2p | p2s | rss) ;; *) bench_die "unknown case '$c' in CASES (p2p c2p p2s rss)" ;; esac
done
has_case() { [[ " $CASES " == *" $1 "* ]]; }

# Inputs first (generation is not timed and may take a minute the first time).
PQ=$(bench_data_parquet "$ROWS")
if has_case c2p || has_case p2s; then CSV=$(bench_data_csv "$ROWS"); fi
RSS_ROWS=()
if has_case rss; then
	RSS_ROWS=(1000000 10000000)
	[ "$BIG" = 1 ] && RSS_ROWS+=(50000000)
	for n in "${RSS_ROWS[@]}"; do bench_data_parquet "$n" >/dev/null; done
fi

rm -rf "$PROJECTS" "$OUT"
mkdir -p "$PROJECTS" "$OUT"
: >"$RAW"

# project NAME HOME_PATH HOME_FORMAT STORE_YAML: a one-flow hygge project
# (flow `load`), home settings at hygge's defaults, run_type full_drop.
project() {
	local dir=$PROJECTS/$1
	mkdir -p "$dir/flows/load"
	echo "name: $1" >"$dir/hygge.yml"
	cat >"$dir/flows/load/flow.yml" <<YML
home:
  type: local
  path: $2
  format: $3
store:
$4
run_type: full_drop
YML
}

parquet_store() { # dir
	printf '  type: local\n  path: %s/out/data\n  format: parquet\n  batch_size: %s\n' "$1" "$STORE_BATCH"
}

p2p_project() { # rows -> project dir
	local name dir
	name=p2p_$(bench_data_name "$1" | sed 's/^bench_//')
	dir=$PROJECTS/$name
	[ -d "$dir" ] || project "$name" "$(bench_data_parquet "$1")" parquet "$(parquet_store "$dir")"
	echo "$dir"
}

# note KEY=VALUE...: adds fields to the record of the current run.
EXTRA=
note() {
	local kv
	for kv in "$@"; do EXTRA+=",\"${kv%%=*}\":${kv#*=}"; done
}

# check_parquet TOOL GLOB WANT: row count and description of a parquet output.
check_parquet() {
	local n d
	n=$(node bench/flow_peers.mjs count "$2") || bench_die "counting $2 failed"
	[ "$n" = "$3" ] || bench_die "$CASE: $1 wrote $n rows to $2, the input has $3"
	d=$(node bench/flow_peers.mjs describe "$2") || bench_die "describing $2 failed"
	note "count=$n" "out=$d"
}

check_sqlite() { # TOOL DB WANT
	local n
	n=$(sqlite3 "$2" 'SELECT count(*) FROM bench') || bench_die "counting $2 failed"
	[ "$n" = "$3" ] || bench_die "$CASE: $1 wrote $n rows to $2, the input has $3"
	note "count=$n" "out={\"files\":1,\"bytes\":$(stat -c %s "$2"),\"codecs\":\"sqlite\",\"row_groups\":0}"
}

record() { # tool rows round input
	printf '{"case":"%s","tool":"%s","rows":%s,"round":%s,"input":"%s","wall_s":%s,"rss_kb":%s%s}\n' \
		"$CASE" "$1" "$2" "$3" "$4" "$BENCH_WALL" "$BENCH_RSS" "$EXTRA" | tee -a "$RAW"
	EXTRA=
}

# to_parquet TOOL FORMAT SRC ROWS ROUND [PROJECT]: one run of a parquet-writing tool.
to_parquet() {
	local tool=$1 fmt=$2 src=$3 rows=$4 round=$5 dir=${6:-} glob
	if [ "$tool" = hygge ]; then
		rm -rf "$dir/out"
		bench_timed -C "$dir" "$LOG" "$BUILD/hygge" go
		glob="$dir/out/data/*.parquet" # a DuckDB glob, not the shell's
	else
		glob=$OUT/${tool}_$CASE.parquet
		rm -f "$glob"
		bench_timed "$LOG" node bench/flow_peers.mjs "$tool" "$fmt" "$src" "$glob"
	fi
	if [ "$round" = 1 ]; then
		check_parquet "$tool" "$glob" "$rows"
		if [ "$tool" = hygge ] && [ "$rows" = 1000000 ]; then
			local x
			x=$(node bench/flow_peers.mjs except "$src" "$glob") || bench_die "EXCEPT ALL over $glob failed"
			[ "$x" = '{"missing":0,"extra":0}' ] ||
				bench_die "$CASE: hygge's output $glob differs from $src (EXCEPT ALL both ways: $x)"
			note "except=$x"
		fi
	fi
	record "$tool" "$rows" "$round" "$src"
}

if has_case p2p; then
	CASE=p2p
	dir=$(p2p_project "$ROWS")
	for r in $(seq "$RUNS"); do
		for tool in hygge duckdb polars; do to_parquet "$tool" parquet "$PQ" "$ROWS" "$r" "$dir"; done
	done
fi

if has_case c2p; then
	CASE=c2p
	dir=$PROJECTS/c2p
	project c2p "$CSV" csv "$(parquet_store "$dir")"
	for r in $(seq "$RUNS"); do
		for tool in hygge duckdb polars; do to_parquet "$tool" csv "$CSV" "$ROWS" "$r" "$dir"; done
	done
fi

if has_case p2s; then
	CASE=p2s
	dir=$PROJECTS/p2s
	project p2s "$PQ" parquet "$(printf '  type: sqlite\n  path: %s/out/bench.db\n  table: bench' "$dir")"
	for r in $(seq "$RUNS"); do
		rm -rf "$dir/out"
		bench_timed -C "$dir" "$LOG" "$BUILD/hygge" go
		[ "$r" = 1 ] && check_sqlite hygge "$dir/out/bench.db" "$ROWS"
		record hygge "$ROWS" "$r" "$PQ"
		db=$OUT/sqlite3.db
		bench_rm_sqlite "$db"
		bench_timed "$LOG" sqlite3 "$db" -cmd '.mode csv' ".import $CSV bench"
		# .import reports bad lines on stderr but still exits 0.
		[ -s "$LOG" ] && { cat "$LOG" >&2; bench_die "sqlite3 .import printed the messages above"; }
		[ "$r" = 1 ] && check_sqlite sqlite3 "$db" "$ROWS"
		record sqlite3 "$ROWS" "$r" "$CSV"
	done
	bench_rm_sqlite "$db"
fi

if has_case rss; then
	CASE=rss
	for r in $(seq "$RUNS"); do
		for n in "${RSS_ROWS[@]}"; do
			to_parquet hygge parquet "$(bench_data_parquet "$n")" "$n" "$r" "$(p2p_project "$n")"
		done
	done
fi

VERSIONS=$(node bench/flow_peers.mjs versions)
python3 bench/flows_report.py "$RAW" "$BIG" "$STORE_BATCH" "$VERSIONS" \
	"$(sqlite3 --version | cut -d' ' -f1)" "$(node --version)" "$("$BUILD/hygge" --version)" |
	tee -a bench/results/latest.md
rm -f "$RAW" "$LOG"
