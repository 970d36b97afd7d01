/* Parquet file metadata: the footer (FileMetaData) decoded into C structs, the
 * schema turned into leaf columns, and page headers.
 *
 * Everything here is decoded from untrusted bytes with a hand-written Thrift
 * compact-protocol decoder (src/formats/parquet/pq_thrift.c): sizes are
 * checked against the bytes left and against the HY_PQ_MAX_... caps below,
 * unknown fields are skipped, and a malformed file yields HY_EFORMAT (or
 * HY_ELIMIT / HY_EUNSUPPORTED) with a message, never a crash.
 * See docs/internals/parquet.md. */
#ifndef HYGGE_PARQUET_H
#define HYGGE_PARQUET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hygge/status.h"

/* Caps on untrusted sizes. */
#define HY_PQ_MAX_FOOTER_BYTES      (128u << 20) /* FileMetaData length */
#define HY_PQ_MAX_METADATA_MEMORY   (512u << 20) /* decoded structs of one footer */
#define HY_PQ_MAX_SCHEMA_DEPTH      64           /* nesting of schema groups */
#define HY_PQ_FOOTER_TAIL_READ      (64u << 10)  /* first read at the end of the file */
#define HY_PQ_MAX_PAGE_BYTES        (256u << 20) /* a page body, compressed or not */
#define HY_PQ_MAX_PAGE_HEADER_BYTES (16u << 20)  /* a page header (statistics included) */
#define HY_PQ_MAX_PAGE_VALUES       (1u << 26)   /* level entries of one page */

/* Enumerations, numbered as on the wire. Fields holding them are plain ints
 * so that unknown future values are kept rather than lost. */
enum hy_pq_type {
	HY_PQ_BOOLEAN = 0,
	HY_PQ_INT32 = 1,
	HY_PQ_INT64 = 2,
	HY_PQ_INT96 = 3,
	HY_PQ_FLOAT = 4,
	HY_PQ_DOUBLE = 5,
	HY_PQ_BYTE_ARRAY = 6,
	HY_PQ_FIXED_LEN_BYTE_ARRAY = 7,
};

enum hy_pq_repetition {
	HY_PQ_REQUIRED = 0,
	HY_PQ_OPTIONAL = 1,
	HY_PQ_REPEATED = 2,
};

enum hy_pq_converted_type {
	HY_PQ_CT_NONE = -1, /* absent */
	HY_PQ_CT_UTF8 = 0,
	HY_PQ_CT_MAP = 1,
	HY_PQ_CT_MAP_KEY_VALUE = 2,
	HY_PQ_CT_LIST = 3,
	HY_PQ_CT_ENUM = 4,
	HY_PQ_CT_DECIMAL = 5,
	HY_PQ_CT_DATE = 6,
	HY_PQ_CT_TIME_MILLIS = 7,
	HY_PQ_CT_TIME_MICROS = 8,
	HY_PQ_CT_TIMESTAMP_MILLIS = 9,
	HY_PQ_CT_TIMESTAMP_MICROS = 10,
	HY_PQ_CT_UINT_8 = 11,
	HY_PQ_CT_UINT_16 = 12,
	HY_PQ_CT_UINT_32 = 13,
	HY_PQ_CT_UINT_64 = 14,
	HY_PQ_CT_INT_8 = 15,
	HY_PQ_CT_INT_16 = 16,
	HY_PQ_CT_INT_32 = 17,
	HY_PQ_CT_INT_64 = 18,
	HY_PQ_CT_JSON = 19,
	HY_PQ_CT_BSON = 20,
	HY_PQ_CT_INTERVAL = 21,
};

/* LogicalType union member ids. */
enum hy_pq_logical_kind {
	HY_PQ_LT_UNRECOGNIZED = -1, /* a member id this version does not know */
	HY_PQ_LT_NONE = 0,          /* no logicalType field */
	HY_PQ_LT_STRING = 1,
	HY_PQ_LT_MAP = 2,
	HY_PQ_LT_LIST = 3,
	HY_PQ_LT_ENUM = 4,
	HY_PQ_LT_DECIMAL = 5,
	HY_PQ_LT_DATE = 6,
	HY_PQ_LT_TIME = 7,
	HY_PQ_LT_TIMESTAMP = 8,
	HY_PQ_LT_INTEGER = 10,
	HY_PQ_LT_UNKNOWN = 11, /* the spec's always-null type */
	HY_PQ_LT_JSON = 12,
	HY_PQ_LT_BSON = 13,
	HY_PQ_LT_UUID = 14,
	HY_PQ_LT_FLOAT16 = 15,
	HY_PQ_LT_VARIANT = 16,
	HY_PQ_LT_GEOMETRY = 17,
	HY_PQ_LT_GEOGRAPHY = 18,
	HY_PQ_LT_FILE = 19,
};

