/* Private header of the text formats module (CSV, NDJSON): the block source
 * both readers pull bytes from, value parsing and inference shared by both,
 * and the scalar rendering both writers use. */
#ifndef HYGGE_FMT_INT_H
#define HYGGE_FMT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hygge/batch.h"
#include "hygge/buffer.h"
#include "hygge/formats.h"
#include "hygge/status.h"
#include "hygge/types.h"

/* A scratch error made ready for hy_error_set without zeroing its 1 KiB
 * message (`= {0}` per value was most of the cost of parsing a CSV cell). */
static inline void hy__error_clear(struct hy_error *e)
{
	e->code = 0;
	e->sys_errno = 0;
	e->msg[0] = 0;
}

/* Bytes of a bad value quoted back in an error message. */
#define HY__QUOTE_MAX 64

/* ---- byte source: a file read in blocks, or memory handed out in blocks ---- */

struct hy__src {
	int fd;             /* -1 for memory */
	const uint8_t *mem; /* memory source (borrowed) */
	size_t mem_size;
	size_t mem_pos;
	uint8_t *block; /* file source: block_size bytes */
	size_t block_size;
	const uint8_t *buf; /* current block */
	size_t len;         /* bytes in buf */
	size_t pos;         /* next byte in buf */
	bool eof;
	char *name; /* for messages */
	/* Window mode (hy__src_more): unconsumed bytes kept contiguous. */
	uint8_t *win;
	size_t win_cap;
	bool drained; /* the file/memory has handed out its last byte */
};

int hy__src_open_path(struct hy__src *s, const char *path, size_t block_size,
		      struct hy_error *err) HY_WUR;
int hy__src_open_mem(struct hy__src *s, const void *data, size_t size, const char *name,
		     size_t block_size, struct hy_error *err) HY_WUR;
/* Refills buf when pos == len; at the end sets eof (and len = pos = 0). */
int hy__src_fill(struct hy__src *s, struct hy_error *err) HY_WUR;
/* Window mode, for readers that want whole records in one piece: keeps the
 * unconsumed bytes [pos, len) and appends more until at least `want` bytes
 * are unconsumed or the input is drained (s->drained). buf then points into
 * an owned window that grows as needed. Mixes freely with hy__src_fill (which
 * is only called once the window is consumed). */
int hy__src_more(struct hy__src *s, size_t want, struct hy_error *err) HY_WUR;
int hy__src_rewind(struct hy__src *s, struct hy_error *err) HY_WUR;
void hy__src_close(struct hy__src *s);

/* ---- value parsing ---- */

bool hy__parse_i64(const char *p, size_t n, int64_t *out);
bool hy__parse_u64(const char *p, size_t n, uint64_t *out);
/* Decimal text (digits, '.', exponent) or nan/inf/infinity (any case, signed). */
bool hy__parse_f64(const char *p, size_t n, double *out);
/* true/false in any case. */
bool hy__parse_bool(const char *p, size_t n, bool *out);
/* "[-+]digits[.digits]" into an unscaled value of `scale`; more fractional
 * digits than the scale are accepted only when they are zeros. */
bool hy__parse_decimal(const char *p, size_t n, int precision, int scale, hy_i128 *out);
bool hy__utf8_valid(const char *p, size_t n);

/* A timestamp of type `t` (unit, zone) from ISO text; false when it does not parse. */
bool hy__parse_timestamp(const struct hy_dtype *t, const char *p, size_t n, int64_t *out);
/* HY_EFORMAT "cannot read '<value>' as <type>" (what hy__append_text reports). */
int hy__cannot_read(struct hy_error *err, const struct hy_dtype *t, const char *p, size_t n);
/* Appends text `p[0..n)` as a value of the builder's type. HY_EFORMAT with
 * "cannot read '<value>' as <type>" when it does not parse. */
int hy__append_text(struct hy_builder *b, const char *p, size_t n, struct hy_error *err) HY_WUR;
/* Types hy__append_text can produce; HY_EUNSUPPORTED naming the column otherwise. */
int hy__check_text_type(const char *column, const struct hy_dtype *type,
			struct hy_error *err) HY_WUR;

/* ---- inference: a set of candidate kinds per column, narrowed per value ---- */

enum {
	HY__K_BOOL = 1u << 0,
	HY__K_INT = 1u << 1,
	HY__K_FLOAT = 1u << 2,
	HY__K_DATE = 1u << 3,
	HY__K_TSN = 1u << 4, /* naive timestamp */
	HY__K_TSZ = 1u << 5, /* timestamp with offset */
	HY__K_ALL = (1u << 6) - 1,
};

