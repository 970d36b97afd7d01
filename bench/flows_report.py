#!/usr/bin/env python3
"""The flow benchmark's report (bench/flows.sh): markdown on stdout.

    flows_report.py RAW BIG STORE_BATCH VERSIONS_JSON SQLITE_VERSION NODE_VERSION HYGGE_VERSION

RAW holds one JSON line per run: case, tool, rows, round, wall_s, rss_kb and,
for each tool's first run, count and out (files, bytes, codecs, row_groups).
"""
import json
import os
import sys

sys.dont_write_bytecode = True  # no bench/__pycache__ in the work tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lib  # noqa: E402

raw, big, store_batch, versions, sqlite_v, node_v, hygge_v = sys.argv[1:8]
versions = json.loads(versions)
runs = lib.read_runs(raw)
if not runs:
    sys.exit('bench/flows_report.py: no runs recorded')

CASES = {
    'p2p': ('parquet → parquet', ('hygge', 'duckdb', 'polars')),
    'c2p': ('csv → parquet', ('hygge', 'duckdb', 'polars')),
    'p2s': ('parquet → sqlite', ('hygge', 'sqlite3')),
}
LABEL = {
    ('p2p', 'hygge'): '`hygge go`',
    ('p2p', 'duckdb'): 'DuckDB `COPY (SELECT * FROM read_parquet(..)) TO .. (FORMAT parquet)`',
    ('p2p', 'polars'): 'Polars `scan_parquet(..).sink_parquet(..)`',
    ('c2p', 'hygge'): '`hygge go`',
    ('c2p', 'duckdb'): 'DuckDB `COPY (SELECT * FROM read_csv(..)) TO .. (FORMAT parquet)`',
    ('c2p', 'polars'): 'Polars `scan_csv(..).sink_parquet(..)`',
    ('p2s', 'hygge'): '`hygge go`',
    ('p2s', 'sqlite3'): "sqlite3 `-cmd '.mode csv' '.import <csv> bench'`",
}


def of(case, tool, rows=None):
    return [r for r in runs if r['case'] == case and r['tool'] == tool and (rows is None or r['rows'] == rows)]


def first_out(rs):
    return next((r for r in rs if 'out' in r), None)


def fmt_out(r):
    if r is None:
        return '', ''
    o = r['out']
    files = f', {o["files"]} files' if o['files'] > 1 else ''
    codec = 'SQLite file' if o['codecs'] == 'sqlite' else o['codecs'].lower()
    return f'{lib.mb(o["bytes"]):.0f}', f'{codec}{files}'


# Medians per (case, tool): seconds and peak RSS.
med = {}
for r in runs:
    med.setdefault((r['case'], r['tool'], r['rows']), None)
for key in list(med):
    rs = of(*key)
    med[key] = (lib.spread([r['wall_s'] for r in rs]), lib.spread([r['rss_kb'] for r in rs])[0])

n_runs = max(r['round'] for r in runs)
print('\n# Flow benchmark (the performance issue #9)\n')
print('Whole runs of `hygge go` on one-flow projects (local home at its defaults, `run_type: full_drop`; '
      f'parquet stores `type: local`, `format: parquet`, `batch_size: {int(store_batch):,}` rows per file, '
      "hygge's default snappy) next to DuckDB, Polars and the sqlite3 shell on the same cached data: "
      '`bench/data/bench_*.parquet`, written by DuckDB (bench/gen_bench_parquet.mjs: id int64, s1/s2 strings '
      'with 10 % nulls, d double, dec decimal(18,3), ts timestamp, b bool, n int32; snappy, row groups of '
      '122,880 rows) and its CSV export with a header. '
      f'Median of {n_runs} alternating run(s) per tool; every run writes a fresh output and starts after a `sync`. Time: wall time of '
      'the whole process from start to exit (for DuckDB and Polars that includes starting Node and loading '
      'the library, about 0.1-0.3 s). Peak RSS: /usr/bin/time %M of that process. Peers run with their '
      'defaults and all cores (DuckDB writes snappy, Polars zstd: see the codec column). Every output holds '
      "the input's row count (DuckDB `count(*)` over the written files; sqlite3 `count(*)`).\n")
print(lib.machine(), f'hygge {lib.hygge_commit()} ({hygge_v}, release build), DuckDB {versions["duckdb"]} '
      f'(@duckdb/node-api), nodejs-polars {versions["polars"]}, sqlite3 {sqlite_v}, Node {node_v}. '
      f'Load average at the end: {lib.load_average()}.\n')

inputs = {}
for r in runs:
    inputs.setdefault(r['input'], set()).add(r['rows'])