enum hy_pq_time_unit {
	HY_PQ_UNIT_UNRECOGNIZED = -1,
	HY_PQ_UNIT_NONE = 0,
	HY_PQ_UNIT_MILLIS = 1,
	HY_PQ_UNIT_MICROS = 2,
	HY_PQ_UNIT_NANOS = 3,
};

enum hy_pq_encoding {
	HY_PQ_ENC_PLAIN = 0,
	HY_PQ_ENC_PLAIN_DICTIONARY = 2,
	HY_PQ_ENC_RLE = 3,
	HY_PQ_ENC_BIT_PACKED = 4,
	HY_PQ_ENC_DELTA_BINARY_PACKED = 5,
	HY_PQ_ENC_DELTA_LENGTH_BYTE_ARRAY = 6,
	HY_PQ_ENC_DELTA_BYTE_ARRAY = 7,
	HY_PQ_ENC_RLE_DICTIONARY = 8,
	HY_PQ_ENC_BYTE_STREAM_SPLIT = 9,
	HY_PQ_ENC_ALP = 10,
};

enum hy_pq_codec {
	HY_PQ_CODEC_UNCOMPRESSED = 0,
	HY_PQ_CODEC_SNAPPY = 1,
	HY_PQ_CODEC_GZIP = 2,
	HY_PQ_CODEC_LZO = 3,
	HY_PQ_CODEC_BROTLI = 4,
	HY_PQ_CODEC_LZ4 = 5,
	HY_PQ_CODEC_ZSTD = 6,
	HY_PQ_CODEC_LZ4_RAW = 7,
};

enum hy_pq_page_type {
	HY_PQ_PAGE_DATA = 0,
	HY_PQ_PAGE_INDEX = 1,
	HY_PQ_PAGE_DICTIONARY = 2,
	HY_PQ_PAGE_DATA_V2 = 3,
};

/* An owned run of bytes, NUL-terminated after `len` so text can be used as a
 * C string (binary values may hold NUL bytes: use `len`). */
struct hy_pq_bytes {
	char *ptr; /* NULL when absent */
	size_t len;
};

struct hy_pq_logical_type {
	int kind;             /* enum hy_pq_logical_kind */
	int16_t member_id;    /* the union member id read (also for unrecognized ones) */
	int32_t scale;        /* DECIMAL */
	int32_t precision;    /* DECIMAL */
	bool adjusted_to_utc; /* TIME, TIMESTAMP */
	int unit;             /* TIME, TIMESTAMP: enum hy_pq_time_unit */
	int8_t bit_width;     /* INTEGER */
	bool is_signed;       /* INTEGER */
};

struct hy_pq_schema_element {
	struct hy_pq_bytes name;
	int type; /* enum hy_pq_type as read (maybe invalid); -1 when absent (groups) */
	bool has_type;
	int32_t type_length;
	int repetition; /* enum hy_pq_repetition, -1 when absent */
	int32_t num_children;
	bool has_num_children;
	int converted_type; /* enum hy_pq_converted_type */
	int32_t scale, precision;
	bool has_scale, has_precision;
	int32_t field_id;
	bool has_field_id;
	struct hy_pq_logical_type logical;
};

struct hy_pq_kv {
	struct hy_pq_bytes key;
	struct hy_pq_bytes value; /* ptr NULL when the writer left it out */
};

struct hy_pq_statistics {
	struct hy_pq_bytes max, min;             /* deprecated fields 1, 2 */
	struct hy_pq_bytes max_value, min_value; /* fields 5, 6 */
	int64_t null_count, distinct_count;
	bool has_null_count, has_distinct_count;
	bool is_max_value_exact, is_min_value_exact;
	bool has_is_max_value_exact, has_is_min_value_exact;
};

struct hy_pq_encoding_stats {
	int page_type; /* enum hy_pq_page_type */
	int encoding;  /* enum hy_pq_encoding */
	int32_t count;
};

