/* Column chunk pages: decompression, v1/v2 level sections, CRC, PLAIN values
 * of corpus files against values read by an independent reader (hyparquet,
 * tests/oracle), and every chunk of the corpus read without a crash. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hy_test.h"
#include "hygge/buffer.h"
#include "hygge/parquet.h"
#include "pq_int.h"

#define CORPUS HY_TEST_DATA_DIR "/parquet-testing"

struct file {
	struct hy_pq_source src;
	struct hy_pq_metadata *md;
};

static void file_open(struct file *f, const char *rel)
{
	char path[512];
	struct hy_error err = {0};

	snprintf(path, sizeof(path), "%s/%s", CORPUS, rel);
	if (hy_pq_source_open_file(&f->src, path, &err) != 0 ||
	    hy_pq_metadata_read(&f->src, &f->md, &err) != 0)
		fail_msg("%s: %s", rel, err.msg);
}

static void file_close(struct file *f)
{
	hy_pq_metadata_destroy(f->md);
	hy_pq_source_close(&f->src);
}

/* What a walk over one chunk saw. */
struct tally {
	int data_pages, dict_pages;
	uint64_t levels, present;
	int64_t sum;      /* of INT32/INT64 PLAIN values and dictionary-decoded ones */
	int64_t first[8]; /* the first values, in order */
	size_t nfirst;
	uint32_t dict_size;
	uint32_t max_index; /* largest dictionary index of the last page */
	int64_t dict[64];   /* INT32/INT64 dictionary entries (the first 64) */
};

/* PLAIN values of one page through pq_encoding.h: integers widened into
 * `ints` (BOOLEAN as 0/1), byte arrays into `bytes`; *count of them. */
static int plain_ints(int type, int32_t tlen, const uint8_t *buf, size_t len, size_t count,
		      struct hy_buf *scratch, int64_t **ints, struct hy_error *err)
{
	size_t width = type == HY_PQ_INT32 || type == HY_PQ_FLOAT    ? 4
		       : type == HY_PQ_INT64 || type == HY_PQ_DOUBLE ? 8
		       : type == HY_PQ_INT96                         ? 12
		       : type == HY_PQ_FIXED_LEN_BYTE_ARRAY          ? (size_t)(tlen > 0 ? tlen : 0)
								     : 0;
	int64_t *out;
	int rc;

	hy_buf_clear(scratch);
	if (count > (1u << 26))
		return hy_error_set(err, HY_EFORMAT, "too many values");
	HY_TRY(hy_buf_reserve(scratch, count * (sizeof(int64_t) + 16) + 16, err));
	out = (int64_t *)(void *)scratch->data;
	*ints = out;
	if (type == HY_PQ_BOOLEAN) {
		uint8_t *b = (uint8_t *)(out + count);

		rc = hy_pq_plain_decode_bool(buf, len, count, b, NULL, err);
		for (size_t i = 0; rc == 0 && i < count; i++)
			out[i] = b[i];
		return rc;
	}
	if (type == HY_PQ_BYTE_ARRAY) {
		struct hy_buf data;
		int32_t *offs = malloc((count + 1) * sizeof(int32_t));

		assert_non_null(offs);
		hy_buf_init(&data, 1 << 28);
		offs[0] = 0;
		rc = hy_pq_plain_decode_byte_array(buf, len, count, offs, &data, NULL, err);
		for (size_t i = 0; rc == 0 && i < count; i++)
			out[i] = offs[i + 1] - offs[i];
		hy_buf_reset(&data);
		free(offs);
		return rc;
	}
	if (width == 0)
		return hy_error_set(err, HY_EFORMAT, "no width");
	if (width == 4 || width == 8) {
		void *tmp = malloc(count * width + 1);

		assert_non_null(tmp);
		rc = hy_pq_plain_decode_fixed(buf, len, count, width, tmp, NULL, err);
		for (size_t i = 0; rc == 0 && i < count; i++) {
			int32_t i32;

			if (width == 4) {
				memcpy(&i32, (uint8_t *)tmp + 4 * i, 4);
				out[i] = i32;
			} else {
				memcpy(&out[i], (uint8_t *)tmp + 8 * i, 8);
			}
		}
		free(tmp);
		return rc;
	}
	{
		void *tmp = malloc(count * width + 1);

		assert_non_null(tmp);
		rc = hy_pq_plain_decode_fixed(buf, len, count, width, tmp, NULL, err);
		free(tmp);
		for (size_t i = 0; rc == 0 && i < count; i++)
			out[i] = 0;
		return rc;
	}
}