print('| input | rows | MB |')
print('|---|---:|---:|')
for path in sorted(inputs, key=lambda p: (min(inputs[p]), p)):
    print(f'| `{os.path.relpath(path)}` | {", ".join(f"{n:,}" for n in sorted(inputs[path]))} | '
          f'{lib.mb(os.path.getsize(path)):.0f} |')
print()

ratios = {}
if any(r['case'] in CASES for r in runs):
    print('| case | tool | median s | fastest s | slowest s | rows/s | peak RSS MB | output MB | codec | hygge / tool |')
    print('|---|---|---:|---:|---:|---:|---:|---:|---|---:|')
    for case, (title, tools) in CASES.items():
        rows_of = {r['rows'] for r in runs if r['case'] == case}
        if not rows_of:
            continue
        (rows,) = rows_of
        hs = med[case, 'hygge', rows][0][0]
        for tool in tools:
            (m, lo, hi), rss = med[case, tool, rows]
            ratio = ''
            if tool != 'hygge':
                ratios[case, tool] = m / hs
                ratio = f'{m / hs:.2f}x'
            size, codec = fmt_out(first_out(of(case, tool)))
            print(f'| {title} ({rows / 1e6:g}M rows) | {LABEL[case, tool]} | {m:.2f} | {lo:.2f} | {hi:.2f} | '
                  f'{rows / m / 1e6:.2f} M | {rss / 1024:.0f} | {size} | {codec} | {ratio} |')
    sqlite_note = ('The sqlite3 shell stores every CSV value as TEXT in a table created from the header; hygge '
                   'creates the table with declared types (INTEGER, REAL, TEXT), so its database is smaller. '
                   if any(r['case'] == 'p2s' for r in runs) else '')
    print('\nhygge / tool: hygge\'s throughput over the tool\'s (= tool s / hygge s; above 1 = hygge faster). '
          f'{sqlite_note}The machine is shared: read ratios loosely.\n')

rss_rows = sorted({r['rows'] for r in runs if r['case'] == 'rss'})
rss_med = {}
if rss_rows:
    print("hygge's parquet → parquet at three sizes (same project shape; peak RSS should not grow with the "
          'input: the store buffers one 1M-row file at most):\n')
    print('| rows | median s | rows/s | peak RSS MB | output MB | codec |')
    print('|---:|---:|---:|---:|---:|---|')
    for n in rss_rows:
        (m, _, _), rss = med['rss', 'hygge', n]
        rss_med[n] = rss
        size, codec = fmt_out(first_out(of('rss', 'hygge', n)))
        print(f'| {n:,} | {m:.2f} | {n / m / 1e6:.2f} M | {rss / 1024:.0f} | {size} | {codec} |')
    ex = next((r['except'] for r in of('rss', 'hygge', 1000000) if 'except' in r), None)
    if ex is not None:
        print(f'\nThe 1M-row copy equals its input: DuckDB EXCEPT ALL both ways finds {ex["missing"]} missing '
              f'and {ex["extra"]} extra rows.')
    print()


def target(name, value, goal, met):
    verdict = 'not measured' if value is None else ('**met**' if met else '**not met**')
    print(f'| {name} | {goal} | {"" if value is None else value} | {verdict} |')


print('Targets (the performance issue):\n')
print('| target | goal | measured | verdict |')
print('|---|---|---|---|')
for case, tool, goal, name in (('p2p', 'polars', 1.25, 'parquet → parquet throughput vs Polars'),
                               ('p2p', 'duckdb', 1.5, 'parquet → parquet throughput vs DuckDB'),
                               ('c2p', 'polars', 1.0, 'csv → parquet throughput vs Polars'),
                               ('p2s', 'sqlite3', 2.0, 'parquet → sqlite throughput vs sqlite3')):
    r = ratios.get((case, tool))
    target(name, None if r is None else f'{r:.2f}x', f'≥ {goal:g}x', r is not None and r >= goal)
peaks = dict(rss_med)
peaks.update({rows: rss for (case, tool, rows), (_, rss) in med.items() if case == 'p2p' and tool == 'hygge'})
if peaks:
    worst = max(peaks.values()) / 1024
    sizes = ', '.join(f'{n / 1e6:g}M' for n in sorted(peaks))
    target(f'hygge parquet → parquet peak RSS ({sizes} rows)', f'{worst:.0f} MB (largest)', '< 150 MB',
           worst < 150)
else:
    target('hygge parquet → parquet peak RSS', None, '< 150 MB', False)
if 1000000 in rss_med and 50000000 in rss_med:
    q = rss_med[50000000] / rss_med[1000000]
    target('peak RSS 50M rows / 1M rows', f'{q:.2f}', 'within 10 % (0.90-1.10)', 0.9 <= q <= 1.1)
else:
    why = ' (BIG=0: no 50M run)' if big != '1' else ''
    target(f'peak RSS 50M rows / 1M rows{why}', None, 'within 10 % (0.90-1.10)', False)
