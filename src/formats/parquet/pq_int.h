/* Private header of the parquet module: the Thrift compact protocol decoder
 * and encoder, and helpers shared by pq_*.c. Not installed. */
#ifndef HYGGE_PQ_INT_H
#define HYGGE_PQ_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hygge/buffer.h"
#include "hygge/parquet.h"
#include "hygge/status.h"
#include "hygge/types.h"
#include "pq_codec.h"
#include "pq_encoding.h"

/* hy_error_set() that visibly yields `code`, so static analysis knows a
 * failure path never returns 0. */
#define HY__PQ_FAIL(err, code, ...) (hy_error_set((err), (code), __VA_ARGS__), (code))

/* Nesting of structs, lists and maps the decoder follows (also when skipping). */
#define HY_PQ_THRIFT_MAX_DEPTH 64

/* Compact-protocol wire types (the low nibble of a field header). */
enum hy__pq_ttype {
	HY__PQ_T_STOP = 0,
	HY__PQ_T_TRUE = 1, /* bool: the value lives in the field header */
	HY__PQ_T_FALSE = 2,
	HY__PQ_T_I8 = 3,
	HY__PQ_T_I16 = 4,
	HY__PQ_T_I32 = 5,
	HY__PQ_T_I64 = 6,
	HY__PQ_T_DOUBLE = 7,
	HY__PQ_T_BINARY = 8,
	HY__PQ_T_LIST = 9,
	HY__PQ_T_SET = 10,
	HY__PQ_T_MAP = 11,
	HY__PQ_T_STRUCT = 12,
};

/* The field being read in one struct. Lives on the stack of the function
 * decoding the struct; the decoder points at the innermost one so that an
 * error can say "field 4 of ColumnMetaData". */
struct hy__pq_field {
	const char *sname; /* struct name for messages */
	int16_t last_id;   /* for delta ids */
	int16_t id;        /* current field id */
	uint8_t type;      /* current wire type (HY__PQ_T_STOP at the end) */
	uint64_t seen;     /* bit i: field i (< 64) was read with the expected type */
	struct hy__pq_field *outer;
};

/* A decoder over a borrowed byte range. */
struct hy__pq_tdec {
	const uint8_t *buf;
	size_t len;
	size_t pos;
	int depth;
	struct hy__pq_field *cur; /* innermost struct being decoded, or NULL */
	int failed;               /* the first error's status, 0 while none */
	struct hy_error *err;
};

void hy__pq_tdec_init(struct hy__pq_tdec *d, const void *buf, size_t len, struct hy_error *err);
/* Records an error "thrift: field <id> of <Struct>: <message> (byte <pos>)". */
int hy__pq_tfail(struct hy__pq_tdec *d, int code, const char *fmt, ...) HY_PRINTF(3, 4);

/* Values (no field header). */
int hy__pq_read_varint(struct hy__pq_tdec *d, uint64_t *out) HY_WUR;
int hy__pq_read_i8(struct hy__pq_tdec *d, int8_t *out) HY_WUR;
int hy__pq_read_i16(struct hy__pq_tdec *d, int16_t *out) HY_WUR;
int hy__pq_read_i32(struct hy__pq_tdec *d, int32_t *out) HY_WUR;
int hy__pq_read_i64(struct hy__pq_tdec *d, int64_t *out) HY_WUR;
int hy__pq_read_double(struct hy__pq_tdec *d, double *out) HY_WUR;
/* A borrowed pointer into the decoder's buffer; the length was checked
 * against the bytes left. */
int hy__pq_read_binary(struct hy__pq_tdec *d, const uint8_t **ptr, size_t *len) HY_WUR;
/* A list or set header; *count was checked against the bytes left. */
int hy__pq_read_list_header(struct hy__pq_tdec *d, uint8_t *elem_type, uint32_t *count) HY_WUR;
/* A bool list element: 1 is true, anything else false. */
int hy__pq_read_bool_elem(struct hy__pq_tdec *d, bool *out) HY_WUR;
/* Skips one value of wire type `type`, recursively, under the depth cap. */
int hy__pq_skip(struct hy__pq_tdec *d, uint8_t type) HY_WUR;

