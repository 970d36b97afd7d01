// The benchmark table as a DuckDB query, so every script that builds it
// (gen_bench_parquet.mjs for the cached inputs, pq_write_others.mjs for the
// write benchmark) builds the same 8 columns and values: id int64, s1/s2
// strings with 10 % nulls, d double, dec decimal(18,3), ts timestamp[us],
// b bool, n int32. pq_write_bench.c builds the same values in C.
export function benchTableQuery(rows) {
  return `SELECT range AS id,
      CASE WHEN range % 10 = 3 THEN NULL ELSE 'name-' || ((range * 7919) % 100000) END AS s1,
      CASE WHEN range % 10 = 7 THEN NULL ELSE 'city-' || (range % 1000) END AS s2,
      range::DOUBLE / 7 AS d,
      (range * 1.001)::DECIMAL(18,3) AS dec,
      TIMESTAMP '2024-01-01' + to_seconds(range) AS ts,
      range % 3 = 0 AS b,
      ((range * 31) % 1000000)::INTEGER AS n
    FROM range(${rows})`;
}