static void add_value(struct tally *t, int64_t x)
{
	t->sum += x;
	if (t->nfirst < 8)
		t->first[t->nfirst++] = x;
}

static int walk_chunk(const struct file *f, size_t rg, size_t col, bool crc, struct tally *t,
		      struct hy_error *err)
{
	struct hy__pq_pages pr;
	struct hy_buf scratch;
	int type = f->md->schema[f->md->leaves[col].schema_index].type;
	int32_t tlen = f->md->schema[f->md->leaves[col].schema_index].type_length;
	int rc;

	memset(t, 0, sizeof(*t));
	hy_buf_init(&scratch, 1 << 28);
	rc = hy__pq_pages_open(&pr, &f->src, f->md, rg, col, err);
	pr.verify_crc = crc;
	while (rc == 0) {
		struct hy__pq_page pg;
		int64_t *v = NULL;
		bool eof;

		rc = hy__pq_pages_next(&pr, &pg, &eof, err);
		if (rc != 0 || eof)
			break;
		t->levels += pg.header.type == HY_PQ_PAGE_DICTIONARY ? 0 : pg.num_levels;
		if (pg.header.type == HY_PQ_PAGE_DICTIONARY) {
			t->dict_pages++;
			rc = plain_ints(type, tlen, pg.values, pg.values_len, pg.num_present,
					&scratch, &v, err);
			t->dict_size = pg.num_present;
			for (size_t i = 0;
			     rc == 0 && (type == HY_PQ_INT32 || type == HY_PQ_INT64) &&
			     i < pg.num_present && i < 64;
			     i++)
				t->dict[i] = v[i];
			continue;
		}
		t->data_pages++;
		t->present += pg.num_present;
		if (pg.encoding == HY_PQ_ENC_PLAIN) {
			rc = plain_ints(type, tlen, pg.values, pg.values_len, pg.num_present,
					&scratch, &v, err);
			if (rc == 0 &&
			    (type == HY_PQ_INT32 || type == HY_PQ_INT64 || type == HY_PQ_BOOLEAN))
				for (size_t i = 0; i < pg.num_present; i++)
					add_value(t, v[i]);
		} else if (pg.encoding == HY_PQ_ENC_RLE_DICTIONARY ||
			   pg.encoding == HY_PQ_ENC_PLAIN_DICTIONARY) {
			uint32_t *idx = malloc(sizeof(uint32_t) * (pg.num_present + 1));

			assert_non_null(idx);
			rc = hy_pq_dict_indices_decode(pg.values, pg.values_len, pg.num_present,
						       t->dict_size, idx, err);
			t->max_index = 0;
			for (uint32_t i = 0; rc == 0 && i < pg.num_present; i++) {
				t->max_index = idx[i] > t->max_index ? idx[i] : t->max_index;
				if ((type == HY_PQ_INT32 || type == HY_PQ_INT64) && idx[i] < 64)
					add_value(t, t->dict[idx[i]]);
			}
			free(idx);
		}
	}
	hy__pq_pages_close(&pr);
	hy_buf_reset(&scratch);
	return rc;
}

static void walk_ok(const struct file *f, size_t rg, size_t col, bool crc, struct tally *t)
{
	struct hy_error err = {0};

	if (walk_chunk(f, rg, col, crc, t, &err) != 0)
		fail_msg("row group %zu column %zu: %s", rg, col, err.msg);
}

