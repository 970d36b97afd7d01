// Reads the journal with DuckDB (tests/oracle/node_modules): the file hygge
// writes is the reference's schema, readable by other tools.
import { createRequire } from 'node:module';
const req = createRequire(process.argv[2] + '/');
const { DuckDBInstance } = await import(req.resolve('@duckdb/node-api'));
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
const file = process.argv[3];
const d = await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
for (const row of d.getRows()) console.log(`${row[0]} ${row[1]}`);
const q = await c.runAndReadAll(`SELECT flow, entity, status, row_count, duration, primary_key,
  watermark, message, schema_version FROM read_parquet('${file}') ORDER BY start_time`);
for (const row of q.getRows()) console.log(row.map((v) => (v === null ? 'NULL' : String(v))).join('|'));
