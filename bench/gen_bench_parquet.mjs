// Writes the read benchmark's input with DuckDB: the same 8 columns and
// values as the write benchmark (pq_write_bench.c, pq_write_others.mjs) --
// id int64, s1/s2 strings with 10 % nulls, d double, dec decimal(18,3),
// ts timestamp[us], b bool, n int32 -- snappy, DuckDB's default row groups
// (122,880 rows). bench/read_parquet.sh runs it once and caches the file.
//
//   node gen_bench_parquet.mjs OUT ROWS
import { createRequire } from 'node:module';
import { renameSync, statSync } from 'node:fs';

const require = createRequire(new URL('../tests/oracle/package.json', import.meta.url));
const { DuckDBInstance } = require('@duckdb/node-api');
const [out, rowsText] = process.argv.slice(2);
const rows = Number(rowsText);
const tmp = `${out}.tmp`;
const con = await (await DuckDBInstance.create(':memory:')).connect();
await con.run(`COPY (SELECT range AS id,
    CASE WHEN range % 10 = 3 THEN NULL ELSE 'name-' || ((range * 7919) % 100000) END AS s1,
    CASE WHEN range % 10 = 7 THEN NULL ELSE 'city-' || (range % 1000) END AS s2,
    range::DOUBLE / 7 AS d,
    (range * 1.001)::DECIMAL(18,3) AS dec,
    TIMESTAMP '2024-01-01' + to_seconds(range) AS ts,
    range % 3 = 0 AS b,
    ((range * 31) % 1000000)::INTEGER AS n
  FROM range(${rows})) TO '${tmp.replace(/'/g, "''")}' (FORMAT parquet, COMPRESSION snappy)`);
renameSync(tmp, out);
console.log(`wrote ${out}: ${rows} rows, ${statSync(out).size} bytes`);
