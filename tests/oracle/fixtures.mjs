// Writes the Parquet fixtures of tests/data/pq_fixtures/ for what the
// parquet-testing corpus lacks (parquet.md section 15 "corpus gaps"):
//   empty.parquet          DuckDB, a table with no rows: 0 row groups
//   duckdb_types.parquet   DuckDB: TIME, UUID, TIMESTAMP(NANOS), TIMESTAMPTZ,
//                          unsigned ints, DECIMAL(38,10) in FLBA(16), empty
//                          strings next to nulls, nested structs with nulls
//   dict_fallback.parquet  arrow-rs (parquet-wasm) with a 1 KiB dictionary
//                          limit: a dictionary, then the fallback encoding in
//                          the same chunk (v2 pages: DELTA_BYTE_ARRAY for the
//                          strings); two row groups
//   dict_fallback_v1.parquet  the same with v1 pages (fallback to PLAIN)
// The golden script (golden.mjs) then renders them with both oracles.
// usage: node fixtures.mjs
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableToIPC, tableFromArrays } from 'apache-arrow';

const require = createRequire(import.meta.url);
const wasm = require('parquet-wasm/node');
const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'data', 'pq_fixtures');
mkdirSync(out, { recursive: true });

const con = await (await DuckDBInstance.create(':memory:')).connect();
await con.run(`COPY (SELECT 1::BIGINT AS id, 'x' AS s WHERE false) TO '${join(out, 'empty.parquet')}' (FORMAT parquet)`);
await con.run(`COPY (
  SELECT i AS id,
    CASE WHEN i % 7 = 0 THEN NULL ELSE (TIME '00:00:00' + INTERVAL (i * 1234567) MICROSECOND) END AS t,
    CASE WHEN i % 5 = 0 THEN NULL ELSE ('00112233-4455-6677-8899-' || lpad(i::VARCHAR, 12, '0'))::UUID END AS u,
    (TIMESTAMP_NS '2024-01-01 00:00:00' + INTERVAL (i * 1000003) MICROSECOND) AS tns,
    (TIMESTAMPTZ '2024-01-01 00:00:00+00' + INTERVAL (i) HOUR) AS tz,
    (i % 256)::UTINYINT AS u8, (i * 250)::USMALLINT AS u16, (i * 4000000)::UINTEGER AS u32,
    (18446744073709551615 - i)::UBIGINT AS u64, (i - 50)::TINYINT AS i8,
    ((i - 50) * 123456789.0123456789)::DECIMAL(38,10) AS d38,
    CASE WHEN i % 3 = 0 THEN NULL WHEN i % 3 = 1 THEN '' ELSE 'v' || i END AS s,
    CASE WHEN i % 4 = 0 THEN NULL ELSE {'a': i, 'b': CASE WHEN i % 6 = 0 THEN NULL ELSE {'c': i * 2} END} END AS st,
    (DATE '1900-01-01' + INTERVAL (i * 400) DAY)::DATE AS dt
  FROM range(100) r(i)) TO '${join(out, 'duckdb_types.parquet')}' (FORMAT parquet, COMPRESSION zstd)`);

const n = 3000;
const ids = BigInt64Array.from({ length: n }, (_, i) => BigInt(i * 7919 % 100003));
const names = Array.from({ length: n }, (_, i) => (i % 11 === 0 ? null : 'name-' + (i * 7919 % 100003)));
const table = tableFromArrays({ id: ids, name: names });
for (const [file, version] of [['dict_fallback.parquet', wasm.WriterVersion.V2],
  ['dict_fallback_v1.parquet', wasm.WriterVersion.V1]]) {
  const props = new wasm.WriterPropertiesBuilder()
    .setDictionaryPageSizeLimit(1024)
    .setMaxRowGroupSize(2000)
    .setWriterVersion(version)
    .setCompression(wasm.Compression.SNAPPY)
    .build();
  const bytes = wasm.writeParquet(wasm.Table.fromIPCStream(tableToIPC(table, 'stream')), props);
  writeFileSync(join(out, file), bytes);
}
console.log('fixtures written to', out);
