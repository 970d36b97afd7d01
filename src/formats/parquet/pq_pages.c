/* The pages of one column chunk: page headers read from the source, bodies
 * checked (sizes against the chunk and the caps, optional CRC), decompressed,
 * and data pages split into repetition levels, definition levels and the
 * values section (checklist §5).
 *
 * Buffers are owned by the reader and reused from page to page (and from
 * chunk to chunk through hy__pq_pages_reopen); a page
 * returned by hy__pq_pages_next() stays valid until the next call. */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "hygge/alloc.h"
#include "pq_int.h"

/* First guess at a page header's size; grown x4 while the decode runs out
 * of bytes, up to HY_PQ_MAX_PAGE_HEADER_BYTES. */
#define HEADER_WINDOW 256

static uint8_t *scratch(struct hy_buf *b, size_t n, struct hy_error *err, int *rc)
{
	hy_buf_clear(b);
	*rc = hy_buf_reserve(b, n, err);
	if (*rc != 0)
		return NULL;
	b->len = n;
	return b->data;
}

/* Bytes added to the chunk range of files by parquet-mr before 1.2.9, whose
 * total_compressed_size left out the dictionary page header (PARQUET-816;
 * Arrow C++ pads by the same 100 bytes). */
#define PARQUET_816_PADDING 100

/* created_by "parquet-mr" without a version, or "parquet-mr version X.Y.Z"
 * with X.Y.Z < 1.2.9. */
static bool parquet_816(const struct hy_pq_metadata *md)
{
	const char *cb = md->created_by.ptr, *p;
	long v[3] = {0, 0, 0};

	if (cb == NULL || strncmp(cb, "parquet-mr", 10) != 0)
		return false;
	if (strncmp(cb + 10, " version ", 9) != 0)
		return true;
	p = cb + 19;
	for (int i = 0; i < 3; i++) {
		char *end;

		v[i] = strtol(p, &end, 10);
		if (end == p)
			return i == 0; /* no number at all: as without a version */
		p = *end == '.' ? end + 1 : end;
		if (*end != '.')
			break;
	}
	return v[0] < 1 || (v[0] == 1 && (v[1] < 2 || (v[1] == 2 && v[2] < 9)));
}

static int open_chunk(struct hy__pq_pages *pr, const struct hy_pq_source *src,
		      const struct hy_pq_metadata *md, size_t row_group, size_t column,
		      struct hy_error *err)
{
	const struct hy_pq_column_chunk *cc;
	const struct hy_pq_leaf *leaf;
	uint64_t start = 0, len = 0;
	struct hy_buf keep[5] = {pr->header, pr->raw, pr->plain, pr->levels, pr->tmp};

	memset(pr, 0, sizeof(*pr));
	pr->header = keep[0];
	pr->raw = keep[1];
	pr->plain = keep[2];
	pr->levels = keep[3];
	pr->tmp = keep[4];
	if (row_group >= md->num_row_groups || column >= md->num_leaves)
		return HY__PQ_FAIL(err, HY_EINVAL, "parquet: no column %zu in row group %zu",
				   column, row_group);
	cc = &md->row_groups[row_group].columns[column];
	leaf = &md->leaves[column];
	if (cc->has_crypto_metadata || cc->has_encrypted_column_metadata)
		return HY__PQ_FAIL(err, HY_EUNSUPPORTED, HY__PQ_ENCRYPTED_MSG);
	if (cc->file_path.ptr != NULL)
		return HY__PQ_FAIL(err, HY_EUNSUPPORTED,
				   "parquet: column chunk in another file (%s) is not supported",
				   cc->file_path.ptr);
	HY_TRY(hy_pq_chunk_range(cc, src->size, &start, &len, err));
	pr->src = src;
	pr->pos = start;
	pr->end = start + len;
	if (parquet_816(md)) {
		uint64_t room = src->size - pr->end;

		pr->end += room < PARQUET_816_PADDING ? room : PARQUET_816_PADDING;
		pr->padded = true;
		pr->values_left = cc->meta.num_values;
	}
	pr->codec = cc->meta.codec;
	pr->max_def = leaf->max_def_level;
	pr->max_rep = leaf->max_rep_level;
	pr->has_offset_index = cc->has_offset_index_offset;
	return 0;
}

