// Writes the benchmarks' input with DuckDB: the same 8 columns and values
// as the write benchmark (pq_write_bench.c, pq_write_others.mjs) -- id
// int64, s1/s2 strings with 10 % nulls, d double, dec decimal(18,3),
// ts timestamp[us], b bool, n int32 -- snappy, DuckDB's default row groups
// (122,880 rows); or exports such a file as CSV with a header (the input of
// the csv -> parquet and sqlite3 `.import` runs). bench/lib.sh runs it once
// per file and caches the result in bench/data/.
//
//   node gen_bench_parquet.mjs OUT ROWS
//   node gen_bench_parquet.mjs --csv PARQUET OUT
//
// Both write OUT.tmp and rename it, so an interrupted run leaves nothing
// that a later run would take for a finished file.
import { createRequire } from 'node:module';
import { renameSync, statSync } from 'node:fs';
import { benchTableQuery } from './bench_table.mjs';

const require = createRequire(new URL('../tests/oracle/package.json', import.meta.url));
const { DuckDBInstance } = require('@duckdb/node-api');
const args = process.argv.slice(2);
const q = (s) => `'${s.replace(/'/g, "''")}'`;
const con = await (await DuckDBInstance.create(':memory:')).connect();
let out;
if (args[0] === '--csv') {
  const src = args[1];
  out = args[2];
  await con.run(`COPY (SELECT * FROM read_parquet(${q(src)})) TO ${q(`${out}.tmp`)} (HEADER)`);
} else {
  out = args[0];
  const rows = Number(args[1]);
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`bad row count '${args[1]}'`);
  await con.run(`COPY (${benchTableQuery(rows)}) TO ${q(`${out}.tmp`)} (FORMAT parquet, COMPRESSION snappy)`);
}
renameSync(`${out}.tmp`, out);
console.log(`wrote ${out}: ${statSync(out).size} bytes`);
