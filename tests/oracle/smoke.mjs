// Checks that the four Parquet oracles are installed and agree on a small file
// DuckDB writes: the ground later reader and writer tests stand on.
// usage: node smoke.mjs WORKDIR
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { tableFromIPC } from 'apache-arrow';

const require = createRequire(import.meta.url);
const pl = require('nodejs-polars');
const wasm = require('parquet-wasm/node');

const file = join(process.argv[2], 'smoke.parquet');
const expected = [[1, 'a'], [2, null], [3, 'ü€']];

function check(name, rows) {
  const got = JSON.stringify(rows);
  if (got !== JSON.stringify(expected)) {
    console.error(`${name}: expected ${JSON.stringify(expected)}, got ${got}`);
    process.exit(1);
  }
  console.log(`${name}: ok`);
}

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
await con.run(`COPY (SELECT * FROM (VALUES (1, 'a'), (2, NULL), (3, 'ü€')) t(id, name))
               TO '${file}' (FORMAT parquet, COMPRESSION zstd)`);
const duck = await con.runAndReadAll(`SELECT id, name FROM read_parquet('${file}') ORDER BY id`);
check('duckdb', duck.getRows().map(([id, name]) => [Number(id), name]));

const df = pl.readParquet(file);
const ids = df.getColumn('id').toArray();
const names = df.getColumn('name').toArray();
check('polars', ids.map((id, i) => [Number(id), names[i]]));

const bytes = readFileSync(file);
const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
const objs = await parquetReadObjects({ file: buf, compressors });
check('hyparquet', objs.map((r) => [Number(r.id), r.name]));

const table = tableFromIPC(wasm.readParquet(new Uint8Array(bytes)).intoIPCStream());
check('parquet-wasm', table.toArray().map((r) => [Number(r.id), r.name]));
