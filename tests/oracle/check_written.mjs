// Reads every Parquet file hygge's writer produced (tests/unit/
// test_pq_writer_oracle.c) with the four oracles -- DuckDB, Polars, hyparquet
// and parquet-wasm (arrow-rs) -- and compares each column's values and type
// with the expected JSON written next to the file.
//
// usage: node check_written.mjs DIR
//
// Canonical value text (the C side writes the same): integers, dates, times
// and timestamps as decimal integers in the unit written; booleans
// "true"/"false"; floats "NaN" or the hex of their IEEE bits; decimals as
// exact decimal text with `scale` fraction digits; strings as they are;
// binary, fixed binary and uuid as lower-case hex; null as null.
//
// Known oracle limits, compared at their precision (documented in
// docs/internals/parquet-writer.md):
//  - hyparquet turns decimals into JS numbers: compared to 1e-12 relative.
//  - DuckDB has no TIMESTAMP WITH TIME ZONE at nanoseconds: those columns
//    are compared at microseconds (DuckDB truncates toward zero).
import { createRequire } from 'node:module';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetReadObjects, parquetMetadata } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { tableFromIPC } from 'apache-arrow';

const require = createRequire(import.meta.url);
const pl = require('nodejs-polars');
const wasm = require('parquet-wasm/node');

const dir = process.argv[2];
const failures = [];
const fail = (msg) => { failures.push(msg); };

// ---- canonical forms ----

function floatHex(v, type) {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  if (Number.isNaN(n)) return 'NaN';
  const dv = new DataView(new ArrayBuffer(8));
  if (type === 'float32') {
    dv.setFloat32(0, n, true);
    return '0x' + dv.getUint32(0, true).toString(16).padStart(8, '0');
  }
  dv.setFloat64(0, n, true);
  return '0x' + dv.getBigUint64(0, true).toString(16).padStart(16, '0');
}

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function decimalText(unscaled, scale) {
  let s = BigInt(unscaled).toString();
  const neg = s.startsWith('-');
  if (neg) s = s.slice(1);
  if (scale > 0) {
    s = s.padStart(scale + 1, '0');
    s = s.slice(0, s.length - scale) + '.' + s.slice(s.length - scale);
  }
  return (neg ? '-' : '') + s;
}

const isTimeLike = (c) => c.type === 'time' || c.type === 'timestamp';

// ---- DuckDB ----

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();

// DuckDB has no TIMESTAMP WITH TIME ZONE at nanoseconds.
const duckMicros = (c) => c.unit === 'ns' && c.type === 'timestamp' && c.utc;