/* Structs: begin, then next-field until f->type == HY__PQ_T_STOP, then end. */
int hy__pq_struct_begin(struct hy__pq_tdec *d, struct hy__pq_field *f, const char *sname) HY_WUR;
int hy__pq_field_next(struct hy__pq_tdec *d, struct hy__pq_field *f) HY_WUR;
void hy__pq_struct_end(struct hy__pq_tdec *d, struct hy__pq_field *f);
/* Fails with "missing required field <id> (<name>)" for the first bit of
 * `mask` not in f->seen; `names` is indexed by field id. Call before end. */
int hy__pq_struct_require(struct hy__pq_tdec *d, struct hy__pq_field *f, uint64_t mask,
			  const char *const *names, size_t num_names) HY_WUR;

/* Typed field readers: when the wire type matches, the value is read and the
 * field marked seen; when it does not (a writer bug seen in the wild), the
 * value is skipped, *out untouched and the field stays unseen. */
int hy__pq_get_bool(struct hy__pq_tdec *d, struct hy__pq_field *f, bool *out) HY_WUR;
int hy__pq_get_i8(struct hy__pq_tdec *d, struct hy__pq_field *f, int8_t *out) HY_WUR;
int hy__pq_get_i16(struct hy__pq_tdec *d, struct hy__pq_field *f, int16_t *out) HY_WUR;
int hy__pq_get_i32(struct hy__pq_tdec *d, struct hy__pq_field *f, int32_t *out) HY_WUR;
int hy__pq_get_i64(struct hy__pq_tdec *d, struct hy__pq_field *f, int64_t *out) HY_WUR;
int hy__pq_get_double(struct hy__pq_tdec *d, struct hy__pq_field *f, double *out) HY_WUR;
int hy__pq_get_binary(struct hy__pq_tdec *d, struct hy__pq_field *f, const uint8_t **ptr,
		      size_t *len) HY_WUR;
/* For struct fields: *ok is true when the wire type is a struct (then the
 * caller decodes it and may mark it seen); otherwise the value was skipped. */
int hy__pq_get_struct(struct hy__pq_tdec *d, struct hy__pq_field *f, bool *ok) HY_WUR;
/* For list fields: reads the header. *ok is false when the field is not a
 * list/set or its elements are not of `elem_type` (then it was skipped);
 * an empty list is accepted whatever element type it names. */
int hy__pq_get_list(struct hy__pq_tdec *d, struct hy__pq_field *f, uint8_t elem_type,
		    uint32_t *count, bool *ok) HY_WUR;
void hy__pq_mark_seen(struct hy__pq_field *f);

/* Encoder into a capped buffer. Fields are written with the short delta form
 * when the id grows by 1..15, the long form otherwise; bools live in the
 * field header; every struct ends with a STOP byte. */
struct hy__pq_tenc {
	struct hy_buf *out;
	int16_t last_id[HY_PQ_THRIFT_MAX_DEPTH];
	int depth;
	struct hy_error *err;
};

void hy__pq_tenc_init(struct hy__pq_tenc *e, struct hy_buf *out, struct hy_error *err);
int hy__pq_tenc_varint(struct hy__pq_tenc *e, uint64_t v) HY_WUR;
int hy__pq_tenc_field(struct hy__pq_tenc *e, uint8_t type, int16_t id) HY_WUR;
/* Opens a struct without a field header (the top level or a list element). */
int hy__pq_tenc_begin(struct hy__pq_tenc *e) HY_WUR;
/* Opens a struct as field `id`. */
int hy__pq_tenc_struct(struct hy__pq_tenc *e, int16_t id) HY_WUR;
int hy__pq_tenc_end(struct hy__pq_tenc *e) HY_WUR;
int hy__pq_tenc_bool(struct hy__pq_tenc *e, int16_t id, bool v) HY_WUR;
int hy__pq_tenc_i8(struct hy__pq_tenc *e, int16_t id, int8_t v) HY_WUR;
int hy__pq_tenc_i16(struct hy__pq_tenc *e, int16_t id, int16_t v) HY_WUR;
int hy__pq_tenc_i32(struct hy__pq_tenc *e, int16_t id, int32_t v) HY_WUR;
int hy__pq_tenc_i64(struct hy__pq_tenc *e, int16_t id, int64_t v) HY_WUR;
int hy__pq_tenc_double(struct hy__pq_tenc *e, int16_t id, double v) HY_WUR;
int hy__pq_tenc_binary(struct hy__pq_tenc *e, int16_t id, const void *p, size_t len) HY_WUR;
/* A list field header; then write `count` elements with the _elem_ calls or
 * hy__pq_tenc_begin()/end() for struct elements. */
