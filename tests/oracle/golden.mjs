// Golden digests of the parquet-testing corpus from two independent readers,
// DuckDB (C++) and hyparquet (JavaScript), for tests/unit/test_pq_golden.c.
//
// For every file in tests/data/parquet-testing/data and tests/data/pq_fixtures
// (written by fixtures.mjs) and every leaf column
// hygge reads (struct leaves as "a.b"; leaves under LIST/MAP are listed as
// skipped), both oracles' values are rendered in the canonical text of
// tests/unit/pq_render.h (values joined by "\n" in file order, "\N" for null)
// and hashed with md5. A column is "ok" only when both oracles give the same
// row count, non-null count and md5; otherwise the line says which oracle
// failed or how they differ, and the C test does not judge hygge on it.
//
// usage: node golden.mjs [OUT.tsv]   (default ../data/parquet_golden.tsv)
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

const here = dirname(fileURLToPath(import.meta.url));
const testData = join(here, '..', 'data');
// parquet-testing's files, then the fixtures of fixtures.mjs; paths in the
// TSV are relative to tests/data
const dirs = ['parquet-testing/data', 'pq_fixtures'];
const out = process.argv[2] ?? join(here, '..', 'data', 'parquet_golden.tsv');

// Files not run, with the reason.
const SKIP = {
  'large_string_map.brotli.parquet': 'pages of 1 GiB (beyond HY_PQ_MAX_PAGE_BYTES); only a LIST/MAP column',
};

// ---- the column's canonical kind, from the schema (parquet.md section 8,
// the same precedence as src/formats/parquet/pq_types.c) ----

function kindOf(el) {
  const lt = el.logical_type?.type, ct = el.converted_type, t = el.type;
  if (lt === 'UNKNOWN' || lt === 'NULL') return { k: 'null' };
  if (lt === 'STRING' || lt === 'ENUM' || lt === 'JSON' || ct === 'UTF8' || ct === 'ENUM' || ct === 'JSON') {
    if (t === 'BYTE_ARRAY') return { k: 'string' };
  }
  if (lt === 'DECIMAL' || ct === 'DECIMAL') {
    const s = el.logical_type?.scale ?? el.scale ?? 0;
    return { k: 'decimal', scale: s };
  }
  if (lt === 'UUID' && t === 'FIXED_LEN_BYTE_ARRAY') return { k: 'hex', uuid: true };
  if (lt === 'FLOAT16' && t === 'FIXED_LEN_BYTE_ARRAY') return { k: 'float' };
  if ((lt === 'DATE' || ct === 'DATE') && t === 'INT32') return { k: 'int', date: true };
  if (lt === 'TIMESTAMP' && t === 'INT64') return { k: 'ts', unit: el.logical_type.unit };
  if ((ct === 'TIMESTAMP_MILLIS' || ct === 'TIMESTAMP_MICROS') && t === 'INT64')
    return { k: 'ts', unit: ct === 'TIMESTAMP_MILLIS' ? 'MILLIS' : 'MICROS' };
  if (lt === 'TIME' || ct === 'TIME_MILLIS' || ct === 'TIME_MICROS') return { k: 'time' };
  if (t === 'INT96') return { k: 'int96' };
  switch (t) {
    case 'BOOLEAN': return { k: 'bool' };
    case 'INT32': case 'INT64': return { k: 'int' };
    case 'FLOAT': case 'DOUBLE': return { k: 'float' };
    default: return { k: 'hex' }; // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, BSON, INTERVAL
  }
}

// ---- rendering ----

function floatText(x) {
  if (Number.isNaN(x)) return 'NaN';
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  return dv.getBigUint64(0).toString(16).padStart(16, '0');
}

function hex(bytes) {
  return Buffer.from(bytes).toString('hex');
}

function decimalText(unscaled, scale) {
  const neg = unscaled < 0n;
  let digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  if (scale > 0) digits = digits.slice(0, -scale) + '.' + digits.slice(-scale);
  return (neg ? '-' : '') + digits;
}

class Digest {
  constructor() { this.h = createHash('md5'); this.rows = 0; this.nonnull = 0; }
  add(text) { // text: null, a JS string (UTF-8) or a Buffer of raw bytes
    if (this.rows > 0) this.h.update('\n');
    if (text === null) this.h.update('\\N'); else { this.h.update(text); this.nonnull++; }
    this.rows++;
  }
  result() { return { rows: this.rows, nonnull: this.nonnull, md5: this.h.digest('hex') }; }
}