struct hy_pq_column_meta {
	int type;           /* enum hy_pq_type */
	int32_t *encodings; /* enum hy_pq_encoding values; may be empty */
	size_t num_encodings;
	struct hy_pq_bytes *path; /* path_in_schema */
	size_t path_len;
	int codec; /* enum hy_pq_codec */
	int64_t num_values;
	int64_t total_uncompressed_size;
	int64_t total_compressed_size;
	struct hy_pq_kv *kv;
	size_t num_kv;
	int64_t data_page_offset;
	int64_t index_page_offset;
	bool has_index_page_offset;
	int64_t dictionary_page_offset; /* may be 0 meaning absent: see hy_pq_chunk_range */
	bool has_dictionary_page_offset;
	bool has_statistics;
	struct hy_pq_statistics statistics;
	struct hy_pq_encoding_stats *encoding_stats;
	size_t num_encoding_stats;
	int64_t bloom_filter_offset;
	int32_t bloom_filter_length;
	bool has_bloom_filter_offset, has_bloom_filter_length;
};

struct hy_pq_column_chunk {
	struct hy_pq_bytes file_path; /* set only in _metadata summary files */
	int64_t file_offset;          /* deprecated and meaningless: never use it */
	bool has_meta_data;
	struct hy_pq_column_meta meta;
	int64_t offset_index_offset, column_index_offset;
	int32_t offset_index_length, column_index_length;
	bool has_offset_index_offset, has_offset_index_length;
	bool has_column_index_offset, has_column_index_length;
	bool has_crypto_metadata;           /* field 8: the column is encrypted */
	bool has_encrypted_column_metadata; /* field 9 */
};

struct hy_pq_sorting_column {
	int32_t column_idx;
	bool descending;
	bool nulls_first;
};

struct hy_pq_row_group {
	struct hy_pq_column_chunk *columns;
	size_t num_columns;
	int64_t total_byte_size;
	int64_t num_rows;
	struct hy_pq_sorting_column *sorting_columns;
	size_t num_sorting_columns;
	int64_t file_offset, total_compressed_size;
	bool has_file_offset, has_total_compressed_size;
	int16_t ordinal; /* i16 on the wire: do not trust it */
	bool has_ordinal;
};

/* How a leaf column sits in the schema tree. */
enum hy_pq_leaf_shape {
	HY_PQ_LEAF_FLAT = 0,     /* a direct child of the root, not repeated */
	HY_PQ_LEAF_STRUCT = 1,   /* under groups, none of them (nor the leaf) repeated */
	HY_PQ_LEAF_REPEATED = 2, /* a REPEATED element on the path: LIST, MAP or legacy */
};

struct hy_pq_leaf {
	size_t schema_index;              /* into hy_pq_metadata.schema */
	char *path;                       /* dotted path without the root: "a.b" */
	const struct hy_pq_bytes **parts; /* the path's names, borrowed from the schema */
	size_t depth;                     /* number of parts */
	int16_t max_def_level;
	int16_t max_rep_level;
	int shape; /* enum hy_pq_leaf_shape */
};

/* ColumnOrder union member ids. */
enum hy_pq_column_order {
	HY_PQ_ORDER_UNRECOGNIZED = -1, /* ignore min/max statistics */
	HY_PQ_ORDER_NONE = 0,
	HY_PQ_ORDER_TYPE_DEFINED = 1,
	HY_PQ_ORDER_IEEE_754_TOTAL = 2,
	HY_PQ_ORDER_INT96_TIMESTAMP = 3,
};

/* The decoded footer. Created by hy_pq_metadata_parse/_read, freed with
 * hy_pq_metadata_destroy(); every pointer inside is owned by it. */
struct hy_pq_metadata {
	int32_t version;
	struct hy_pq_schema_element *schema; /* element 0 is the root */
	size_t num_schema;
	int64_t num_rows; /* as written; may be wrong in old files, see row_count */
	struct hy_pq_row_group *row_groups;
	size_t num_row_groups;
	struct hy_pq_kv *kv;
	size_t num_kv;
	struct hy_pq_bytes created_by;
	int *column_orders; /* enum hy_pq_column_order, one per leaf when present */
	size_t num_column_orders;
	bool has_encryption_algorithm;        /* field 8: plaintext-footer encryption */
	bool has_footer_signing_key_metadata; /* field 9 */

	/* Derived from the schema. */
	struct hy_pq_leaf *leaves; /* depth-first order = RowGroup.columns order */
	size_t num_leaves;
	int64_t row_count; /* sum of RowGroup.num_rows (the authoritative count) */