int hy__pq_tenc_list(struct hy__pq_tenc *e, int16_t id, uint8_t elem_type, uint32_t count) HY_WUR;
int hy__pq_tenc_elem_i32(struct hy__pq_tenc *e, int32_t v) HY_WUR;
int hy__pq_tenc_elem_i64(struct hy__pq_tenc *e, int64_t v) HY_WUR;
int hy__pq_tenc_elem_bool(struct hy__pq_tenc *e, bool v) HY_WUR;
int hy__pq_tenc_elem_binary(struct hy__pq_tenc *e, const void *p, size_t len) HY_WUR;

/* pq_meta.c: zeroed arrays and byte copies charged to md->mem_used, which
 * is capped by HY_PQ_MAX_METADATA_MEMORY (HY_ELIMIT). count 0 gives NULL. */
int hy__pq_md_calloc(struct hy_pq_metadata *md, size_t count, size_t size, void **out,
		     struct hy_error *err) HY_WUR;
int hy__pq_md_bytes(struct hy_pq_metadata *md, const void *p, size_t len, struct hy_pq_bytes *out,
		    struct hy_error *err) HY_WUR;

#define HY__PQ_ENCRYPTED_MSG "encrypted Parquet is not supported"

/* hy_pq_metadata_parse(), and with refuse_encrypted a plaintext-footer
 * encrypted file fails with HY_EUNSUPPORTED before its schema is looked at. */
int hy__pq_metadata_decode(const void *footer, size_t len, bool refuse_encrypted,
			   struct hy_pq_metadata **out, struct hy_error *err) HY_WUR;

/* pq_page.c: the writer's side of hy_pq_page_header_decode(). */
int hy__pq_page_header_encode(struct hy__pq_tenc *e, const struct hy_pq_page_header *h) HY_WUR;

/* pq_pages.c: the pages of one column chunk, decompressed, with data pages
 * split into levels and values. */
struct hy__pq_page {
	struct hy_pq_page_header header;
	int encoding;          /* of the values (PLAIN for a dictionary page) */
	uint32_t num_levels;   /* level entries (dictionary: entries) */
	uint32_t num_present;  /* values encoded: entries whose def level is the maximum */
	int16_t *def_levels;   /* num_levels entries; NULL when the column has none */
	int16_t *rep_levels;   /* likewise */
	const uint8_t *values; /* the values section, decompressed */
	size_t values_len;
};

struct hy__pq_pages {
	const struct hy_pq_source *src;
	uint64_t pos, end; /* next page header, end of the chunk */
	int codec;
	int max_def, max_rep;
	bool has_offset_index;
	bool verify_crc; /* off by default, as in parquet-java */
	bool data_seen, dict_seen;
	/* PARQUET-816: the range of a chunk by an old parquet-mr was padded;
	 * the pages then end when the chunk's num_values were seen */
	bool padded;
	int64_t values_left;
	uint32_t page_index;
	struct hy_buf header, raw, plain, levels, tmp; /* reused scratch, capped */
};

/* Reader-owned buffers; close with hy__pq_pages_close() (also after a failed open). */
int hy__pq_pages_open(struct hy__pq_pages *pr, const struct hy_pq_source *src,
		      const struct hy_pq_metadata *md, size_t row_group, size_t column,
		      struct hy_error *err) HY_WUR;
/* The next dictionary or data page (index and unknown pages are skipped);
 * *eof at the end of the chunk. The page borrows the reader's buffers until
 * the next call. */
int hy__pq_pages_next(struct hy__pq_pages *pr, struct hy__pq_page *pg, bool *eof,
		      struct hy_error *err) HY_WUR;
/* The next chunk with the same (already opened or reopened) reader, keeping
 * its scratch so that pages of later chunks reuse memory that is already
 * mapped (fresh pages cost a fault and a clear each; the reader reads chunk
 * after chunk of one column). Close once at the end. */
int hy__pq_pages_reopen(struct hy__pq_pages *pr, const struct hy_pq_source *src,
			const struct hy_pq_metadata *md, size_t row_group, size_t column,
			struct hy_error *err) HY_WUR;