static void test_checksums(void **state)
{
	static const char *const ok[] = {"data/datapage_v1-uncompressed-checksum.parquet",
					 "data/datapage_v1-snappy-compressed-checksum.parquet"};
	struct file f;
	struct tally t;
	struct hy_error err = {0};

	(void)state;
	for (int i = 0; i < 2; i++) {
		file_open(&f, ok[i]);
		walk_ok(&f, 0, 0, true, &t);
		assert_int_equal(t.data_pages, 2);
		assert_int_equal(t.levels, 5120);
		assert_true(t.sum == 43118090240LL);
		assert_int_equal(t.first[0], 50462976);
		assert_int_equal(t.first[1], 117835012);
		walk_ok(&f, 0, 1, true, &t);
		assert_true(t.sum == 129016125440LL);
		file_close(&f);
	}

	/* a bad CRC on column a page 0 and column b page 1 */
	file_open(&f, "data/datapage_v1-corrupt-checksum.parquet");
	assert_int_equal(walk_chunk(&f, 0, 0, true, &t, &err), HY_EFORMAT);
	assert_non_null(strstr(err.msg, "page 0 at offset 4: CRC mismatch"));
	hy_error_init(&err);
	assert_int_equal(walk_chunk(&f, 0, 1, true, &t, &err), HY_EFORMAT);
	assert_non_null(strstr(err.msg, "page 1 "));
	walk_ok(&f, 0, 0, false, &t); /* off by default: the data reads */
	assert_int_equal(t.levels, 5120);
	file_close(&f);

	/* the bad CRC is on the dictionary page */
	file_open(&f, "data/rle-dict-uncompressed-corrupt-checksum.parquet");
	hy_error_init(&err);
	assert_int_equal(walk_chunk(&f, 0, 0, true, &t, &err), HY_EFORMAT);
	assert_non_null(strstr(err.msg, "page 0 at offset 4: CRC mismatch"));
	file_close(&f);
	file_open(&f, "data/rle-dict-snappy-checksum.parquet");
	walk_ok(&f, 0, 0, true, &t);
	walk_ok(&f, 0, 1, true, &t);
	file_close(&f);
}

static void test_codecs_and_v2(void **state)
{
	struct file f;
	struct tally t;

	(void)state;
	/* v2 page, GZIP payload of two members, INT64 1..513 */
	file_open(&f, "data/concatenated_gzip_members.parquet");
	walk_ok(&f, 0, 0, true, &t);
	assert_int_equal(t.levels, 513);
	assert_int_equal(t.present, 513);
	assert_int_equal(t.sum, 131841);
	assert_int_equal(t.first[0], 1);
	assert_int_equal(t.first[7], 8);
	file_close(&f);

	/* LZ4_RAW: c0 INT64 */
	file_open(&f, "data/lz4_raw_compressed.parquet");
	walk_ok(&f, 0, 0, true, &t);
	assert_true(t.sum == 6374419202LL);
	assert_int_equal(t.first[0], 1593604800);
	assert_int_equal(t.first[2], 1593604801);
	for (size_t c = 1; c < 3; c++)
		walk_ok(&f, 0, c, true, &t);
	file_close(&f);

	/* LZ4 (5) with and without Hadoop framing: same data */
	file_open(&f, "data/hadoop_lz4_compressed.parquet");
	walk_ok(&f, 0, 0, true, &t);
	assert_true(t.sum == 6374419202LL);
	file_close(&f);
	file_open(&f, "data/non_hadoop_lz4_compressed.parquet");
	walk_ok(&f, 0, 0, true, &t);
	assert_true(t.sum == 6374419202LL);
	file_close(&f);
	file_open(&f, "data/hadoop_lz4_compressed_larger.parquet");
	walk_ok(&f, 0, 0, true, &t);
	assert_int_equal(t.present, 10000);
	file_close(&f);

	/* v2 page with a 0-byte SNAPPY values section: never handed to snappy */
	file_open(&f, "data/datapage_v2_empty_datapage.snappy.parquet");
	walk_ok(&f, 0, 0, true, &t);
	assert_int_equal(t.levels, 1);
	assert_int_equal(t.present, 0);
	file_close(&f);

	/* empty dictionary page, ZSTD frame inflating to 0 bytes */
	file_open(&f, "data/page_v2_empty_compressed.parquet");
	walk_ok(&f, 0, 0, true, &t);
	assert_int_equal(t.dict_pages, 1);
	assert_int_equal(t.dict_size, 0);
	assert_int_equal(t.levels, 10);
	assert_int_equal(t.present, 0);
	file_close(&f);

	/* nulls from definition levels: 275 of 1000, 10 pages with CRCs */
	file_open(&f, "data/int32_with_null_pages.parquet");
	walk_ok(&f, 0, 0, true, &t);
	assert_int_equal(t.data_pages, 10);
	assert_int_equal(t.levels, 1000);
	assert_int_equal(t.present, 725);
	assert_true(t.sum == -12383254597LL);
	assert_int_equal(t.first[0], -654807448);
	assert_int_equal(t.first[4], 2018642597); /* the 5th row is null */
	file_close(&f);

	/* 40,000 one-value pages of PLAIN booleans, all false */
	file_open(&f, "data/overflow_i16_page_cnt.parquet");
	walk_ok(&f, 0, 0, false, &t);
	assert_int_equal(t.data_pages, 40000);
	assert_int_equal(t.present, 40000);
	assert_int_equal(t.sum, 0);
	file_close(&f);
}

