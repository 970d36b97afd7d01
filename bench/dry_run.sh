#!/usr/bin/env bash
# Dry-run benchmark: `hygge go --dry-run` (and `--dry-run --verbose`) on a
# generated project of FLOWS flows x ENTITIES entity files (default 500 x 4
# = 2,000 entity flows; bench/gen_dryrun_project.py). Runs alternate between
# the two commands; the table reports the median, fastest and slowest wall
# time and the median peak RSS. Output goes to a file (not a terminal).
#
#   bench/dry_run.sh [BUILD_DIR]      FLOWS=500 ENTITIES=4 RUNS=10
#
# The project goes to bench/data/dryrun_project/ (gitignored, rewritten each
# time); the report is appended to bench/results/latest.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=$(cd "${1:-build}" && pwd)
FLOWS=${FLOWS:-500}
ENTITIES=${ENTITIES:-4}
RUNS=${RUNS:-10}
DATA=bench/data
PROJECT=$DATA/dryrun_project
RAW=$PWD/bench/results/dry_run.tmp
mkdir -p "$DATA" bench/results
bench/gen_dryrun_project.py "$PROJECT" "$FLOWS" "$ENTITIES"
: >"$RAW"

run() { # mode extra-flags...
	local mode=$1 t0 t1 rc=0
	shift
	t0=$EPOCHREALTIME
	(cd "$PROJECT" && /usr/bin/time -f %M -o ../rss.tmp "$BUILD/hygge" go --dry-run "$@" >../dry_run.out) || rc=$?
	t1=$EPOCHREALTIME
	if [ "$rc" != 0 ]; then
		echo "bench/dry_run.sh: hygge go --dry-run $* failed ($rc)" >&2
		exit 1
	fi
	printf '{"mode":"%s","wall_s":%s,"rss_kb":%s,"lines":%s}\n' "$mode" \
		"$(python3 -c "print(round($t1 - $t0, 4))")" "$(tail -n1 "$DATA/rss.tmp")" \
		"$(wc -l <"$DATA/dry_run.out")" | tee -a "$RAW"
}

for _ in $(seq "$RUNS"); do
	run plain
	run verbose --verbose
done

python3 - "$RAW" "$FLOWS" "$ENTITIES" >>bench/results/latest.md <<'PY'
import json, os, statistics, subprocess, sys, platform
raw, flows, entities = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
runs = [json.loads(l) for l in open(raw) if l.strip()]
cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
mem = next(int(l.split()[1]) for l in open('/proc/meminfo') if l.startswith('MemTotal'))
sha = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()
print('\n# Dry-run benchmark\n')
print(f'`hygge go --dry-run` on a generated project (bench/gen_dryrun_project.py): {flows} flow directories x '
      f'{entities} entity files = {flows * entities:,} flows, local parquet homes, stores alternating local '
      'parquet and SQLite with `table: "{entity}"`, half the entities incremental with a watermark, flow '
      f'`defaults` merged into every entity. {len(runs) // 2} alternating runs of each command.\n')
print(f'Machine: {cpu}, {os.cpu_count()} CPUs, {mem / 2**20:.0f} GiB memory, Linux {platform.release()}. '
      f'hygge {sha} (release build). Load average at the end: {", ".join(f"{x:.1f}" for x in os.getloadavg())}.\n')
print('| command | median s | fastest s | slowest s | peak RSS MB | output lines |')
print('|---|---:|---:|---:|---:|---:|')
for mode, cmd in (('plain', 'go --dry-run'), ('verbose', 'go --dry-run --verbose')):
    rs = [r for r in runs if r['mode'] == mode]
    w = [r['wall_s'] for r in rs]
    print(f'| `hygge {cmd}` | {statistics.median(w):.3f} | {min(w):.3f} | {max(w):.3f} | '
          f'{statistics.median(r["rss_kb"] for r in rs) / 1024:.1f} | {rs[0]["lines"]:,} |')
print('\nWall time of the whole process (start, load and check every hygge.yml/flow.yml/entity file, '
      'print the preview, exit), stdout to a file. Peak RSS: /usr/bin/time %M. The files are in the '
      'page cache after the first run. The machine is shared: single runs vary.')
PY
rm -f "$RAW" "$DATA/rss.tmp" "$DATA/dry_run.out"