void hy__pq_pages_close(struct hy__pq_pages *pr);

/* pq_types.c: how the reader turns physical values into the storage of the
 * leaf's hygge type. */
enum hy__pq_conv {
	HY__PQ_CV_NULL,     /* UNKNOWN logical type: every row null, nothing decoded */
	HY__PQ_CV_BOOL,     /* one byte 0/1 per value while decoding, bits at the end */
	HY__PQ_CV_COPY,     /* the physical bytes are the storage (INT32/INT64/FLOAT/DOUBLE/FLBA) */
	HY__PQ_CV_I32_I8,   /* INT(8, true) narrowed, range-checked */
	HY__PQ_CV_I32_I16,  /* INT(16, true) */
	HY__PQ_CV_I32_U8,   /* INT(8, false) */
	HY__PQ_CV_I32_U16,  /* INT(16, false) */
	HY__PQ_CV_I32_I64,  /* INT32 decimal -> int64 storage */
	HY__PQ_CV_I32_I128, /* INT32 decimal declared wider than 18 digits */
	HY__PQ_CV_I64_I128, /* INT64 decimal declared wider than 18 digits */
	HY__PQ_CV_INT96,    /* INT96 -> int64 microseconds since the epoch */
	HY__PQ_CV_F16,      /* FLBA(2) half float -> float32 */
	HY__PQ_CV_DEC64,    /* big-endian two's complement (FLBA / BYTE_ARRAY) -> int64 */
	HY__PQ_CV_DEC128,   /* the same -> int128 */
	HY__PQ_CV_BYTES,    /* BYTE_ARRAY -> string/binary (offsets + data) */
};

/* hy_pq_leaf_dtype() and the conversion (enum hy__pq_conv) to use. */
int hy__pq_leaf_map(const struct hy_pq_metadata *md, size_t leaf, struct hy_dtype *out, int *conv,
		    char *note, size_t note_size, struct hy_error *err) HY_WUR;

/* pq_schema.c: builds md->leaves and md->row_count and checks the row groups
 * against the schema. */
int hy__pq_schema_build(struct hy_pq_metadata *md, struct hy_error *err) HY_WUR;

/* Between chunks, scratch is kept for the next row group (kept memory is
 * mapped already; fresh pages cost a fault and a clear each) unless it grew
 * past what a usual chunk needs: a rare huge page should not pin its memory
 * for the rest of the file. */
#define HY__PQ_KEEP_SCRATCH ((size_t)16 << 20)

static inline void hy__pq_trim_scratch(struct hy_buf *b)
{
	if (b->cap > HY__PQ_KEEP_SCRATCH)
		hy_buf_reset(b);
	else
		hy_buf_clear(b);
}

/* ---- recycled column buffers (pq_recycle.c) ----
 *
 * A reader lends the blocks behind its decoded columns to batches and takes
 * them back when the last batch drops them (on any thread), so a long read
 * reuses a fixed set of blocks instead of churning malloc across threads.
 * Blocks under 64 KiB are plain malloc. */
struct hy__pq_recycler;
struct hy_rcbuf;

/* What a reader's recycler keeps parked at most. Blocks are only allocated
 * when none fits, so the set in circulation is the most the pipeline held at
 * once; this bounds the misfits left over (a smaller last row group). */
#define HY__PQ_RECYCLE_MAX ((size_t)64 << 20)

/* Keeps at most `max_parked` bytes of returned blocks; NULL when out of
 * memory. The functions below also take NULL: plain malloc'd buffers. */
struct hy__pq_recycler *hy__pq_recycler_create(size_t max_parked);
/* The reader's end: parked blocks are freed, and so are blocks that batches
 * still hold when they are dropped later. */
void hy__pq_recycler_close(struct hy__pq_recycler *rc);
/* Puts a parked block of at least `want` bytes (and not far more) into the
 * empty buffer b; leaves b empty when none fits. */
void hy__pq_recycler_take(struct hy__pq_recycler *rc, struct hy_buf *b, size_t want);
/* The first `len` bytes of b as a refcounted buffer whose block comes back
 * here with its last reference; b is left empty. NULL when out of memory
 * (b then keeps its bytes). */
struct hy_rcbuf *hy__pq_recycler_adopt(struct hy__pq_recycler *rc, struct hy_buf *b, size_t len);

#endif /* HYGGE_PQ_INT_H */
