// The independent judge of the e2e cases: DuckDB compares what hygge wrote
// with what it read, row for row, as multisets (EXCEPT ALL both ways).
//
// usage: node duck_compare.mjs SRC DST
//   SRC, DST:  csv:PATH | ndjson:PATH | parquet:PATH | sqlite:DBFILE:TABLE
//   PATH is a file or a directory (every *.csv / *.ndjson / *.parquet below it).
//   A+B stands for A's rows followed by B's (UNION ALL): an incremental run
//   twice is compared with csv:in+csv:in.
// The destination's columns are matched by name and cast to the source's
// types (a CSV column DuckDB reads as BIGINT compares with the same column
// read back from NDJSON or SQLite); a source column read as text takes the
// destination's type instead. SQLite tables are read with the sqlite3
// command (-json), as DuckDB's sqlite extension cannot be installed offline.
// Prints "rows src=N dst=N missing=N extra=N" and exits 0 only when both
// differences are empty and the counts agree; 1 otherwise.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'oracle', 'package.json'));
const { DuckDBInstance } = require('@duckdb/node-api');

const scratch = mkdtempSync(join(tmpdir(), 'duckcmp-'));

function files(path, ext) {
  if (!statSync(path).isDirectory()) return [path];
  const out = [];
  for (const e of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, e.name);
    if (e.isDirectory()) out.push(...files(p, ext));
    else if (e.name.endsWith('.' + ext)) out.push(p);
  }
  return out.sort();
}

const q = (s) => `'${s.replaceAll("'", "''")}'`;
const list = (fs) => `[${fs.map(q).join(', ')}]`;

function relation(spec, name) {
  const [kind, ...rest] = spec.split(':');
  const path = rest.join(':');
  switch (kind) {
    case 'csv':
      return `read_csv(${list(files(path, 'csv'))}, header = true, allow_quoted_nulls = false)`;
    case 'ndjson':
      return `read_json(${list(files(path, 'ndjson'))}, format = 'newline_delimited')`;
    case 'parquet':
      return `read_parquet(${list(files(path, 'parquet'))})`;
    case 'sqlite': {
      const [db, table] = [rest.slice(0, -1).join(':'), rest[rest.length - 1]];
      const json = execFileSync('sqlite3', ['-json', db, `SELECT * FROM "${table}"`], {
        maxBuffer: 1 << 30,
      }).toString();
      const file = join(scratch, `${name}.json`);
      writeFileSync(file, json.trim() === '' ? '[]' : json);
      return `read_json(${q(file)}, format = 'array')`;
    }
    default:
      throw new Error(`unknown kind in ${spec}`);
  }
}

try {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const union = (arg, name) =>
    arg
      .split('+')
      .map((spec, i) => `SELECT * FROM ${relation(spec, `${name}${i}`)}`)
      .join(' UNION ALL ');
  await con.run(`CREATE TABLE src AS ${union(process.argv[2], 'src')}`);
  await con.run(`CREATE TABLE dst_raw AS ${union(process.argv[3], 'dst')}`);
  const cols = (await con.runAndReadAll(`DESCRIBE src`)).getRows();
  const dcols = new Set((await con.runAndReadAll(`DESCRIBE dst_raw`)).getRows().map((r) => r[0]));
  const missing = cols.filter(([c]) => !dcols.has(c)).map(([c]) => c);
  if (missing.length > 0 || dcols.size !== cols.length) {
    console.log(`columns differ: src ${cols.map((r) => r[0]).join(',')} dst ${[...dcols].join(',')}`);
    process.exit(1);
  }
  // One type per column: the source's, unless DuckDB read the source column
  // as text and the destination's as something typed (a timestamp that an
  // NDJSON source keeps as a string lands in CSV, where DuckDB sniffs it).
  const dtype = new Map((await con.runAndReadAll(`DESCRIBE dst_raw`)).getRows().map((r) => [r[0], r[1]]));
  const common = cols.map(([c, t]) => [c, t === 'VARCHAR' ? dtype.get(c) : t]);
  const sel = common.map(([c, t]) => `CAST("${c}" AS ${t}) AS "${c}"`).join(', ');
  await con.run(`CREATE TABLE dst AS SELECT ${sel} FROM dst_raw`);
  await con.run(`CREATE TABLE src_typed AS SELECT ${sel} FROM src`);
  await con.run(`DROP TABLE src`);
  await con.run(`ALTER TABLE src_typed RENAME TO src`);
  const one = async (sql) => Number((await con.runAndReadAll(sql)).getRows()[0][0]);
  const n = await one('SELECT count(*) FROM src');
  const m = await one('SELECT count(*) FROM dst');
  const a = await one('SELECT count(*) FROM (SELECT * FROM src EXCEPT ALL SELECT * FROM dst)');
  const b = await one('SELECT count(*) FROM (SELECT * FROM dst EXCEPT ALL SELECT * FROM src)');
  console.log(`rows src=${n} dst=${m} missing=${a} extra=${b}`);
  if (a > 0 || b > 0) {
    for (const [label, sql] of [
      ['missing', 'SELECT * FROM src EXCEPT ALL SELECT * FROM dst'],
      ['extra', 'SELECT * FROM dst EXCEPT ALL SELECT * FROM src'],
    ]) {
      for (const row of (await con.runAndReadAll(`${sql} LIMIT 5`)).getRowsJson())
        console.log(`${label}: ${JSON.stringify(row)}`);
    }
  }
  process.exitCode = n === m && a === 0 && b === 0 ? 0 : 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
