#!/usr/bin/env bash
# Parquet -> SQLite benchmark: `hygge go` loading the benchmark parquet file
# into a SQLite table (local parquet home, sqlite store, full_drop) next to
# the sqlite3 command-line shell's `.import` of the same data as CSV. Each
# run starts from a fresh database file; runs alternate between the tools;
# the table reports medians. Both tables are checked for the same row count.
#
#   bench/parquet_to_sqlite.sh [BUILD_DIR]      ROWS=10000000 RUNS=3
#
# The parquet file (bench/gen_bench_parquet.mjs, as the read benchmark's) and
# its CSV export (DuckDB COPY ... (HEADER)) are written once and cached in
# bench/data/ (gitignored); the hygge project is bench/data/sqlite_project/
# (rewritten each time). The report is appended to bench/results/latest.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=$(cd "${1:-build}" && pwd)
ROWS=${ROWS:-10000000}
RUNS=${RUNS:-3}
DATA=$PWD/bench/data
RAW=$PWD/bench/results/parquet_to_sqlite.tmp
if [ "$ROWS" = 10000000 ]; then BASE=$DATA/bench_10m; else BASE=$DATA/bench_${ROWS}; fi
PARQUET=$BASE.parquet
CSV=$BASE.csv
PROJECT=$DATA/sqlite_project
HDB=$PROJECT/out/bench.db
SDB=$DATA/sqlite3_cli.db
mkdir -p "$DATA" bench/results
[ -f "$PARQUET" ] || node bench/gen_bench_parquet.mjs "$PARQUET" "$ROWS"
if [ ! -f "$CSV" ]; then
	node --input-type=module - "$PARQUET" "$CSV" <<'JS'
import { createRequire } from 'node:module';
import { renameSync } from 'node:fs';
const require = createRequire(new URL('file://' + process.cwd() + '/tests/oracle/package.json'));
const { DuckDBInstance } = require('@duckdb/node-api');
const [src, out] = process.argv.slice(2);
const q = (s) => `'${s.replace(/'/g, "''")}'`;
const con = await (await DuckDBInstance.create(':memory:')).connect();
await con.run(`COPY (SELECT * FROM read_parquet(${q(src)})) TO ${q(out + '.tmp')} (HEADER)`);
renameSync(out + '.tmp', out);
console.log(`wrote ${out}`);
JS
fi

rm -rf "$PROJECT"
mkdir -p "$PROJECT/flows/load" "$PROJECT/out"
echo 'name: sqlbench' >"$PROJECT/hygge.yml"
cat >"$PROJECT/flows/load/flow.yml" <<YML
home:
  type: local
  path: $PARQUET
  format: parquet
store:
  type: sqlite
  path: $HDB
  table: bench
run_type: full_drop
YML
: >"$RAW"

count() { sqlite3 "$1" 'SELECT count(*) FROM bench'; }

run() { # tool
	local t0 t1 rc=0 db
	if [ "$1" = hygge ]; then
		db=$HDB
		rm -f "$db" "$db-journal" "$db-wal" "$db-shm"
		t0=$EPOCHREALTIME
		(cd "$PROJECT" && /usr/bin/time -f %M -o "$DATA/rss.tmp" "$BUILD/hygge" go >"$DATA/p2s.out" 2>&1) || rc=$?
		t1=$EPOCHREALTIME
	else
		db=$SDB
		rm -f "$db" "$db-journal" "$db-wal" "$db-shm"
		t0=$EPOCHREALTIME
		/usr/bin/time -f %M -o "$DATA/rss.tmp" sqlite3 "$db" -cmd '.mode csv' ".import $CSV bench" \
			>"$DATA/p2s.out" 2>&1 || rc=$?
		t1=$EPOCHREALTIME
	fi
	if [ "$rc" != 0 ]; then
		echo "bench/parquet_to_sqlite.sh: $1 failed ($rc):" >&2
		cat "$DATA/p2s.out" >&2
		exit 1
	fi
	printf '{"tool":"%s","wall_s":%s,"rss_kb":%s,"rows":%s,"db_bytes":%s}\n' "$1" \
		"$(python3 -c "print(round($t1 - $t0, 4))")" "$(tail -n1 "$DATA/rss.tmp")" \
		"$(count "$db")" "$(stat -c %s "$db")" | tee -a "$RAW"
}

