// The flow benchmark's Node side (bench/flows.sh): the peers it times and
// the DuckDB queries it checks and describes outputs with. One process per
// call, so a timed peer run is the whole process, as hygge's is.
//
//   node bench/flow_peers.mjs duckdb parquet|csv SRC OUT   COPY (SELECT * FROM read_*(SRC)) TO OUT
//   node bench/flow_peers.mjs polars parquet|csv SRC OUT   scan_*(SRC).sink_parquet(OUT)
//   node bench/flow_peers.mjs count GLOB                    count(*) over parquet files
//   node bench/flow_peers.mjs describe GLOB                 {"files","bytes","codecs","row_groups"}
//   node bench/flow_peers.mjs except SRC GLOB               rows in SRC not in GLOB, and back (EXCEPT ALL)
//   node bench/flow_peers.mjs versions                      {"duckdb","polars"}
//
// The input data is bench/gen_bench_parquet.mjs's.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/oracle/package.json', import.meta.url));
const [cmd, ...args] = process.argv.slice(2);
const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

async function duck() {
  const { DuckDBInstance } = require('@duckdb/node-api');
  return (await DuckDBInstance.create(':memory:')).connect();
}

async function rows(sql) {
  const con = await duck();
  return (await con.runAndReadAll(sql)).getRowObjectsJson();
}

function fail(msg) {
  console.error(`bench/flow_peers.mjs: ${msg}`);
  process.exit(1);
}

switch (cmd) {
case 'duckdb': {
  const [fmt, src, out] = args;
  const read = fmt === 'csv' ? 'read_csv' : 'read_parquet';
  await (await duck()).run(`COPY (SELECT * FROM ${read}(${q(src)})) TO ${q(out)} (FORMAT parquet)`);
  break;
}
case 'polars': {
  const [fmt, src, out] = args;
  const pl = require('nodejs-polars');
  const lf = fmt === 'csv' ? pl.scanCSV(src) : pl.scanParquet(src);
  // nodejs-polars' sinkParquet is lazy: nothing is written until collect().
  await lf.sinkParquet(out).collect();
  break;
}
case 'count': {
  const [r] = await rows(`SELECT count(*)::BIGINT AS n FROM read_parquet(${q(args[0])})`);
  console.log(String(r.n));
  break;
}
case 'describe': {
  const glob = q(args[0]);
  const [f] = await rows(`SELECT count(*)::BIGINT AS files, sum(size)::BIGINT AS bytes FROM read_blob(${glob})`);
  const codecs = await rows(`SELECT DISTINCT compression AS c FROM parquet_metadata(${glob}) ORDER BY 1`);
  const [g] = await rows(`SELECT count(DISTINCT (file_name, row_group_id))::BIGINT AS n
      FROM parquet_metadata(${glob})`);
  console.log(JSON.stringify({
    files: Number(f.files), bytes: Number(f.bytes),
    codecs: codecs.map((r) => r.c).join('+'), row_groups: Number(g.n),
  }));
  break;
}
case 'except': {
  const [src, glob] = args;
  const a = `read_parquet(${q(src)})`;
  const b = `read_parquet(${q(glob)})`;
  const [r] = await rows(`SELECT
      (SELECT count(*) FROM (SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b}))::BIGINT AS missing,
      (SELECT count(*) FROM (SELECT * FROM ${b} EXCEPT ALL SELECT * FROM ${a}))::BIGINT AS extra`);
  console.log(JSON.stringify({ missing: Number(r.missing), extra: Number(r.extra) }));
  break;
}
case 'versions': {
  const [r] = await rows('SELECT version() AS v');
  console.log(JSON.stringify({ duckdb: r.v, polars: require('nodejs-polars').version }));
  break;
}
default:
  fail(`unknown command '${cmd}'`);
}