// "HH:MM:SS[.fraction]" in the unit written.
function timeText(text, unit) {
  const m = /^(\d+):(\d+):(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return `unparsed ${text}`;
  const digits = { ms: 3, us: 6, ns: 9 }[unit];
  const frac = (m[4] || '').padEnd(9, '0').slice(0, digits);
  const secs = BigInt(m[1]) * 3600n + BigInt(m[2]) * 60n + BigInt(m[3]);
  return String(secs * 10n ** BigInt(digits) + BigInt(frac || '0'));
}

function duckExpr(c) {
  const q = '"' + c.name + '"';
  switch (c.type) {
    case 'bool': return `CASE WHEN ${q} THEN 'true' WHEN NOT ${q} THEN 'false' END`;
    case 'float32': case 'float64': return q;
    case 'binary': case 'fixed_binary': return `lower(hex(${q}))`;
    case 'uuid': return `replace(${q}::VARCHAR, '-', '')`;
    case 'date': return `(${q} - DATE '1970-01-01')::VARCHAR`;
    case 'time': return `${q}::VARCHAR`; // "HH:MM:SS[.fraction]", parsed below
    case 'timestamp':
      return c.unit === 'ns' && !c.utc ? `epoch_ns(${q})::VARCHAR` : `epoch_us(${q})::VARCHAR`;
    case 'null': return 'NULL';
    default: return `${q}::VARCHAR`;
  }
}

function duckType(c) {
  const m = { bool: 'BOOLEAN', int8: 'TINYINT', int16: 'SMALLINT', int32: 'INTEGER', int64: 'BIGINT',
    uint8: 'UTINYINT', uint16: 'USMALLINT', uint32: 'UINTEGER', uint64: 'UBIGINT', float32: 'FLOAT',
    float64: 'DOUBLE', string: 'VARCHAR', binary: 'BLOB', fixed_binary: 'BLOB', uuid: 'UUID', date: 'DATE',
    time: 'TIME', duration: 'BIGINT', null: 'INTEGER' };
  if (c.type === 'time' && c.unit === 'ns') return 'TIME_NS';
  if (c.type === 'decimal') return `DECIMAL(${c.precision},${c.scale})`;
  if (c.type === 'timestamp') return c.utc ? 'TIMESTAMP WITH TIME ZONE' : c.unit === 'ns' ? 'TIMESTAMP_NS' : 'TIMESTAMP';
  return m[c.type];
}

async function readDuck(file, exp) {
  const f = file.replace(/'/g, "''");
  const desc = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${f}')`)).getRows();
  const types = Object.fromEntries(desc.map((r) => [r[0], r[1]]));
  const sel = exp.columns.map((c) => duckExpr(c)).join(', ');
  const out = {};
  if (exp.columns.length === 0) return { types, values: out };
  const rows = (await con.runAndReadAll(
    `SELECT ${sel} FROM read_parquet('${f}', file_row_number = true) ORDER BY file_row_number`)).getRows();
  exp.columns.forEach((c, i) => {
    out[c.name] = rows.map((r) => {
      const v = r[i];
      if (v === null) return null;
      if (c.type === 'float32' || c.type === 'float64') return floatHex(v, c.type);
      if (c.type === 'time') return timeText(String(v), c.unit);
      return String(v);
    });
  });
  return { types, values: out };
}

// ---- Polars ----

function polarsType(c) {
  const m = { bool: 'Bool', int8: 'Int8', int16: 'Int16', int32: 'Int32', int64: 'Int64', uint8: 'UInt8',
    uint16: 'UInt16', uint32: 'UInt32', uint64: 'UInt64', float32: 'Float32', float64: 'Float64',
    string: 'String', binary: 'Binary', fixed_binary: 'Binary', uuid: 'Binary', date: 'Date', time: 'Time',
    duration: 'Int64', null: 'Int32' };
  if (c.type === 'decimal') return `Decimal(${c.precision},${c.scale})`;
  if (c.type === 'timestamp') return `Datetime(${c.unit},${c.utc ? 'UTC' : ''})`;
  return m[c.type];
}

// nodejs-polars cannot even print a Binary dtype: its error names it.
function polarsDtype(s) {
  try {
    return String(s.dtype).replace(/^DataType\((.*)\)$/, '$1');
  } catch (e) {
    const m = /DataType (\w+) is not supported/.exec(e.message);
    if (m) return m[1];
    throw e;
  }
}

function readPolars(file, exp) {
  const types = {}, values = {};
  for (const c of exp.columns) {
    const s = pl.readParquet(file, { columns: [c.name] }).getColumn(c.name);
    types[c.name] = polarsDtype(s);
    let arr;
    switch (c.type) {
      case 'float32': case 'float64': arr = s.toArray().map((v) => floatHex(v, c.type)); break;
      case 'bool': arr = s.toArray().map((v) => (v === null ? null : String(v))); break;
      case 'binary': case 'fixed_binary': case 'uuid':
        arr = s.cast(pl.List(pl.UInt8)).toArray().map((v) => (v === null ? null : hex(v)));
        break;
      case 'time': {
        const div = c.unit === 'ms' ? 1000000n : c.unit === 'us' ? 1000n : 1n; // polars: ns
        arr = s.cast(pl.Int64).cast(pl.Utf8).toArray().map((v) => (v === null ? null : String(BigInt(v) / div)));
        break;
      }
      case 'date': arr = s.cast(pl.Int32).cast(pl.Utf8).toArray(); break;
      case 'timestamp': arr = s.cast(pl.Int64).cast(pl.Utf8).toArray(); break;
      default: arr = s.cast(pl.Utf8).toArray(); break;
    }
    values[c.name] = arr.map((v) => (v === undefined ? null : v));
  }
  return { types, values };
}

// ---- hyparquet ----

const rawParsers = {
  timestampFromMilliseconds: (v) => BigInt(v),
  timestampFromMicroseconds: (v) => BigInt(v),
  timestampFromNanoseconds: (v) => BigInt(v),
  dateFromDays: (v) => v,
};

function hyparquetType(el) {
  const lt = el.logical_type;
  if (!lt) return el.converted_type ? `${el.type}/${el.converted_type}` : el.type;
  let t = `${el.type}/${lt.type}`;
  if (lt.type === 'DECIMAL') t += `(${lt.precision},${lt.scale})`;
  if (lt.type === 'INTEGER') t += `(${lt.bitWidth},${lt.isSigned})`;
  if (lt.type === 'TIME' || lt.type === 'TIMESTAMP') t += `(${lt.unit},${lt.isAdjustedToUTC})`;
  return t;
}

function hyparquetExpected(c) {
  const phys = { bool: 'BOOLEAN', int8: 'INT32', int16: 'INT32', int32: 'INT32', int64: 'INT64', uint8: 'INT32',
    uint16: 'INT32', uint32: 'INT32', uint64: 'INT64', float32: 'FLOAT', float64: 'DOUBLE', string: 'BYTE_ARRAY',
    binary: 'BYTE_ARRAY', fixed_binary: 'FIXED_LEN_BYTE_ARRAY', uuid: 'FIXED_LEN_BYTE_ARRAY', date: 'INT32',
    duration: 'INT64', null: 'INT32' };
  const bits = { int8: 8, int16: 16, uint8: 8, uint16: 16, uint32: 32, uint64: 64 };
  const unit = { ms: 'MILLIS', us: 'MICROS', ns: 'NANOS' }[c.unit];
  switch (c.type) {
    case 'int8': case 'int16': case 'uint8': case 'uint16': case 'uint32': case 'uint64':
      return `${phys[c.type]}/INTEGER(${bits[c.type]},${c.type.startsWith('int')})`;
    case 'string': return 'BYTE_ARRAY/STRING';
    case 'uuid': return 'FIXED_LEN_BYTE_ARRAY/UUID';
    case 'date': return 'INT32/DATE';
    case 'null': return 'INT32/NULL'; // hyparquet's name for UNKNOWN
    case 'decimal': {
      const p = c.precision <= 9 ? 'INT32' : c.precision <= 18 ? 'INT64' : 'FIXED_LEN_BYTE_ARRAY';
      return `${p}/DECIMAL(${c.precision},${c.scale})`;
    }
    case 'time': return `${c.unit === 'ms' ? 'INT32' : 'INT64'}/TIME(${unit},false)`;
    case 'timestamp': return `INT64/TIMESTAMP(${unit},${c.utc})`;
    default: return phys[c.type];
  }
}

async function readHyparquet(file, exp) {
  const bytes = readFileSync(file);
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const md = parquetMetadata(buf);
  const types = {};
  for (const el of md.schema.slice(1)) types[el.name] = hyparquetType(el);
  const rows = await parquetReadObjects({ file: buf, compressors, utf8: false, parsers: rawParsers });
  const values = {};
  for (const c of exp.columns) {
    values[c.name] = rows.map((r) => {
      const v = r[c.name];
      if (v === null || v === undefined) return null;
      switch (c.type) {
        case 'float32': case 'float64': return floatHex(v, c.type);
        case 'binary': case 'fixed_binary': return hex(v);
        case 'uuid': return String(v).replace(/-/g, '');
        case 'decimal': return v; // a JS number: compared approximately
        default: return String(v);
      }
    });
  }
  if (rows.length !== exp.rows) fail(`${exp.file}: hyparquet: ${rows.length} rows, expected ${exp.rows}`);
  return { types, values };
}

// ---- parquet-wasm (arrow-rs) + apache-arrow ----

function arrowType(c) {
  const m = { bool: 'Bool', int8: 'Int8', int16: 'Int16', int32: 'Int32', int64: 'Int64', uint8: 'Uint8',
    uint16: 'Uint16', uint32: 'Uint32', uint64: 'Uint64', float32: 'Float32', float64: 'Float64',
    string: 'Utf8', binary: 'Binary', uuid: 'FixedSizeBinary[16]', date: 'Date32<DAY>', duration: 'Int64',
    null: 'Null' };
  const unit = { ms: 'MILLISECOND', us: 'MICROSECOND', ns: 'NANOSECOND' }[c.unit];
  switch (c.type) {
    case 'decimal': return `Decimal(${c.precision},${c.scale})`;
    case 'fixed_binary': return `FixedSizeBinary[${c.width}]`;
    case 'time': return c.unit === 'ms' ? 'Time32<MILLISECOND>' : `Time64<${unit}>`;
    case 'timestamp': return `Timestamp<${unit}${c.utc ? ', UTC' : ''}>`;
    default: return m[c.type];
  }
}

// Raw values of one column, chunk by chunk: integers stay exact.
function arrowRaw(vec, f) {
  const out = [];
  for (const d of vec.data) {
    for (let i = 0; i < d.length; i++) {
      if (d.nullCount > 0 && !d.getValid(i)) { out.push(null); continue; }
      out.push(f(d, i));
    }
  }
  return out;
}

function readArrow(file, exp) {
  const bytes = readFileSync(file);
  const t = tableFromIPC(wasm.readParquet(new Uint8Array(bytes)).intoIPCStream());
  const types = {}, values = {};
  for (const field of t.schema.fields) {
    const ty = field.type;
    types[field.name] = ty.typeId === 7 /* Decimal */ ? `Decimal(${ty.precision},${ty.scale})` : String(ty);
  }
  for (const c of exp.columns) {
    const vec = t.getChild(c.name);
    let f;
    switch (c.type) {
      case 'float32': case 'float64': f = (d, i) => floatHex(d.values[d.offset + i], c.type); break;
      case 'bool': f = (d, i) => String(vec.type && d.values ? Boolean((d.values[(d.offset + i) >> 3] >> ((d.offset + i) & 7)) & 1) : null); break;
      case 'binary': case 'string': {
        f = (d, i) => {
          const a = d.valueOffsets[d.offset + i], b = d.valueOffsets[d.offset + i + 1];
          const v = d.values.subarray(Number(a), Number(b));
          return c.type === 'string' ? new TextDecoder().decode(v) : hex(v);
        };
        break;
      }
      case 'fixed_binary': case 'uuid': {
        const w = c.type === 'uuid' ? 16 : c.width;
        f = (d, i) => hex(d.values.subarray((d.offset + i) * w, (d.offset + i + 1) * w));
        break;
      }
      case 'decimal': {
        // 128-bit little-endian two's complement words
        f = (d, i) => {
          const w = d.values.subarray((d.offset + i) * 4, (d.offset + i + 1) * 4);
          let u = 0n;
          for (let k = 3; k >= 0; k--) u = (u << 32n) | BigInt(w[k] >>> 0);
          if (u >= 1n << 127n) u -= 1n << 128n;
          return decimalText(u, c.scale);
        };
        break;
      }
      case 'null': f = () => null; break;
      default: f = (d, i) => String(d.values[d.offset + i]); break;
    }
    values[c.name] = vec === null ? [] : arrowRaw(vec, f);
  }
  if (t.numRows !== exp.rows) fail(`${exp.file}: parquet-wasm: ${t.numRows} rows, expected ${exp.rows}`);
  return { types, values };
}

// ---- comparison ----

function adjustExpected(oracle, c, v) {
  if (v === null) return null;
  if (oracle === 'duckdb' && duckMicros(c)) {
    return String(BigInt(v) / 1000n); // DuckDB truncates toward zero
  }
  return v;
}

function compare(oracle, exp, got) {
  let bad = 0;
  const wantTypes = { duckdb: duckType, polars: polarsType, hyparquet: hyparquetExpected, 'parquet-wasm': arrowType };
  for (const c of exp.columns) {
    const wt = wantTypes[oracle](c), gt = got.types[c.name];
    if (wt !== gt) {
      fail(`${exp.file}: ${oracle}: column ${c.name}: type ${gt}, expected ${wt}`);
      bad++;
    }
    const vals = got.values[c.name] || [];
    if (vals.length !== exp.rows) {
      fail(`${exp.file}: ${oracle}: column ${c.name}: ${vals.length} values, expected ${exp.rows}`);
      bad++;
      continue;
    }
    for (let i = 0; i < exp.rows; i++) {
      const want = adjustExpected(oracle, c, c.values[i]), g = vals[i];
      let ok;
      if (oracle === 'hyparquet' && c.type === 'decimal' && want !== null && g !== null)
        ok = Math.abs(Number(want) - g) <= 1e-12 * Math.max(1, Math.abs(Number(want)));
      else
        ok = want === g;
      if (!ok) {
        fail(`${exp.file}: ${oracle}: column ${c.name} row ${i}: got ${JSON.stringify(String(g))}, expected ${JSON.stringify(want)}`);
        if (++bad > 5) return bad;
      }
    }
  }
  return bad;
}

const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
if (files.length === 0) {
  console.error(`no expected files in ${dir}`);
  process.exit(1);
}
const oracles = {
  duckdb: readDuck,
  polars: readPolars,
  hyparquet: readHyparquet,
  'parquet-wasm': readArrow,
};
for (const name of files) {
  const exp = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  const file = join(dir, exp.file);
  const summary = [];
  for (const [oracle, read] of Object.entries(oracles)) {
    try {
      const got = await read(file, exp);
      const bad = compare(oracle, exp, got);
      summary.push(`${oracle} ${bad === 0 ? 'ok' : 'MISMATCH'}`);
    } catch (e) {
      fail(`${exp.file}: ${oracle}: ${e.message}`);
      summary.push(`${oracle} ERROR`);
    }
  }
  console.log(`${exp.file} (${exp.rows} rows, ${exp.columns.length} columns): ${summary.join(', ')}`);
}
if (failures.length > 0) {
  for (const f of failures.slice(0, 60)) console.error(f);
  console.error(`${failures.length} failure(s)`);
  process.exit(1);
}
console.log(`all ${files.length} files agree with all four oracles`);