static void init_bufs(struct hy__pq_pages *pr)
{
	hy_buf_init(&pr->header, HY_PQ_MAX_PAGE_HEADER_BYTES);
	hy_buf_init(&pr->raw, HY_PQ_MAX_PAGE_BYTES);
	hy_buf_init(&pr->plain, HY_PQ_MAX_PAGE_BYTES);
	hy_buf_init(&pr->levels, (size_t)HY_PQ_MAX_PAGE_VALUES * 2 * sizeof(int16_t));
	hy_buf_init(&pr->tmp, (size_t)HY_PQ_MAX_PAGE_VALUES * sizeof(uint32_t));
}

int hy__pq_pages_open(struct hy__pq_pages *pr, const struct hy_pq_source *src,
		      const struct hy_pq_metadata *md, size_t row_group, size_t column,
		      struct hy_error *err)
{
	memset(pr, 0, sizeof(*pr));
	init_bufs(pr);
	return open_chunk(pr, src, md, row_group, column, err);
}

int hy__pq_pages_reopen(struct hy__pq_pages *pr, const struct hy_pq_source *src,
			const struct hy_pq_metadata *md, size_t row_group, size_t column,
			struct hy_error *err)
{
	hy__pq_trim_scratch(&pr->header);
	hy__pq_trim_scratch(&pr->raw);
	hy__pq_trim_scratch(&pr->plain);
	hy__pq_trim_scratch(&pr->levels);
	hy__pq_trim_scratch(&pr->tmp);
	return open_chunk(pr, src, md, row_group, column, err);
}

void hy__pq_pages_close(struct hy__pq_pages *pr)
{
	hy_buf_reset(&pr->header);
	hy_buf_reset(&pr->raw);
	hy_buf_reset(&pr->plain);
	hy_buf_reset(&pr->levels);
	hy_buf_reset(&pr->tmp);
}

/* Decodes the header at pr->pos, reading more of the chunk while it is cut. */
static int read_header(struct hy__pq_pages *pr, struct hy_pq_page_header *h, size_t *used,
		       struct hy_error *err)
{
	uint64_t left = pr->end - pr->pos;
	size_t window = HEADER_WINDOW;

	for (;;) {
		struct hy_error attempt = {0};
		size_t n = left < window ? (size_t)left : window;
		uint8_t *buf;
		int rc;

		buf = scratch(&pr->header, n, err, &rc);
		if (buf == NULL)
			return rc;
		HY_TRY(pr->src->read_at(pr->src->ctx, pr->pos, buf, n, err));
		rc = hy_pq_page_header_decode(buf, n, h, used, &attempt);
		if (rc == 0)
			return 0;
		if (n == left || window >= HY_PQ_MAX_PAGE_HEADER_BYTES || rc != HY_EFORMAT) {
			hy_error_set(err, rc, "%s", attempt.msg);
			return rc;
		}
		window *= 4;
		if (window > HY_PQ_MAX_PAGE_HEADER_BYTES)
			window = HY_PQ_MAX_PAGE_HEADER_BYTES;
	}
}

/* The caller (hy__pq_pages_next) puts "parquet: page N at offset X: " in front. */
static int page_fail(struct hy__pq_pages *pr, int code, struct hy_error *err, const char *what)
{
	(void)pr;
	return HY__PQ_FAIL(err, code, "%s", what);
}

