# shellcheck shell=bash
# Shell helpers shared by the benchmark scripts; sourced, not run:
#
#   . "$(dirname "$0")/lib.sh"      (then the working directory is the repo root)
#
# The cached input data (bench_data_parquet, bench_data_csv), timing a whole
# process (bench_timed) and failing loudly (bench_die). Python helpers for
# the reports are in bench/lib.py.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BENCH_NAME=${BENCH_NAME:-bench/$(basename "$0")}
BENCH_DATA=$PWD/bench/data
mkdir -p "$BENCH_DATA" bench/results

bench_die() {
	echo "$BENCH_NAME: $*" >&2
	exit 1
}

# bench_build_dir [DIR]: absolute path of the build directory (default
# build); it must hold the hygge binary.
bench_build_dir() {
	local dir=${1:-build}
	[ -x "$dir/hygge" ] || bench_die "no hygge binary in '$dir' (run make first)"
	(cd "$dir" && pwd)
}

# bench_data_name ROWS: the cached files' stem, bench_1m for 1,000,000 rows
# (also 10m, 50m), else bench_<ROWS>.
bench_data_name() {
	case $1 in
	1000000) echo bench_1m ;;
	10000000) echo bench_10m ;;
	50000000) echo bench_50m ;;
	*) echo "bench_$1" ;;
	esac
}

# bench_data_parquet ROWS: path of the benchmark table with ROWS rows as
# snappy parquet (bench/gen_bench_parquet.mjs), written the first time.
bench_data_parquet() {
	local f
	f=$BENCH_DATA/$(bench_data_name "$1").parquet
	if [ ! -f "$f" ]; then
		echo "$BENCH_NAME: generating $f (once; cached)" >&2
		node bench/gen_bench_parquet.mjs "$f" "$1" >&2 || bench_die "generating $f failed"
	fi
	echo "$f"
}

# bench_data_csv ROWS: the same table as CSV with a header (DuckDB's export
# of the parquet file), written the first time.
bench_data_csv() {
	local f pq
	f=$BENCH_DATA/$(bench_data_name "$1").csv
	if [ ! -f "$f" ]; then
		pq=$(bench_data_parquet "$1")
		echo "$BENCH_NAME: exporting $f (once; cached)" >&2
		node bench/gen_bench_parquet.mjs --csv "$pq" "$f" >&2 || bench_die "exporting $f failed"
	fi
	echo "$f"
}

# bench_timed [-C DIR] LOG CMD...: runs CMD (in DIR if given) with stdout
# and stderr in LOG and sets BENCH_WALL (seconds, the whole process from
# fork to exit) and BENCH_RSS (its peak RSS in KiB, /usr/bin/time %M). A
# failing CMD ends the script with its output.
bench_timed() {
	local dir=. log t0 t1 rc=0
	if [ "$1" = -C ]; then
		dir=$2
		shift 2
	fi
	log=$1
	shift
	# No run starts while an earlier one's output is still being written
	# back: the disk would be busy with it during this run, and which tool
	# paid for that would depend on the order (hygge most: it fsyncs the
	# files it publishes, the peers do not).
	sync
	t0=$EPOCHREALTIME
	(cd "$dir" && exec /usr/bin/time -f %M -o "$log.rss" "$@" >"$log" 2>&1) || rc=$?
	t1=$EPOCHREALTIME
	if [ "$rc" != 0 ]; then
		cat "$log" >&2
		bench_die "$* failed (exit $rc; in $dir); its output is above"
	fi
	# shellcheck disable=SC2034 # results for the caller
	BENCH_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
	# shellcheck disable=SC2034
	BENCH_RSS=$(tail -n1 "$log.rss")
	rm -f "$log.rss"
}

# bench_rm_sqlite DB: removes a SQLite database and its side files.
bench_rm_sqlite() {
	rm -f "$1" "$1-journal" "$1-wal" "$1-shm"
}
