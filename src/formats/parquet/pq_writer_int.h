/* Private header of the Parquet writer: the column mapping (pq_meta_write.c),
 * the chunk encoder (pq_writer_chunk.c) and the writer (pq_writer.c). */
#ifndef HYGGE_PQ_WRITER_INT_H
#define HYGGE_PQ_WRITER_INT_H

#include "hygge/parquet_writer.h"
#include "pq_int.h"

/* How a hygge value becomes a physical value. */
enum hy__pqw_conv {
	HY__PQW_BOOL,     /* bit -> uint8 0/1 */
	HY__PQW_I8,       /* int8 -> int32 */
	HY__PQW_I16,      /* int16 -> int32 */
	HY__PQW_I32,      /* int32 (also date, time s/ms) -> int32, times `mul` */
	HY__PQW_U8,       /* uint8 -> int32 */
	HY__PQW_U16,      /* uint16 -> int32 */
	HY__PQW_I64,      /* int64 (also uint64, timestamps, durations) -> int64, unit change */
	HY__PQW_DEC64_32, /* decimal int64 storage -> int32 (p <= 9) */
	HY__PQW_DEC128,   /* decimal i128 storage -> FLBA big-endian */
	HY__PQW_F32,
	HY__PQW_F64,
	HY__PQW_FIXED, /* fixed binary, uuid: bytes as they are */
	HY__PQW_BYTES, /* string, binary (plain or dictionary form) */
	HY__PQW_NULL,  /* HY_NULL: every row null, INT32 */
};

/* Sort order of the statistics (parquet.md section 9). */
enum hy__pqw_order {
	HY__PQW_ORD_NONE,
	HY__PQW_ORD_BOOL,
	HY__PQW_ORD_S32,
	HY__PQW_ORD_U32,
	HY__PQW_ORD_S64,
	HY__PQW_ORD_U64,
	HY__PQW_ORD_F32,
	HY__PQW_ORD_F64,
	HY__PQW_ORD_BYTES,  /* unsigned bytes, then length */
	HY__PQW_ORD_DEC_BE, /* big-endian two's complement of a fixed width */
};

/* One leaf column: how the field maps to Parquet. Set at open, read-only
 * afterwards (shared by the encoding tasks). */
struct hy__pqw_leaf {
	const struct hy_field *field;      /* borrowed from the writer's schema */
	int ptype;                         /* enum hy_pq_type */
	int32_t type_length;               /* FLBA width, else 0 */
	int converted;                     /* enum hy_pq_converted_type, HY_PQ_CT_NONE */
	struct hy_pq_logical_type logical; /* kind HY_PQ_LT_NONE when absent */
	int conv;                          /* enum hy__pqw_conv */
	int order;                         /* enum hy__pqw_order */
	int64_t mul, div;                  /* unit change: v * mul, or floor(v / div) */
	bool utf8;                         /* STRING: truncate stats on code points */
	bool optional;
	bool dictionary; /* dictionary encoding is tried */
	size_t width;    /* bytes of one gathered value; 0 for byte arrays */
};

/* Maps `field` (HY_EUNSUPPORTED with the field name when it cannot be). */
int hy__pqw_leaf_init(struct hy__pqw_leaf *leaf, const struct hy_field *field,
		      const struct hy_pq_writer_options *opts, struct hy_error *err) HY_WUR;

/* Statistics of a page or a chunk. min/max hold the PLAIN bytes of the
 * values (no length prefix), already truncated for byte arrays. */
struct hy__pqw_stats {
	int64_t null_count, nan_count, num_values;
	bool has_minmax;
	bool min_exact, max_exact;
	struct hy_buf min, max; /* capped small buffers */
};

/* A data page as the OffsetIndex / ColumnIndex need it. */
struct hy__pqw_page {
	int64_t offset; /* relative to the chunk start until the chunk is placed */
	int32_t size;   /* header + body */
	size_t at;      /* where header + body start in the chunk's data_pages */
	int64_t first_row;
	int64_t null_count, nan_count;
	bool null_page, all_nan;
	uint8_t *min, *max; /* owned, truncated; NULL for a null page */
	uint32_t min_len, max_len;
};

/* Values of the open page that came from one dictionary-form input column:
 * from value `first` on (until the next run), string views point into
 * `dict` (a reference) and c->srcidx holds their input indices. `dict` is
 * NULL for a run of plain input. */
struct hy__pqw_run {
	size_t first;
	struct hy_column *dict;
};

/* One column chunk of the row group being built. The encoder state lives
 * across writes: batches are fed as they arrive (hy__pqw_chunk_feed, one
 * task per column), pages are encoded and compressed as they fill, and only
 * encoded pages plus the open page's gathered values are kept until the row
 * group is closed (hy__pqw_chunk_end) and placed. */