/* Reads the body as stored and checks its size and CRC. */
static int read_body(struct hy__pq_pages *pr, const struct hy_pq_page_header *h, size_t used,
		     struct hy_error *err)
{
	uint64_t at = pr->pos + used;
	size_t n = (size_t)h->compressed_page_size;
	uint8_t *buf;
	int rc;

	if ((uint64_t)h->compressed_page_size > HY_PQ_MAX_PAGE_BYTES ||
	    (uint64_t)h->uncompressed_page_size > HY_PQ_MAX_PAGE_BYTES)
		return HY__PQ_FAIL(err, HY_ELIMIT, "%d/%d bytes pass the page limit of %u MiB",
				   h->compressed_page_size, h->uncompressed_page_size,
				   HY_PQ_MAX_PAGE_BYTES >> 20);
	if (at > pr->end || n > pr->end - at)
		return page_fail(pr, HY_EFORMAT, err, "the page runs past its column chunk");
	buf = scratch(&pr->raw, n, err, &rc);
	if (buf == NULL)
		return rc;
	if (n > 0)
		HY_TRY(pr->src->read_at(pr->src->ctx, at, buf, n, err));
	if (pr->verify_crc && h->has_crc && n <= UINT_MAX &&
	    (uint32_t)crc32(0, buf, (uInt)n) != h->crc)
		return page_fail(pr, HY_EFORMAT, err, "CRC mismatch");
	return 0;
}

/* Levels of one kind: in v1 pages RLE with a u32 length prefix or legacy
 * BIT_PACKED (no prefix); in v2 pages RLE without prefix, its length given
 * by `end`. Advances *p past them. */
static int decode_levels(struct hy__pq_pages *pr, int encoding, bool v1, int max_level,
			 const uint8_t **p, const uint8_t *end, int16_t *out, uint32_t n,
			 uint32_t *at_max, struct hy_error *err)
{
	uint32_t bad = 0, top = 0;
	unsigned width = hy_pq_bit_width((uint64_t)max_level);
	size_t len = (size_t)(end - *p), used = 0;
	uint32_t *tmp;
	int rc;

	tmp = (uint32_t *)scratch(&pr->tmp, (size_t)n * sizeof(uint32_t), err, &rc);
	if (tmp == NULL)
		return rc;
	if (v1 && encoding == HY_PQ_ENC_BIT_PACKED) {
		HY_TRY(hy_pq_bit_packed_decode(*p, len, width, n, tmp, &used, err));
		*p += used;
	} else if (v1 && encoding == HY_PQ_ENC_RLE) {
		HY_TRY(hy_pq_rle_decode_prefixed(*p, len, width, n, tmp, &used, err));
		*p += used;
	} else if (!v1) {
		/* v2: the section's length comes from the header, not the runs */
		HY_TRY(hy_pq_rle_decode(*p, len, width, n, tmp, &used, err));
		*p += len;
	} else {
		return HY__PQ_FAIL(err, HY_EUNSUPPORTED, "level encoding %s (%d)",
				   hy_pq_encoding_name(encoding), encoding);
	}
	/* one pass: check, narrow, and count the levels at the maximum (the
	 * present values, for definition levels) */
	for (uint32_t i = 0; i < n; i++) {
		bad |= tmp[i] > (uint32_t)max_level;
		top += tmp[i] == (uint32_t)max_level;
		out[i] = (int16_t)tmp[i];
	}
	if (bad)
		return page_fail(pr, HY_EFORMAT, err, "a level exceeds the column's maximum");
	*at_max = top;
	return 0;
}