	size_t mem_used; /* bytes of decoded structures, capped by HY_PQ_MAX_METADATA_MEMORY */
};

/* A byte-range reader over a local file, a memory buffer or (later) an object
 * store. read_at fills exactly `len` bytes at `off` or fails with a status. */
struct hy_pq_source {
	int (*read_at)(void *ctx, uint64_t off, void *buf, size_t len, struct hy_error *err);
	uint64_t size;
	void *ctx;
	void (*close)(void *ctx); /* NULL when nothing to release */
};

/* Borrows `data` (len bytes), which must outlive the source. */
void hy_pq_source_init_memory(struct hy_pq_source *src, const void *data, size_t len);
/* Opens a local file; release with hy_pq_source_close(). */
int hy_pq_source_open_file(struct hy_pq_source *src, const char *path, struct hy_error *err) HY_WUR;
/* Releases what the source holds; safe on a zeroed or memory source. */
void hy_pq_source_close(struct hy_pq_source *src);

/* Decodes a FileMetaData from `len` bytes (the footer without its length and
 * magic), builds the leaf columns and checks the row groups against them.
 * Trailing bytes after the struct are allowed (plaintext-footer signatures).
 * Does not refuse plaintext-footer encryption: hy_pq_metadata_read() does.
 * On success *out is the caller's, to free with hy_pq_metadata_destroy(). */
int hy_pq_metadata_parse(const void *footer, size_t len, struct hy_pq_metadata **out,
			 struct hy_error *err) HY_WUR;

/* Locates and checks the footer of a Parquet file (magic, length), decodes
 * it, and refuses encrypted files (HY_EUNSUPPORTED "encrypted Parquet is not
 * supported"). *out as for hy_pq_metadata_parse(). */
int hy_pq_metadata_read(const struct hy_pq_source *src, struct hy_pq_metadata **out,
			struct hy_error *err) HY_WUR;
/* The same for a local file; errors are prefixed with the path. */
int hy_pq_metadata_read_file(const char *path, struct hy_pq_metadata **out,
			     struct hy_error *err) HY_WUR;

/* Frees everything; accepts NULL and half-built objects. */
void hy_pq_metadata_destroy(struct hy_pq_metadata *md);

/* The byte range [*start, *start + *len) of a column chunk's pages (§3.5 of
 * the checklist: dictionary_page_offset 0 means absent, data_page_offset may
 * point at the dictionary page or be 0), checked against file_size. */
int hy_pq_chunk_range(const struct hy_pq_column_chunk *cc, uint64_t file_size, uint64_t *start,
		      uint64_t *len, struct hy_error *err) HY_WUR;

/* Page headers. Statistics inside page headers are skipped, so decoding a
 * page header never allocates. */
struct hy_pq_data_page_header {
	int32_t num_values; /* level entries, nulls included */
	int encoding;
	int definition_level_encoding;
	int repetition_level_encoding;
	bool has_statistics;
};

struct hy_pq_data_page_header_v2 {
	int32_t num_values;
	int32_t num_nulls;
	int32_t num_rows;
	int encoding;
	int32_t definition_levels_byte_length;
	int32_t repetition_levels_byte_length;
	bool is_compressed; /* true when absent */
	bool has_statistics;
};

struct hy_pq_dictionary_page_header {
	int32_t num_values;
	int encoding;
	bool is_sorted;
	bool has_is_sorted;
};

struct hy_pq_page_header {
	int type; /* enum hy_pq_page_type; unknown values are kept */
	int32_t uncompressed_page_size;
	int32_t compressed_page_size;
	uint32_t crc; /* the i32 as stored, compare as uint32 */
	bool has_crc;
	bool has_data, has_index, has_dictionary, has_data_v2;
	struct hy_pq_data_page_header data;
	struct hy_pq_data_page_header_v2 data_v2;
	struct hy_pq_dictionary_page_header dictionary;
};

/* Decodes one PageHeader from the start of `buf`; *consumed is its length in
 * bytes (the page body follows). Checks that sizes and counts are not
 * negative, that the header of a known page type is present, and that the v2
 * level lengths fit the compressed size. */
int hy_pq_page_header_decode(const void *buf, size_t len, struct hy_pq_page_header *out,
			     size_t *consumed, struct hy_error *err) HY_WUR;