/* The kinds of `cand` the text fits. */
unsigned hy__text_kinds(const char *p, size_t n, unsigned cand);
/* Narrowest type of the candidates left; string when none (or nothing seen). */
struct hy_dtype hy__kinds_type(unsigned cand, bool seen);

/* Looks a column up in the overrides; 1 with *type set, 0 when absent, -1
 * on a bad type name (err set). */
int hy__override_find(const struct hy_fmt_override *ov, size_t n, const char *column,
		      struct hy_dtype *type, struct hy_error *err);
/* Every override must name a column of `names`; HY_ECONFIG otherwise. */
int hy__overrides_check(const struct hy_fmt_override *ov, size_t n, char *const *names,
			size_t ncols, struct hy_error *err) HY_WUR;

/* ---- rendering ---- */

#define HY__SCALAR_MAX 96

/* Shortest text that reads back as `v` ("1.0" for integral values, NaN,
 * inf, -inf). Returns the length. */
size_t hy__fmt_f64(double v, char out[HY__SCALAR_MAX]);
/* Text of row `row` of a non-null value of a fixed-width type (everything
 * but string, binary and fixed binary). */
int hy__fmt_scalar(const struct hy_column *col, int64_t row, char out[HY__SCALAR_MAX], size_t *len,
		   struct hy_error *err) HY_WUR;
/* Lower-case hex of `n` bytes. */
int hy__fmt_hex(struct hy_buf *out, const uint8_t *p, size_t n, struct hy_error *err) HY_WUR;

/* Buffered writer over an fd. */
struct hy__sink {
	int fd;
	bool own_fd;
	struct hy_buf buf;
	char *name;
};

int hy__sink_open(struct hy__sink *s, int fd, const char *path, struct hy_error *err) HY_WUR;
int hy__sink_flush(struct hy__sink *s, struct hy_error *err) HY_WUR;
/* Flushes when the buffer is past its threshold. */
int hy__sink_maybe_flush(struct hy__sink *s, struct hy_error *err) HY_WUR;
void hy__sink_close(struct hy__sink *s);

/* ---- NDJSON: one object per line (ndjson_scan.c) ---- */

enum hy__json_kind {
	HY__J_NULL,
	HY__J_BOOL,
	HY__J_INT,    /* integer that fits int64 */
	HY__J_BIGINT, /* integer that does not */
	HY__J_REAL,
	HY__J_STR,
	HY__J_NESTED, /* object or array: its exact text */
};

/* Spans are offsets into the line, or into `unesc` when *_in_buf (a string
 * that had escapes, unescaped); resolve with hy__json_key/_value. */
struct hy__json_member {
	size_t key_off, key_len;
	size_t val_off, val_len;
	bool key_in_buf, val_in_buf;
	enum hy__json_kind kind;
};

/* Reused from line to line. */
struct hy__json_obj {
	const char *line;
	struct hy__json_member *members;
	size_t n, cap;
	struct hy_buf unesc;
};

void hy__json_obj_init(struct hy__json_obj *obj, size_t max_bytes);
void hy__json_obj_reset(struct hy__json_obj *obj);
/* Scans `line` (UTF-8, exactly one object and white space). HY_EFORMAT
 * "malformed JSON at column N: expected ..., found ..." otherwise. */
int hy__json_scan_object(struct hy__json_obj *obj, const char *line, size_t n,
			 struct hy_error *err) HY_WUR;
struct hy_str hy__json_key(const struct hy__json_obj *obj, const struct hy__json_member *m);
/* Strings: the unescaped text; everything else: the text as written. */
struct hy_str hy__json_value(const struct hy__json_obj *obj, const struct hy__json_member *m);

/* ---- CSV reader internals (csv_reader.c, csv_infer.c) ---- */

struct hy__csv_field {
	size_t off; /* into the row buffer */
	size_t len;
	bool quoted;
};

enum hy__csv_state { HY__CSV_START, HY__CSV_UNQ, HY__CSV_Q, HY__CSV_QQ };

