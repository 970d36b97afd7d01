#!/usr/bin/env bash
# Parquet read benchmark: hygge's streaming reader (serial and on a pool)
# and DuckDB (one thread and its default) each read every column of every
# row of the same file and reduce the values. Runs alternate between the
# tools; the table reports medians.
#
#   bench/read_parquet.sh [BUILD_DIR]      ROWS=10000000 RUNS=3 THREADS=nproc
#
# The input (8 columns, as the write benchmark's table) is written once by
# DuckDB (bench/gen_bench_parquet.mjs, through bench/lib.sh) and cached in
# bench/data/ (gitignored); the report is appended to bench/results/latest.md.
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
BUILD=${1:-build}
ROWS=${ROWS:-10000000}
RUNS=${RUNS:-3}
THREADS=${THREADS:-$(nproc)}
DATA=bench/data
RAW=bench/results/read_parquet.tmp
FILE=$DATA/$(basename "$(bench_data_parquet "$ROWS")")
: >"$RAW"

run() { # tool threads
	local rss="$DATA/rss.tmp" line
	if [ "$1" = hygge ]; then
		line=$(/usr/bin/time -f %M -o "$rss" "$BUILD/bench_pq_read" "$FILE" "$2")
	else
		line=$(/usr/bin/time -f %M -o "$rss" node bench/pq_read_others.mjs "$FILE" "$2")
	fi
	echo "${line%\}},\"rss_kb\":$(tail -n1 "$rss")}" | tee -a "$RAW"
}

for _ in $(seq "$RUNS"); do
	run hygge 0
	run duckdb 1
	run hygge "$THREADS"
	run duckdb 0
done

python3 - "$RAW" "$FILE" "$THREADS" >>bench/results/latest.md <<'PY'
import json, os, statistics, subprocess, sys, platform
raw, path, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
runs = [json.loads(l) for l in open(raw) if l.strip()]
size = os.path.getsize(path)
rows = runs[0]['rows']
checks = {r['check'] for r in runs if r['tool'] == 'hygge'}
cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
mem = next(int(l.split()[1]) for l in open('/proc/meminfo') if l.startswith('MemTotal'))
sha = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()
nproc = os.cpu_count()
print('\n# Parquet read benchmark\n')
print(f'`{path}`: {rows:,} rows, {size / 1e6:.1f} MB, written by DuckDB (bench/gen_bench_parquet.mjs): '
      'id int64, s1/s2 strings (10 % nulls), d double, dec decimal(18,3), ts timestamp[us], b bool, n int32; '
      f'snappy, row groups of 122,880 rows. Median of {len(runs) // 4} alternating runs.\n')
print(f'Machine: {cpu}, {nproc} CPUs, {mem / 2**20:.0f} GiB memory, Linux {platform.release()}. '
      'hygge ' + sha + ', DuckDB 1.5.6 (node-api). Load average at the end: ' + ', '.join(f'{x:.1f}' for x in os.getloadavg()) + '.\n')
print('| tool | threads | read s | rows/s | file MB/s | peak RSS MB | vs DuckDB (same threads) |')
print('|---|---|---:|---:|---:|---:|---:|')
med = {}
for tool, t in (('hygge', 0), ('hygge', threads), ('duckdb', 1), ('duckdb', 0)):
    rs = [r for r in runs if r['tool'] == tool and r['threads'] == t]
    med[tool, t] = (statistics.median(r['read_s'] for r in rs), statistics.median(r['rss_kb'] for r in rs))
for tool, t, peer, label in (('hygge', 0, ('duckdb', 1), '1 (serial)'), ('duckdb', 1, None, '1'),
                             ('hygge', threads, ('duckdb', 0), f'{threads} (pool)'),
                             ('duckdb', 0, None, f'default ({nproc})')):
    s, rss = med[tool, t]
    ratio = f'{med[peer][0] / s:.2f}x' if peer else ''
    print(f'| {tool} | {label} | {s:.2f} | {rows / s / 1e6:.1f} M | {size / s / 1e6:.0f} | {rss / 1024:.0f} | {ratio} |')
print(f'\nvs DuckDB: DuckDB read s / hygge read s with the same number of threads (above 1 = hygge faster). '
      'Both read every column of every row: hygge (build/bench_pq_read) decodes each batch into hygge columns '
      'and sums every value (string bytes, integers, decimals, timestamps, doubles by bits, popcount of '
      f'booleans; checksum {", ".join(sorted(checks))} in every run); DuckDB runs '
      '`SELECT count(*), sum(id), sum(strlen(s1)), count(s1), sum(strlen(s2)), count(s2), sum(d), sum(dec), '
      'sum(epoch_us(ts)), count_if(b), sum(n) FROM read_parquet(...)`, '
      'a reduction of the same kind: every column projected and decoded, only the aggregate kept, so neither '
      'side materialises the table and neither pays for a sink (`SELECT *` into Node would time the '
      'conversion to JS values, not the reader). read s: from opening the file to the last value '
      '(DuckDB: the query, after the instance is up). Peak RSS: the whole process (/usr/bin/time %M); '
      'for DuckDB it includes Node (about 40 MB). The file is in the page cache (it was just written or '
      'read), so this is decode speed, not disk speed. The machine is shared: read ratios loosely.')
PY
rm -f "$RAW" "$DATA/rss.tmp"