// hyparquet values -> canonical text
function fromHyparquet(v, kind) {
  if (v === null || v === undefined || kind.k === 'null') return null;
  switch (kind.k) {
    case 'bool': return v ? 'true' : 'false';
    case 'int': return String(v);
    case 'float': return floatText(Number(v));
    case 'decimal': return decimalText(BigInt(Math.round(Number(v) * 10 ** kind.scale)), kind.scale);
    case 'string': return Buffer.from(v);
    case 'hex': return hex(v);
    case 'int96': return String(BigInt(v) / 1000n); // hyparquet gives nanoseconds
    case 'ts': case 'time': return String(v);
  }
  throw new Error('kind ' + kind.k);
}

// DuckDB: a SQL expression per kind, values then rendered here
function duckExpr(ref, kind) {
  switch (kind.k) {
    case 'null': return 'NULL';
    case 'bool': return `CASE WHEN ${ref} THEN 'true' WHEN NOT ${ref} THEN 'false' END`;
    case 'int': return kind.date ? `datediff('day', DATE '1970-01-01', ${ref})::VARCHAR` : `${ref}::VARCHAR`;
    case 'float': return `${ref}::DOUBLE`;
    case 'decimal': return `${ref}::VARCHAR`;
    case 'string': return `${ref}::VARCHAR`;
    case 'hex': return kind.uuid ? `replace(${ref}::VARCHAR, '-', '')` : `lower(hex(${ref}))`;
    case 'ts': return `epoch_${{ MILLIS: 'ms', MICROS: 'us', NANOS: 'ns' }[kind.unit]}(${ref})::VARCHAR`;
    case 'int96': return `epoch_us(${ref})::VARCHAR`;
    case 'time': return `epoch_us(${ref})::VARCHAR`;
  }
  throw new Error('kind ' + kind.k);
}

function fromDuck(v, kind) {
  if (v === null || v === undefined) return null;
  if (kind.k === 'float') return floatText(Number(v));
  if (kind.k === 'string') return Buffer.from(String(v), 'utf8');
  return String(v);
}

// ---- the schema's leaves (root excluded) ----

function leaves(schema) {
  const res = [];
  let i = 1;
  function walk(path, repeated) {
    const el = schema[i++];
    const p = [...path, el.name];
    const rep = repeated || el.repetition_type === 'REPEATED';
    if (el.num_children === undefined || el.type !== undefined && !el.num_children) {
      res.push({ parts: p, name: p.join('.'), el, repeated: rep });
      return;
    }
    for (let c = 0; c < el.num_children; c++) walk(p, rep);
  }
  while (i < schema.length) walk([], false);
  return res;
}

