// Runs one SQL query in an in-memory DuckDB and prints its rows, one a line,
// values separated by " | " (NULL as "null"). e2e cases use it to look into
// files hygge wrote, e.g. the journal:
//   node "$E2E/duck_query.mjs" "SELECT status FROM '.journal/journal.parquet'"
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'oracle', 'package.json'));
const { DuckDBInstance } = require('@duckdb/node-api');

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const reader = await con.runAndReadAll(process.argv[2]);
for (const row of reader.getRowsJson())
  console.log(row.map((v) => (v === null ? 'null' : String(v))).join(' | '));