static void test_dictionary_and_levels(void **state)
{
	static const int64_t ids[] = {4, 5, 6, 7, 2, 3, 0, 1};
	struct file f;
	struct tally t;

	(void)state;
	/* PLAIN_DICTIONARY pages after a PLAIN_DICTIONARY-encoded dictionary page */
	file_open(&f, "data/alltypes_plain.parquet");
	walk_ok(&f, 0, 0, true, &t);
	assert_int_equal(t.dict_pages, 1);
	assert_int_equal(t.levels, 8);
	assert_int_equal(t.nfirst, 8);
	assert_memory_equal(t.first, ids, sizeof(ids));
	for (size_t c = 0; c < f.md->num_leaves; c++)
		walk_ok(&f, 0, c, true, &t);
	file_close(&f);

	/* dictionary indices of bit width 0: all zero (legal, all oracles agree) */
	file_open(&f, "bad_data/ARROW-GH-43605.parquet");
	walk_ok(&f, 0, 0, true, &t);
	assert_int_equal(t.levels, 21186);
	assert_true(t.present > 0);
	assert_int_equal(t.max_index, 0);
	assert_int_equal(t.sum, t.dict[0] * (int64_t)t.present);
	file_close(&f);

	/* optional struct of an optional int, always null: def levels 0/1 of 2 */
	file_open(&f, "data/nulls.snappy.parquet");
	walk_ok(&f, 0, 0, true, &t);
	assert_int_equal(t.levels, 8);
	assert_int_equal(t.present, 0);
	file_close(&f);

	/* repetition levels of nested lists (max rep 3) decode */
	file_open(&f, "data/nested_lists.snappy.parquet");
	walk_ok(&f, 0, 0, true, &t);
	assert_true(t.levels > 3);
	file_close(&f);
}