function quote(id) { return '"' + id.replace(/"/g, '""') + '"'; }
function duckRef(parts) {
  let r = quote(parts[0]);
  for (const p of parts.slice(1)) r = `struct_extract(${r}, '${p.replace(/'/g, "''")}')`;
  return r;
}

// DuckDB refuses a whole file for one column it cannot decode (BYTE_STREAM_SPLIT
// on INT/FLBA), so a failed file is retried column by column.
async function duckdb(con, file, cols) {
  try {
    return await duckdbCols(con, file, cols);
  } catch (e) {
    if (cols.length === 1) throw e;
    const res = [];
    for (const c of cols) {
      try { res.push((await duckdbCols(con, file, [c]))[0]); } catch (e2) { res.push({ err: shortMsg(e2) }); }
    }
    return res;
  }
}

async function duckdbCols(con, file, cols) {
  const f = file.replace(/'/g, "''");
  const exprs = cols.map((c, i) => `${duckExpr(duckRef(c.parts), c.kind)} AS c${i}`);
  const res = await con.runAndReadAll(
    `SELECT ${exprs.join(', ')} FROM read_parquet('${f}', file_row_number = true) ORDER BY file_row_number`);
  const rows = res.getRows();
  return cols.map((c, i) => {
    const d = new Digest();
    for (const row of rows) d.add(fromDuck(row[i], c.kind));
    return d.result();
  });
}

async function hyparquet(file, cols) {
  const bytes = readFileSync(file);
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const same = (x) => x;
  const parsers = {
    timestampFromMilliseconds: same, timestampFromMicroseconds: same, timestampFromNanoseconds: same,
    dateFromDays: same, stringFromBytes: same, jsonFromBytes: same, uuidFromBytes: same,
    geometryFromBytes: same, geographyFromBytes: same,
  };
  const top = [...new Set(cols.map((c) => c.parts[0]))];
  const rows = await parquetReadObjects({ file: buf, compressors, utf8: false, parsers, columns: top });
  return cols.map((c) => {
    const d = new Digest();
    for (const row of rows) {
      let v = row;
      for (const p of c.parts) v = v === null || v === undefined ? v : v[p];
      d.add(fromHyparquet(v, c.kind));
    }
    return d.result();
  });
}

function shortMsg(e) {
  return String(e?.message ?? e).split('\n')[0].replace(/Failed to read file "[^"]*": /, '');
}

async function oneOracle(fn) {
  try { return { ok: true, res: await fn() }; } catch (e) { return { ok: false, msg: shortMsg(e) }; }
}

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const lines = ['# file\tcolumn\tstatus\trows\tnonnull\tmd5\tnote'];
const files = dirs.flatMap((d) => readdirSync(join(testData, d)).filter((f) => f.endsWith('.parquet')).sort()
  .map((f) => d + '/' + f));
for (const name of files) {
  const path = join(testData, name);
  if (SKIP[basename(name)]) { lines.push([name, '*', 'skip', '', '', '', SKIP[basename(name)]].join('\t')); continue; }
  let schema;
  try {
    const bytes = readFileSync(path);
    schema = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)).schema;
  } catch (e) {
    lines.push([name, '*', 'fail', '', '', '', 'hyparquet metadata: ' + e.message].join('\t'));
    continue;
  }
  const all = leaves(schema);
  for (const l of all.filter((x) => x.repeated))
    lines.push([name, l.name, 'skip', '', '', '', 'under a LIST/MAP (repeated): not read by hygge'].join('\t'));
  const cols = all.filter((x) => !x.repeated).map((l) => ({ ...l, kind: kindOf(l.el) }));
  if (cols.length === 0) continue;
  const d = await oneOracle(() => duckdb(con, path, cols));
  const h = await oneOracle(() => hyparquet(path, cols));
  cols.forEach((c, i) => {
    const a = d.ok && !d.res[i].err ? d.res[i] : null, b = h.ok ? h.res[i] : null;
    let status = 'ok', note = '';
    if (!a || !b) {
      status = 'fail';
      note = [!a ? 'duckdb: ' + (d.ok ? d.res[i].err : d.msg) : '', !b ? 'hyparquet: ' + h.msg : '']
        .filter(Boolean).join('; ');
      // what the other oracle alone says, for a human to compare
      const one = a ? ['duckdb', a] : b ? ['hyparquet', b] : null;
      if (one) note += `; ${one[0]} alone: ${one[1].rows}/${one[1].nonnull}/${one[1].md5}`;
    } else if (a.rows !== b.rows || a.nonnull !== b.nonnull || a.md5 !== b.md5) {
      status = 'disagree';
      note = `duckdb ${a.rows}/${a.nonnull}/${a.md5}, hyparquet ${b.rows}/${b.nonnull}/${b.md5}`;
      if (c.kind.k === 'decimal') note += ' (hyparquet gives decimals as 53-bit JS numbers)';
      if (c.kind.k === 'int96') note += ' (INT96 past 2262: see parquet.md section 8.1)';
    }
    const r = a ?? b ?? { rows: '', nonnull: '', md5: '' };
    lines.push([name, c.name, status, status === 'ok' ? r.rows : '', status === 'ok' ? r.nonnull : '',
      status === 'ok' ? r.md5 : '', note.replace(/[\t\n]/g, ' ')].join('\t'));
  });
}
writeFileSync(out, lines.join('\n') + '\n');
const count = (s) => lines.filter((l) => l.split('\t')[2] === s).length;
console.log(`${basename(out)}: ${count('ok')} ok, ${count('disagree')} disagree, ${count('fail')} fail, ${count('skip')} skip`);