struct hy_csv_reader {
	struct hy__src src;
	char sep, quote;
	bool has_header;
	size_t max_field;
	long infer_rows;
	char **null_values; /* owned copies */
	size_t n_null;
	struct hy_fmt_override *ov; /* owned copies */
	size_t n_ov;
	/* parser */
	struct hy_buf row; /* the current row's field bytes */
	struct hy__csv_field *fields;
	size_t nfields, fields_cap;
	int64_t line, col;   /* position of the next byte (1-based) */
	int64_t row_line;    /* line the current row starts on */
	int64_t qline, qcol; /* where the open quote of the current field is */
	int bom;             /* BOM bytes matched so far; 3 = done */
	bool skip_lf;        /* a CR ended the last row */
	bool blank_is_row;   /* one column: a blank line is a null, not nothing */
	/* reading */
	struct hy_schema *schema;
	size_t ncols;
	struct hy_builder **builders;
	int failed; /* sticky status after an error */
	bool at_end;
	/* fast path (csv_fast.c) */
	struct hy_pool *pool; /* borrowed; NULL = one thread */
	size_t max_row;       /* format_options.max_row_bytes */
	size_t *null_lens;    /* strlen of each null_values entry */
	struct hy__csv_span *spans;
	size_t spans_cap;
	struct hy__csv_slot *slots; /* one per slice of a window */
	size_t nslots;
	/* A full batch's size, to reserve the next one at once (no doubling). */
	int64_t hint_rows;
	int64_t *hint_bytes; /* string bytes per column */
};

/* One record found by the boundary pass: bytes [start, end) of the window
 * (without its line break), the line it starts on, whether it holds a quote. */
struct hy__csv_span {
	size_t start, end;
	int64_t line;
	bool quoted;
};

/* Parses one slice of the current window's records into its column sinks,
 * appended to the reader's builders in slice order. */
struct hy__csv_sink;
struct hy__csv_slot {
	struct hy__csv_sink *sinks; /* one per column */
	struct hy_buf unq;          /* a quoted field's bytes, unescaped */
	const struct hy_csv_reader *r;
	const uint8_t *base;
	const struct hy__csv_span *spans;
	size_t n;
	size_t bad; /* index of a record the row reader must redo; n when none */
	int rc;     /* a value that did not parse (err says which); 0 = none */
	struct hy_error err;
};

/* Appends up to `max_rows` records to r->builders, as many as whole records
 * in the window allow (at least one unless at the end), by the fast path and
 * the row reader for what the fast path leaves. *added = records appended;
 * 0 means the end of the input. */
int hy__csv_fast_rows(struct hy_csv_reader *r, int64_t max_rows, int64_t *added,
		      struct hy_error *err) HY_WUR;
/* Appends the current row (r->fields) to r->builders. */
int hy__csv_append_row(struct hy_csv_reader *r, struct hy_error *err) HY_WUR;
/* The error of a value that did not go into column i of the row on `line`. */
int hy__csv_value_error(const struct hy_csv_reader *r, int64_t line, size_t i, int rc,
			const struct hy_error *cause, struct hy_error *err);
void hy__csv_fast_free(struct hy_csv_reader *r);

/* Bytes of a field of the current row (the row buffer may never have been
 * allocated when every field so far is empty). */
static inline const char *hy__csv_field_ptr(const struct hy_csv_reader *r,
					    const struct hy__csv_field *f)
{
	return r->row.data != NULL ? (const char *)r->row.data + f->off : "";
}

/* Allocates the reader and copies the options; no file yet. */
int hy__csv_reader_new(struct hy_csv_reader **out, const struct hy_csv_options *opts,
		       struct hy_error *err) HY_WUR;
/* Back to byte 0 with line 1. */
int hy__csv_restart(struct hy_csv_reader *r, struct hy_error *err) HY_WUR;
/* Parses the next non-blank row into r->fields; *got false at the end. */
int hy__csv_read_row(struct hy_csv_reader *r, bool *got, struct hy_error *err) HY_WUR;
bool hy__csv_is_null(const struct hy_csv_reader *r, const struct hy__csv_field *f);
/* Column names from the current row (header) or column_1..N; made unique. */
int hy__csv_names(const struct hy_csv_reader *r, bool from_row, char ***names,
		  struct hy_error *err) HY_WUR;
void hy__csv_names_free(char **names, size_t n);
/* Sampling and inference; the reader must be at its start. */
struct hy__csv_infer {
	size_t ncols;
	char **names;
	unsigned *cand;
	bool *seen;
	long rows;
};
int hy__csv_sample(struct hy_csv_reader *r, struct hy__csv_infer *inf, struct hy_error *err) HY_WUR;
int hy__csv_infer_schema(const struct hy_csv_reader *r, const struct hy__csv_infer *inf,
			 struct hy_schema **out, struct hy_error *err) HY_WUR;
void hy__csv_infer_reset(struct hy__csv_infer *inf);

#endif /* HYGGE_FMT_INT_H */