struct hy__pqw_chunk {
	const struct hy__pqw_leaf *leaf;
	const struct hy_pq_writer_options *opts;
	struct hy_column *feed; /* the column a feed task encodes (borrowed) */
	size_t col;             /* position in the writer (spare buffer matching) */
	bool started;           /* the row group's chunk state is initialised */

	/* the open page */
	int64_t nrows;      /* rows fed into the chunk so far */
	int64_t page_first; /* chunk row of the open page's first row */
	int64_t page_rows, page_est;
	struct hy__pqw_stats page;      /* counts only (null, nan, values) */
	uint8_t ext_min[8], ext_max[8]; /* the open page's numeric extremes */
	struct hy_buf stash;            /* owned copies of the open page's plain-input strings */
	size_t stashed;                 /* views [0, stashed) point into stash or a run's dict */
	struct hy__pqw_run *runs;
	size_t nruns, cap_runs;

	/* output */
	struct hy_buf bytes;        /* the dictionary page from dict_at (empty without one) */
	size_t dict_at;             /* start of the page in `bytes` */
	int64_t dict_page_len;      /* 0 without a dictionary page */
	int64_t total_uncompressed; /* headers included */
	int64_t num_values;
	uint32_t encodings; /* bit per enum hy_pq_encoding used */
	int32_t n_dict_pages, n_plain_pages, n_rle_dict_pages;
	struct hy__pqw_stats stats;     /* final, truncated */
	struct hy_buf raw_min, raw_max; /* running chunk extremes, untruncated */
	bool raw_has;
	struct hy__pqw_page *pages;
	size_t npages, cap_pages;
	int64_t data_bytes; /* compressed bytes of the data pages (sum of sizes) */
	int64_t truncated;  /* timestamp/time values that lost digits */

	/* scratch, reused across pages and row groups */
	struct hy_buf data_pages; /* the data pages (with gaps), written after `bytes` */
	struct hy_buf levels, values, views, srcidx, plain, body, header, idx;
	struct hy_buf dict_vals, dict_offs, dict_slots;
	size_t dict_count, dict_bytes, dict_slot_mask;
	bool dict_on, dict_dropped;
	/* dictionary-form input: chunk dictionary index of each entry of
	 * `remap_dict` (UINT32_MAX = not looked up yet), while the chunk
	 * dictionary lives */
	struct hy_column *remap_dict; /* a reference */
	struct hy_buf remap;
};

/* `col` is the column's position: spare buffers parked by the same position
 * of an earlier writer are preferred (a store writes files of one schema). */
void hy__pqw_chunk_init(struct hy__pqw_chunk *c, const struct hy__pqw_leaf *leaf,
			const struct hy_pq_writer_options *opts, size_t col);
void hy__pqw_chunk_reset(struct hy__pqw_chunk *c);
/* Appends the rows of c->feed to the chunk, encoding every page that fills. */
int hy__pqw_chunk_feed(struct hy__pqw_chunk *c, struct hy_error *err) HY_WUR;
/* Closes the chunk: the last page, the dictionary page, the statistics. */
int hy__pqw_chunk_end(struct hy__pqw_chunk *c, struct hy_error *err) HY_WUR;
/* Encoded bytes the chunk holds (data pages and dictionary so far). */
int64_t hy__pqw_chunk_held(const struct hy__pqw_chunk *c);
/* Makes the chunk ready for the next row group (keeps the scratch). */
void hy__pqw_chunk_clear(struct hy__pqw_chunk *c);

void hy__pqw_stats_init(struct hy__pqw_stats *s);
void hy__pqw_stats_reset(struct hy__pqw_stats *s);
void hy__pqw_stats_free(struct hy__pqw_stats *s);

/* Thrift writers (pq_meta_write.c). */
int hy__pqw_write_schema_element(struct hy__pq_tenc *e, const struct hy__pqw_leaf *leaf) HY_WUR;
/* A Statistics struct as field `id`; deprecated min/max for signed orders. */
int hy__pqw_write_stats(struct hy__pq_tenc *e, int16_t id, const struct hy__pqw_leaf *leaf,
			const struct hy__pqw_stats *s) HY_WUR;
/* ColumnIndex of a placed chunk into `out` (false in *written when the
 * chunk must not have one: an all-NaN float page). */
int hy__pqw_column_index(const struct hy__pqw_leaf *leaf, const struct hy__pqw_page *pages,
			 size_t npages, struct hy_buf *out, bool *written,
			 struct hy_error *err) HY_WUR;
int hy__pqw_offset_index(const struct hy__pqw_page *pages, size_t npages, struct hy_buf *out,
			 struct hy_error *err) HY_WUR;
/* -1, 0, 1 under the leaf's sort order; a and b are PLAIN bytes. */
int hy__pqw_cmp(int order, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

#endif /* HYGGE_PQ_WRITER_INT_H */