/* Sets page->def/rep/num_present from the level sections. */
static int levels(struct hy__pq_pages *pr, struct hy__pq_page *pg, const uint8_t **p,
		  const uint8_t *end, bool v2, struct hy_error *err)
{
	const struct hy_pq_page_header *h = &pg->header;
	uint32_t n = pg->num_levels;
	int max_def = pr->max_def, max_rep = pr->max_rep;
	int16_t *buf, *rep, *def;
	int rc;

	if (n > HY_PQ_MAX_PAGE_VALUES)
		return HY__PQ_FAIL(err, HY_ELIMIT, "%u values pass the page limit of %u", n,
				   HY_PQ_MAX_PAGE_VALUES);
	buf = (int16_t *)scratch(&pr->levels, (size_t)n * 2 * sizeof(int16_t), err, &rc);
	if (buf == NULL)
		return rc;
	rep = buf;
	def = buf + n;
	pg->rep_levels = max_rep > 0 ? rep : NULL;
	pg->def_levels = max_def > 0 ? def : NULL;
	if (max_rep > 0) {
		const uint8_t *lend = v2 ? *p + h->data_v2.repetition_levels_byte_length : end;

		uint32_t unused;

		HY_TRY(decode_levels(pr, v2 ? HY_PQ_ENC_RLE : h->data.repetition_level_encoding,
				     !v2, max_rep, p, lend, rep, n, &unused, err));
		if (v2)
			*p = lend;
		if (n > 0 && rep[0] != 0 && (v2 || pr->has_offset_index))
			return page_fail(pr, HY_EFORMAT, err,
					 "the first repetition level must be 0");
	} else if (v2) {
		*p += h->data_v2.repetition_levels_byte_length;
	}
	pg->num_present = n;
	if (max_def > 0) {
		const uint8_t *lend = v2 ? *p + h->data_v2.definition_levels_byte_length : end;

		HY_TRY(decode_levels(pr, v2 ? HY_PQ_ENC_RLE : h->data.definition_level_encoding,
				     !v2, max_def, p, lend, def, n, &pg->num_present, err));
		if (v2)
			*p = lend;
	} else if (v2) {
		*p += h->data_v2.definition_levels_byte_length;
	}
	return 0;
}

static int data_v1(struct hy__pq_pages *pr, struct hy__pq_page *pg, struct hy_error *err)
{
	const struct hy_pq_page_header *h = &pg->header;
	size_t n = (size_t)h->uncompressed_page_size;
	const uint8_t *p, *end;
	uint8_t *buf;
	int rc;

	buf = scratch(&pr->plain, n, err, &rc);
	if (buf == NULL)
		return rc;
	HY_TRY(hy_pq_decompress(pr->codec, pr->raw.data, pr->raw.len, buf, n, err));
	pg->num_levels = (uint32_t)h->data.num_values;
	pg->encoding = h->data.encoding;
	p = buf;
	end = buf + n;
	HY_TRY(levels(pr, pg, &p, end, false, err));
	pg->values = p;
	pg->values_len = (size_t)(end - p);
	return 0;
}

static int data_v2(struct hy__pq_pages *pr, struct hy__pq_page *pg, struct hy_error *err)
{
	const struct hy_pq_page_header *h = &pg->header;
	const struct hy_pq_data_page_header_v2 *v2 = &h->data_v2;
	size_t lev = (size_t)v2->repetition_levels_byte_length +
		     (size_t)v2->definition_levels_byte_length;
	const uint8_t *p = pr->raw.data;
	size_t vlen;
	uint8_t *buf;
	int rc;

	/* the decode of the header checked lev <= compressed_page_size */
	if ((size_t)h->uncompressed_page_size < lev)
		return page_fail(pr, HY_EFORMAT, err, "level lengths exceed the page size");
	vlen = (size_t)h->uncompressed_page_size - lev;
	pg->num_levels = (uint32_t)v2->num_values;
	pg->encoding = v2->encoding;
	HY_TRY(levels(pr, pg, &p, pr->raw.data + lev, true, err));
	if (pr->max_rep == 0 && pg->num_levels - pg->num_present != (uint32_t)v2->num_nulls)
		return page_fail(pr, HY_EFORMAT, err, "num_nulls differs from the levels");
	/* Levels are never compressed; the values only when is_compressed. */
	if (!v2->is_compressed || pr->codec == HY_PQ_CODEC_UNCOMPRESSED) {
		if (pr->raw.len - lev != vlen)
			return page_fail(pr, HY_EFORMAT, err,
					 "uncompressed values differ from the page size");
		pg->values = pr->raw.data + lev;
		pg->values_len = vlen;
		return 0;
	}
	buf = scratch(&pr->plain, vlen, err, &rc);
	if (buf == NULL)
		return rc;
	HY_TRY(hy_pq_decompress(pr->codec, pr->raw.data + lev, pr->raw.len - lev, buf, vlen, err));
	pg->values = buf;
	pg->values_len = vlen;
	return 0;
}

