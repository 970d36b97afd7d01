// The same benchmark table as bench/pq_write_bench.c, built in memory by
// DuckDB or Polars, then timed while that tool writes it as Parquet.
//
//   node pq_write_others.mjs duckdb|polars OUT ROWS CODEC
//
// Prints one JSON line: {"tool", "rows", "codec", "gen_s", "write_s", "bytes"}.
import { createRequire } from 'node:module';
import { statSync } from 'node:fs';
import { benchTableQuery } from './bench_table.mjs';

// The packages live with the oracles (tests/oracle, installed by scripts/bootstrap).
const require = createRequire(new URL('../tests/oracle/package.json', import.meta.url));
const [tool, out, rowsText, codec] = process.argv.slice(2);
const rows = Number(rowsText);
const now = () => Number(process.hrtime.bigint()) / 1e9;

async function duckdb() {
  const { DuckDBInstance } = require('@duckdb/node-api');
  const con = await (await DuckDBInstance.create(':memory:')).connect();
  const t0 = now();
  await con.run(`CREATE TABLE t AS ${benchTableQuery(rows)}`);
  const t1 = now();
  await con.run(`COPY t TO '${out.replace(/'/g, "''")}' (FORMAT parquet, COMPRESSION ${codec})`);
  const t2 = now();
  return { gen_s: t1 - t0, write_s: t2 - t1 };
}

function polars() {
  const pl = require('nodejs-polars');
  const t0 = now();
  const id = pl.col('id');
  const df = pl.DataFrame({ id: pl.intRange(0, rows, 1, pl.Int64, true) }).select(
    id,
    pl.when(id.modulo(10).eq(3)).then(pl.lit(null)).otherwise(pl.format('name-{}', id.mul(7919).modulo(100000).cast(pl.Int64))).alias('s1'),
    pl.when(id.modulo(10).eq(7)).then(pl.lit(null)).otherwise(pl.format('city-{}', id.modulo(1000).cast(pl.Int64))).alias('s2'),
    id.cast(pl.Float64).div(7).alias('d'),
    id.mul(1001).cast(pl.Float64).div(1000).cast(pl.Decimal(18, 3)).alias('dec'),
    id.mul(1000000).add(1704067200000000).cast(pl.Datetime('us')).alias('ts'),
    id.modulo(3).eq(0).alias('b'),
    id.mul(31).modulo(1000000).cast(pl.Int32).alias('n'),
  );
  const t1 = now();
  df.writeParquet(out, { compression: codec });
  const t2 = now();
  return { gen_s: t1 - t0, write_s: t2 - t1 };
}

const r = tool === 'duckdb' ? await duckdb() : polars();
console.log(JSON.stringify({ tool, rows, codec, gen_s: +r.gen_s.toFixed(3), write_s: +r.write_s.toFixed(3),
  bytes: statSync(out).size }));
