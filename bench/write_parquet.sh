#!/usr/bin/env bash
# Parquet write benchmark: hygge, DuckDB and Polars each build the same
# table in memory (id int64, two strings with 10 % nulls, double,
# decimal(18,3), timestamp, bool, int32) and write it with snappy and with
# zstd. Runs alternate between the tools; the table reports medians.
#
#   bench/write_parquet.sh [BUILD_DIR]      ROWS=10000000 RUNS=3 THREADS=nproc
#
# Output files go to bench/data/ (gitignored); the report to
# bench/results/latest.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ROWS=${ROWS:-10000000}
RUNS=${RUNS:-3}
THREADS=${THREADS:-$(nproc)}
DATA=bench/data
RAW=bench/results/write_parquet.tmp
mkdir -p "$DATA" bench/results
: >"$RAW"

run() { # tool codec
	local out="$DATA/$1_$2.parquet" rss="$DATA/rss.tmp" line
	if [ "$1" = hygge ]; then
		line=$(/usr/bin/time -f %M -o "$rss" "$BUILD/bench_pq_write" "$out" "$ROWS" "$2" "$THREADS")
	else
		line=$(/usr/bin/time -f %M -o "$rss" node bench/pq_write_others.mjs "$1" "$out" "$ROWS" "$2")
	fi
	echo "${line%\}},\"rss_kb\":$(tail -n1 "$rss")}" | tee -a "$RAW"
}

for _ in $(seq "$RUNS"); do
	for codec in snappy zstd; do
		for tool in hygge duckdb polars; do
			run "$tool" "$codec"
		done
	done
done

python3 - "$RAW" "$ROWS" "$THREADS" >bench/results/latest.md <<'EOF'
import json, statistics, subprocess, sys, platform
raw, rows, threads = sys.argv[1], int(sys.argv[2]), sys.argv[3]
runs = [json.loads(l) for l in open(raw) if l.strip()]
cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
sha = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()
print('# Parquet write benchmark\n')
print(f'{rows:,} rows: id int64, s1/s2 strings (10 % nulls), d double, dec decimal(18,3), ts timestamp[us], '
      'b bool, n int32. Each tool builds the table in memory first (not timed), then writes it; '
      f'median of {len(runs) // 6} alternating runs.\n')
print(f'Machine: {cpu}, {subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()} CPUs, '
      f'Linux {platform.release()}. hygge {sha} (pool of {threads} threads), DuckDB 1.5.6 (node-api, default threads), '
      'nodejs-polars 0.26.1.\n')
print('| codec | tool | write s | rows/s | output MB/s | output MB | peak RSS MB | table build s |')
print('|---|---|---:|---:|---:|---:|---:|---:|')
for codec in ('snappy', 'zstd'):
    for tool in ('hygge', 'duckdb', 'polars'):
        rs = [r for r in runs if r['tool'] == tool and r['codec'] == codec]
        if not rs:
            continue
        w = statistics.median(r['write_s'] for r in rs)
        size = statistics.median(r['bytes'] for r in rs)
        rss = statistics.median(r['rss_kb'] for r in rs)
        gen = statistics.median(r['gen_s'] for r in rs)
        print(f'| {codec} | {tool} | {w:.2f} | {rows / w / 1e6:.1f} M | {size / w / 1e6:.0f} | '
              f'{size / 1e6:.1f} | {rss / 1024:.0f} | {gen:.2f} |')
tb = [r['table_bytes'] for r in runs if 'table_bytes' in r]
if tb:
    print(f'\nhygge\'s in-memory table is {statistics.median(tb) / 2**20:.0f} MiB of that RSS (column buffers); '
          'the rest is the writer (one row group of encoded chunks, scratch) and the program.')
print('\nwrite s: from the in-memory table to a closed file. output MB/s: file bytes / write s. '
      'Peak RSS: the whole process (/usr/bin/time %M), so it includes the in-memory table each tool built '
      '(hygge: batches of 122,880 rows; DuckDB: a table; Polars: a DataFrame) and, for DuckDB and Polars, Node. '
      'hygge\'s file sink also fsyncs the file before renaming it into place; DuckDB and Polars do not. '
      'The machine is shared: single runs vary by up to 2x, so read ratios loosely.')
EOF
rm -f "$RAW" "$DATA/rss.tmp"
cat bench/results/latest.md