static int dictionary(struct hy__pq_pages *pr, struct hy__pq_page *pg, struct hy_error *err)
{
	const struct hy_pq_page_header *h = &pg->header;
	size_t n = (size_t)h->uncompressed_page_size;
	uint8_t *buf;
	int rc;

	if (h->dictionary.encoding != HY_PQ_ENC_PLAIN &&
	    h->dictionary.encoding != HY_PQ_ENC_PLAIN_DICTIONARY)
		return HY__PQ_FAIL(err, HY_EUNSUPPORTED, "dictionary page encoded %s",
				   hy_pq_encoding_name(h->dictionary.encoding));
	if (pr->data_seen || pr->dict_seen)
		return page_fail(pr, HY_EFORMAT, err,
				 "a dictionary page that is not the chunk's first page");
	buf = scratch(&pr->plain, n, err, &rc);
	if (buf == NULL)
		return rc;
	HY_TRY(hy_pq_decompress(pr->codec, pr->raw.data, pr->raw.len, buf, n, err));
	pg->num_levels = (uint32_t)h->dictionary.num_values;
	pg->num_present = pg->num_levels;
	pg->encoding = HY_PQ_ENC_PLAIN;
	pg->values = buf;
	pg->values_len = n;
	return 0;
}

/* One page at pr->pos; *skip for index and unknown pages. */
static int page(struct hy__pq_pages *pr, struct hy__pq_page *pg, size_t *used, bool *skip,
		struct hy_error *err)
{
	HY_TRY(read_header(pr, &pg->header, used, err));
	HY_TRY(read_body(pr, &pg->header, *used, err));
	*skip = false;
	switch (pg->header.type) {
	case HY_PQ_PAGE_DATA: return data_v1(pr, pg, err);
	case HY_PQ_PAGE_DATA_V2: return data_v2(pr, pg, err);
	case HY_PQ_PAGE_DICTIONARY: return dictionary(pr, pg, err);
	}
	/* INDEX_PAGE and future types: skipped by size (README: "page types can
	 * be added and safely skipped"). */
	*skip = true;
	return 0;
}

int hy__pq_pages_next(struct hy__pq_pages *pr, struct hy__pq_page *pg, bool *eof,
		      struct hy_error *err)
{
	for (;;) {
		size_t used = 0;
		bool skip = false;
		int rc;

		memset(pg, 0, sizeof(*pg));
		*eof = pr->pos >= pr->end || (pr->padded && pr->values_left <= 0);
		if (*eof)
			return 0;
		rc = page(pr, pg, &used, &skip, err);
		if (rc != 0) {
			hy_error_prefix(err, "parquet: page %u at offset %llu", pr->page_index,
					(unsigned long long)pr->pos);
			return rc;
		}
		pr->pos += used + (uint64_t)pg->header.compressed_page_size;
		pr->page_index++;
		if (skip)
			continue;
		pr->data_seen |= pg->header.type != HY_PQ_PAGE_DICTIONARY;
		if (pg->header.type != HY_PQ_PAGE_DICTIONARY)
			pr->values_left -= (int64_t)pg->num_levels;
		pr->dict_seen |= pg->header.type == HY_PQ_PAGE_DICTIONARY;
		return 0;
	}
}