for r in $(seq "$RUNS"); do
	run hygge
	run sqlite3
done

python3 - "$RAW" "$PARQUET" "$CSV" "$ROWS" "$(sqlite3 --version | cut -d' ' -f1)" >>bench/results/latest.md <<'PY'
import json, os, statistics, subprocess, sys, platform
raw, pq, csv, want, sqlite_v = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
runs = [json.loads(l) for l in open(raw) if l.strip()]
counts = {r['rows'] for r in runs}
if counts != {want}:
    sys.exit(f'bench/parquet_to_sqlite.sh: row counts differ: {sorted(counts)} (want {want})')
cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
mem = next(int(l.split()[1]) for l in open('/proc/meminfo') if l.startswith('MemTotal'))
sha = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()
rel = lambda p: os.path.relpath(p)
print('\n# Parquet -> SQLite benchmark\n')
print(f'{want:,} rows, the read benchmark\'s 8 columns: `hygge go` with a local parquet home on `{rel(pq)}` '
      f'({os.path.getsize(pq) / 1e6:.1f} MB) and a sqlite store (`table: bench`, `run_type: full_drop`, '
      'default batch_size) vs the sqlite3 shell importing the same data exported once as CSV by DuckDB '
      f'(`{rel(csv)}`, {os.path.getsize(csv) / 1e6:.1f} MB): '
      f"`sqlite3 bench.db -cmd '.mode csv' '.import {os.path.basename(csv)} bench'`. "
      f'Fresh database file every run; median of {len(runs) // 2} alternating runs; both tables hold '
      f'{want:,} rows in every run.\n')
print(f'Machine: {cpu}, {os.cpu_count()} CPUs, {mem / 2**20:.0f} GiB memory, Linux {platform.release()}. '
      f'hygge {sha} (release build), sqlite3 {sqlite_v}. Load average at the end: '
      f'{", ".join(f"{x:.1f}" for x in os.getloadavg())}.\n')
print('| tool | median s | fastest s | slowest s | rows/s | peak RSS MB | db MB | hygge / sqlite3 (rows/s) |')
print('|---|---:|---:|---:|---:|---:|---:|---:|')
med = {t: statistics.median(r['wall_s'] for r in runs if r['tool'] == t) for t in ('hygge', 'sqlite3')}
for tool in ('hygge', 'sqlite3'):
    rs = [r for r in runs if r['tool'] == tool]
    w = [r['wall_s'] for r in rs]
    ratio = f'{med["sqlite3"] / med["hygge"]:.2f}x' if tool == 'hygge' else ''
    print(f'| {"`hygge go`" if tool == "hygge" else "sqlite3 `.import`"} | {med[tool]:.2f} | {min(w):.2f} | '
          f'{max(w):.2f} | {want / med[tool] / 1e6:.2f} M | {statistics.median(r["rss_kb"] for r in rs) / 1024:.0f} | '
          f'{statistics.median(r["db_bytes"] for r in rs) / 1e6:.0f} | {ratio} |')
print(f'\nhygge / sqlite3: hygge rows/s over the sqlite3 shell\'s rows/s (= sqlite3 s / hygge s; above 1 = hygge '
      'faster; the performance issue\'s target is 2x). Wall time of the whole process, from start to exit '
      '(hygge: load the project, read and decode the parquet file, create the table with declared types (INTEGER, REAL, TEXT; decimal and timestamp as TEXT), insert '
      'in batches, commit; sqlite3: parse the CSV and insert every value as TEXT into a table created from the '
      'header, every column declared TEXT, so the two databases differ in storage: hygge\'s is smaller). Peak RSS: /usr/bin/time %M. The input files are in '
      'the page cache; the database is written to the same local disk for both. The machine is shared: read '
      'ratios loosely.')
PY
rm -f "$RAW" "$DATA/rss.tmp" "$DATA/p2s.out" "$SDB" "$SDB-journal"