static void test_bad_pages(void **state)
{
	struct file f;
	struct tally t;
	struct hy_error err = {0};

	(void)state;
	/* REQUIRED column whose pages still carry levels: values run short */
	file_open(&f, "bad_data/ARROW-GH-47662.parquet");
	assert_int_equal(walk_chunk(&f, 0, 0, false, &t, &err), HY_EFORMAT);
	assert_non_null(strstr(err.msg, "PLAIN"));
	file_close(&f);

	/* a negative dictionary count in a page header */
	file_open(&f, "bad_data/ARROW-RS-GH-6229-DICTHEADER.parquet");
	for (size_t c = 0; c < f.md->num_leaves; c++) {
		hy_error_init(&err);
		if (walk_chunk(&f, 0, c, false, &t, &err) != 0)
			assert_true(err.code == HY_EFORMAT || err.code == HY_EUNSUPPORTED);
	}
	file_close(&f);

	/* v2 page whose first repetition level is 1 is refused (v1 here: read) */
	file_open(&f, "bad_data/ARROW-GH-45185.parquet");
	hy_error_init(&err);
	(void)walk_chunk(&f, 0, 0, false, &t, &err);
	file_close(&f);
}

static int chunks_ok, chunks_failed;

static int walk_file(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	struct hy_error err = {0};
	struct file f;

	(void)st;
	(void)ftw;
	if (flag != FTW_F || strstr(path, ".parquet") == NULL || strstr(path, ".encrypted") != NULL)
		return 0;
	if (hy_pq_source_open_file(&f.src, path, &err) != 0)
		fail_msg("%s: %s", path, err.msg);
	if (hy_pq_metadata_read(&f.src, &f.md, &err) != 0) {
		hy_pq_source_close(&f.src);
		return 0;
	}
	for (size_t g = 0; g < f.md->num_row_groups; g++) {
		for (size_t c = 0; c < f.md->num_leaves; c++) {
			struct tally t;
			int rc;

			hy_error_init(&err);
			rc = walk_chunk(&f, g, c, true, &t, &err);
			if (rc == 0) {
				chunks_ok++;
				continue;
			}
			if (rc != HY_EFORMAT && rc != HY_EUNSUPPORTED && rc != HY_ELIMIT)
				fail_msg("%s: %d %s", path, rc, err.msg);
			assert_true(err.msg[0] != 0);
			if (getenv("HY_TEST_VERBOSE") != NULL)
				fprintf(stderr, "%s rg %zu col %zu: %s\n", path, g, c, err.msg);
			chunks_failed++;
		}
	}
	file_close(&f);
	return 0;
}

/* Every chunk of every readable corpus file: read or a clean error. */
static void test_corpus_chunks(void **state)
{
	(void)state;
	chunks_ok = chunks_failed = 0;
	assert_int_equal(nftw(CORPUS "/data", walk_file, 16, FTW_PHYS), 0);
	assert_int_equal(nftw(CORPUS "/bad_data", walk_file, 16, FTW_PHYS), 0);
	assert_true(chunks_ok > 700);
	/* the CRC-corrupt files, BROTLI, and bad_data */
	assert_true(chunks_failed >= 3 && chunks_failed < 20);
}

static void test_dict_indices(void **state)
{
	/* width 2: RLE run of 3 x 2, then a bit-packed group 0,1,2,3,0,1,2,3 */
	static const uint8_t ok[] = {2, 0x06, 0x02, 0x03, 0xe4, 0xe4};
	static const uint8_t past[] = {2, 0x02, 0x03};
	uint32_t out[11];
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(hy_pq_dict_indices_decode(ok, sizeof(ok), 11, 4, out, &err), 0);
	assert_int_equal(out[0], 2);
	assert_int_equal(out[2], 2);
	assert_int_equal(out[3], 0);
	assert_int_equal(out[6], 3);
	assert_int_equal(out[10], 3);
	assert_int_equal(hy_pq_dict_indices_decode(ok, sizeof(ok), 11, 3, out, &err), HY_EFORMAT);
	assert_true(err.msg[0] != 0);
	hy_error_init(&err);
	assert_int_equal(hy_pq_dict_indices_decode(past, sizeof(past), 1, 3, out, &err),
			 HY_EFORMAT);
	hy_error_init(&err);
	assert_int_equal(hy_pq_dict_indices_decode(ok, 0, 1, 3, out, &err), HY_EFORMAT);
	assert_int_equal(hy_pq_dict_indices_decode(ok, 0, 0, 0, out, &err), 0); /* nothing wanted */
}

