// DuckDB side of the read benchmark: reads every column of FILE and reduces
// each one (the same kind of work as bench_pq_read, which sums every value):
// sum of the integers, decimals and doubles, of the epoch of the timestamps,
// of the string lengths, count of true booleans. Every column is projected
// and every value decoded; only the aggregate state is kept, as in the C
// driver. THREADS 0 = DuckDB's default (one per core).
//
//   node pq_read_others.mjs FILE [THREADS]
//
// Prints one JSON line: {"tool", "threads", "rows", "read_s"}.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/oracle/package.json', import.meta.url));
const { DuckDBInstance } = require('@duckdb/node-api');
const [file, threadsText] = process.argv.slice(2);
const threads = Number(threadsText || 0);
const now = () => Number(process.hrtime.bigint()) / 1e9;

const con = await (await DuckDBInstance.create(':memory:')).connect();
if (threads > 0)
  await con.run(`SET threads = ${threads}`);
const t0 = now();
const reader = await con.runAndReadAll(`SELECT count(*) AS rows, sum(id), sum(strlen(s1)), count(s1),
    sum(strlen(s2)), count(s2), sum(d), sum(dec), sum(epoch_us(ts)), count_if(b), sum(n)
  FROM read_parquet('${file.replace(/'/g, "''")}')`);
const t1 = now();
const rows = Number(reader.getRows()[0][0]);
console.log(JSON.stringify({ tool: 'duckdb', threads, rows, read_s: +(t1 - t0).toFixed(3) }));