/* Names for messages ("SNAPPY", "RLE_DICTIONARY", "INT96"); "unknown" otherwise. */
const char *hy_pq_type_name(int type);
const char *hy_pq_codec_name(int codec);
const char *hy_pq_encoding_name(int encoding);

/* ---- the streaming reader (pq_reader.c, pq_types.c) ----
 *
 * Reads a file row group by row group into hygge batches: the projected
 * column chunks of one row group are decoded (in parallel on `pool` when
 * given) straight into hygge columns, then handed out as zero-copy slices of
 * at most max_batch_rows rows. Memory is bounded by the decoded projected
 * columns of one row group plus one page of scratch per column.
 * Columns: every leaf not under a REPEATED field (struct fields flattened to
 * "a.b"); a LIST/MAP leaf in the projection is HY_EUNSUPPORTED naming it.
 * Types: hy_pq_leaf_dtype() (docs/types.md, "Parquet"). */
struct hy_batch;
struct hy_dtype;
struct hy_pool;
struct hy_schema;

#define HY_PQ_DEFAULT_BATCH_ROWS 65536

struct hy_pq_reader_options {
	const char *const *columns; /* projection: leaf paths ("a.b") or structs ("a": all its
				     * leaves), in output order; each leaf at most once */
	size_t num_columns;         /* 0 = every leaf, in file order */
	int64_t max_batch_rows;     /* <= 0: HY_PQ_DEFAULT_BATCH_ROWS */
	bool verify_crc;            /* check page CRCs when present */
	/* string/binary chunks whose pages are all dictionary-encoded come out in
	 * hygge's dictionary form (int32 indices + a plain dictionary column that
	 * every batch of the chunk shares); a chunk that falls back to PLAIN
	 * mid-way comes out plain. false: every column plain. */
	bool keep_dictionary;
	/* With a pool the reader decodes the next row group while the current
	 * one's batches are consumed (one more decoded row group in memory).
	 * true turns that off: for a caller whose consumer is the slower side
	 * (hygge go into a parquet store) it only costs memory. */
	bool no_prefetch;
	struct hy_pool
		*pool; /* decode the column chunks of a row group in parallel; NULL = serial */
};

struct hy_pq_reader;

/* Opens a reader over `src` (borrowed: it must outlive the reader) with
 * `opts` (NULL = defaults); reads and checks the footer and maps the schema.
 * HY_ENOTFOUND for a projected name that is no leaf nor struct, HY_EINVAL for
 * a leaf projected twice, HY_EUNSUPPORTED for a projected LIST/MAP leaf. *out is the caller's:
 * hy_pq_reader_close(). */
int hy_pq_reader_open(struct hy_pq_reader **out, const struct hy_pq_source *src,
		      const struct hy_pq_reader_options *opts, struct hy_error *err) HY_WUR;
/* The same over a local file (the reader owns the source). Messages do not
 * repeat the path: the caller names the file. */
int hy_pq_reader_open_file(struct hy_pq_reader **out, const char *path,
			   const struct hy_pq_reader_options *opts, struct hy_error *err) HY_WUR;
/* Borrowed; valid while the reader lives. */
struct hy_schema *hy_pq_reader_schema(const struct hy_pq_reader *r);
const struct hy_pq_metadata *hy_pq_reader_metadata(const struct hy_pq_reader *r);
/* Rows of the file: the sum of the row groups' num_rows. */
int64_t hy_pq_reader_num_rows(const struct hy_pq_reader *r);
/* The next batch (one reference, the caller's), or *out = NULL at the end.
 * Never more than max_batch_rows rows; a batch does not span row groups. */
int hy_pq_reader_next_batch(struct hy_pq_reader *r, struct hy_batch **out,
			    struct hy_error *err) HY_WUR;
void hy_pq_reader_close(struct hy_pq_reader *r);

/* The hygge type of leaf `leaf` (parquet.md section 8: logicalType first,
 * then converted_type, then the physical type). When the annotation cannot
 * be honoured (unknown logical type, a decimal past 38 digits, a mismatch with
 * the physical type) the physical type's mapping is used and `note` (when not
 * NULL) says why; otherwise note is "". */
int hy_pq_leaf_dtype(const struct hy_pq_metadata *md, size_t leaf, struct hy_dtype *out, char *note,
		     size_t note_size, struct hy_error *err) HY_WUR;

#endif /* HYGGE_PARQUET_H */