static void test_plain_decode(void **state)
{
	static const uint8_t ba[] = {3, 0, 0, 0, 'a', 'b', 'c', 0, 0, 0, 0, 1, 0, 0, 0, 'z'};
	static const uint8_t bools[] = {0xa5, 0x01};
	struct hy_buf data;
	int32_t offs[4] = {0};
	uint8_t b[17], fixed[16];
	size_t used = 0;
	struct hy_error err = {0};

	(void)state;
	hy_buf_init(&data, 1 << 20);
	assert_int_equal(hy_pq_plain_decode_byte_array(ba, sizeof(ba), 3, offs, &data, &used, &err),
			 0);
	assert_int_equal(offs[1] - offs[0], 3);
	assert_memory_equal(data.data + offs[0], "abc", 3);
	assert_int_equal(offs[2] - offs[1], 0); /* empty, not null */
	assert_int_equal(offs[3] - offs[2], 1);
	assert_int_equal(used, sizeof(ba));
	hy_buf_clear(&data);
	assert_int_equal(
		hy_pq_plain_decode_byte_array(ba, sizeof(ba) - 1, 3, offs, &data, &used, &err),
		HY_EFORMAT);
	hy_error_init(&err);
	assert_int_equal(hy_pq_plain_decode_bool(bools, 2, 9, b, NULL, &err), 0);
	assert_int_equal(b[0], 1);
	assert_int_equal(b[1], 0);
	assert_int_equal(b[2], 1);
	assert_int_equal(b[5], 1);
	assert_int_equal(b[7], 1);
	assert_int_equal(b[8], 1);
	assert_int_equal(hy_pq_plain_decode_bool(bools, 2, 17, b, NULL, &err), HY_EFORMAT);
	hy_error_init(&err);
	assert_int_equal(hy_pq_plain_decode_fixed(ba, sizeof(ba), 3, 5, fixed, NULL, &err), 0);
	/* two INT96 need 24 bytes */
	assert_int_equal(hy_pq_plain_decode_fixed(ba, sizeof(ba), 2, 12, fixed, NULL, &err),
			 HY_EFORMAT);
	hy_buf_reset(&data);
}

/* Every allocation of opening, reading the footer and walking every chunk
 * fails once in turn: a clean HY_ENOMEM, nothing leaked (ASan). */
static int read_all(const char *path)
{
	struct hy_error err = {0};
	struct file f;
	int rc;

	rc = hy_pq_source_open_file(&f.src, path, &err);
	if (rc != 0)
		return rc;
	rc = hy_pq_metadata_read(&f.src, &f.md, &err);
	if (rc != 0) {
		hy_pq_source_close(&f.src);
		return rc;
	}
	for (size_t g = 0; rc == 0 && g < f.md->num_row_groups; g++) {
		for (size_t c = 0; rc == 0 && c < f.md->num_leaves; c++) {
			struct tally t;

			rc = walk_chunk(&f, g, c, true, &t, &err);
		}
	}
	file_close(&f);
	return rc;
}

static void test_alloc_failures(void **state)
{
	int rc;

	(void)state;
	HY_FOR_EACH_ALLOC_FAILURE(rc, rc = read_all(CORPUS "/data/alltypes_plain.snappy.parquet"));
	HY_FOR_EACH_ALLOC_FAILURE(rc, rc = read_all(CORPUS "/data/datapage_v2.snappy.parquet"));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_checksums),
	cmocka_unit_test(test_codecs_and_v2),
	cmocka_unit_test(test_dictionary_and_levels),
	cmocka_unit_test(test_bad_pages),
	cmocka_unit_test(test_corpus_chunks),
	cmocka_unit_test(test_plain_decode),
	cmocka_unit_test(test_dict_indices),
	cmocka_unit_test(test_alloc_failures),
};
HY_TEST_MAIN(tests)
