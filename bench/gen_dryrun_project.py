#!/usr/bin/env python3
"""Writes the dry-run benchmark's project: FLOWS flow directories, each with a
flow.yml and ENTITIES files under entities/ (default 500 x 4 = 2,000
entities). Homes are local parquet folders (the entity is appended as a
subfolder); stores alternate between a local parquet folder (entity appended)
and a SQLite file whose table is "{entity}". Every other entity is
incremental with a watermark (the flow keeps a journal); every fourth one overrides its home path; the
flow's `defaults` are merged into each entity file. Nothing needs to exist
on disk besides the YAML: a dry run reads no data.

    bench/gen_dryrun_project.py OUT_DIR [FLOWS] [ENTITIES]
"""
import os
import shutil
import sys

out = sys.argv[1]
flows = int(sys.argv[2]) if len(sys.argv) > 2 else 500
entities = int(sys.argv[3]) if len(sys.argv) > 3 else 4
shutil.rmtree(out, ignore_errors=True)
os.makedirs(os.path.join(out, 'flows'))
with open(os.path.join(out, 'hygge.yml'), 'w') as f:
    f.write('name: dryrun_bench\nflows_dir: flows\noptions:\n  concurrency: 8\n')
for i in range(flows):
    name = f'flow_{i:04d}'
    d = os.path.join(out, 'flows', name)
    os.makedirs(os.path.join(d, 'entities'))
    if i % 2 == 0:
        store = f'store:\n  type: parquet\n  path: lake/{name}\n  compression: zstd\n'
    else:
        store = f'store:\n  type: sqlite\n  path: out/{name}.sqlite\n  table: "{{entity}}"\n'
    with open(os.path.join(d, 'flow.yml'), 'w') as f:
        f.write(f'home:\n  type: local\n  path: data/{name}\n  format: parquet\n{store}'
                'run_type: full_drop\njournal:\n  location: store\ndefaults:\n  batch_size: 5000\n')
    for e in range(entities):
        ent = f'entity_{e}'
        text = f'name: {ent}\n'
        if e % 2 == 1:
            text += ('run_type: incremental\nwatermark:\n  primary_key: id\n'
                     '  watermark_column: updated_at\n  lookback: 15m\n')
        if e % 4 == 3:
            text += f'home:\n  path: current/{ent}\n'
        with open(os.path.join(d, 'entities', f'{ent}.yml'), 'w') as f:
            f.write(text)
print(f'wrote {out}: {flows} flows x {entities} entities')
