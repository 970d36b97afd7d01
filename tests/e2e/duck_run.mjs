// Runs SQL statements in an in-memory DuckDB (e2e cases use it to write
// their source files, e.g. a parquet file with every type).
// usage: node duck_run.mjs "SQL; SQL; ..."
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'oracle', 'package.json'));
const { DuckDBInstance } = require('@duckdb/node-api');

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
await con.run(process.argv[2]);
