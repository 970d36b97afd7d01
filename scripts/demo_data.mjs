// Generates the data of `make demo` (scripts/demo) with DuckDB, from
// deterministic expressions (no random(): hash() of the row number), so every
// run writes the same rows. About a million rows in three entities of
// different shapes:
//   customers  100,000 rows  CSV, one file       ids, names, dates, booleans, doubles, nulls
//   orders     600,000 rows  CSV, 4 files        timestamps, amounts, small integers
//   events     300,000 rows  parquet, one file   UTC timestamps, text with quotes and emoji
// usage: node scripts/demo_data.mjs DATA_DIR [parquet]
//   Without `parquet` (a build without the parquet reader) events are NDJSON.
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'tests', 'oracle', 'package.json'));
const { DuckDBInstance } = require('@duckdb/node-api');

const [dir, mode] = process.argv.slice(2);
const parquet = mode === 'parquet';
for (const d of ['shop/customers', 'shop/orders', 'events']) mkdirSync(join(dir, d), { recursive: true });

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const q = (s) => `'${s.replaceAll("'", "''")}'`;

await con.run(`COPY (
  SELECT i AS customer_id,
         'Customer ' || i AS name,
         'customer' || i || '@example.com' AS email,
         ['DK', 'SE', 'NO', 'DE', 'GB', 'US'][(hash(i) % 6)::INT + 1] AS country,
         DATE '2015-01-01' + (hash(i * 7) % 3650)::INT AS signup_date,
         hash(i * 3) % 5 <> 0 AS is_active,
         CASE WHEN hash(i * 11) % 10 = 0 THEN NULL
              ELSE round((hash(i * 13) % 1000000) / 100.0, 2) END AS lifetime_value
  FROM range(1, 100001) t(i)
) TO ${q(join(dir, 'shop/customers/customers.csv'))} (HEADER)`);

for (let part = 0; part < 4; part++) {
  const lo = part * 150000 + 1;
  const file = join(dir, `shop/orders/orders-${part + 1}.csv`);
  await con.run(`COPY (
    SELECT i AS order_id,
           (hash(i) % 100000)::BIGINT + 1 AS customer_id,
           TIMESTAMP '2024-01-01' + to_seconds((hash(i * 5) % 31536000)::BIGINT) AS ordered_at,
           ['placed', 'paid', 'shipped', 'delivered', 'returned'][(hash(i * 17) % 5)::INT + 1] AS status,
           ((hash(i * 19) % 5) + 1)::INTEGER AS quantity,
           round((hash(i * 23) % 50000) / 100.0, 2) AS amount
    FROM range(${lo}, ${lo + 150000}) t(i)
  ) TO ${q(file)} (HEADER)`);
}

const events = join(dir, `events/events.${parquet ? 'parquet' : 'ndjson'}`);
await con.run(`COPY (
  SELECT i AS event_id,
         'session-' || (hash(i) % 20000) AS session,
         ['view', 'click', 'add_to_cart', 'checkout'][(hash(i * 3) % 4)::INT + 1] AS kind,
         TIMESTAMPTZ '2024-06-01 00:00:00+00' + to_seconds((hash(i * 7) % 2592000)::BIGINT) AS happened_at,
         CASE WHEN i % 7 = 0 THEN 'said "hej" 👋' WHEN i % 5 = 0 THEN NULL ELSE 'page/' || (hash(i) % 300) END AS detail
  FROM range(1, 300001) t(i)
) TO ${q(events)} (${parquet ? 'FORMAT parquet, COMPRESSION snappy' : 'FORMAT json'})`);
console.log('demo data: 100,000 customers, 600,000 orders, 300,000 events');
