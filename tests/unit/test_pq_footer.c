/* The Parquet footer: FileMetaData over the whole parquet-testing corpus,
 * checked against the facts of its MANIFEST.md, the quirks of the checklist,
 * the schema tree, truncations, byte flips and allocation failures. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hy_test.h"
#include "hygge/buffer.h"
#include "hygge/parquet.h"
#include "pq_int.h"

#define CORPUS HY_TEST_DATA_DIR "/parquet-testing"

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data;
	long size;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size >= 0);
	rewind(f);
	data = malloc((size_t)size + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	*len = (size_t)size;
	return data;
}

/* The FileMetaData bytes of a whole file held in memory. */
static const uint8_t *footer_of(const uint8_t *file, size_t len, size_t *flen)
{
	uint32_t n;

	assert_true(len >= 12);
	n = (uint32_t)file[len - 8] | (uint32_t)file[len - 7] << 8 | (uint32_t)file[len - 6] << 16 |
	    (uint32_t)file[len - 5] << 24;
	assert_true(n + 8u <= len);
	*flen = n;
	return file + len - 8 - n;
}

static int read_mem(const uint8_t *data, size_t len, struct hy_pq_metadata **md,
		    struct hy_error *err)
{
	struct hy_pq_source src;

	hy_pq_source_init_memory(&src, data, len);
	return hy_pq_metadata_read(&src, md, err);
}

static bool clean_failure(int rc, const struct hy_error *err)
{
	return (rc == HY_EFORMAT || rc == HY_EUNSUPPORTED || rc == HY_ELIMIT) && err->code == rc &&
	       err->msg[0] != 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Each file of the manifest's tables: rows, leaf columns, shape and row
 * groups as the manifest's independent parser read them. */
static void test_manifest_facts(void **state)
{
	FILE *tsv = fopen(HY_TEST_DATA_DIR "/pq_manifest_expect.tsv", "r");
	char line[1024];
	int checked = 0;

	(void)state;
	assert_non_null(tsv);
	while (fgets(line, sizeof(line), tsv) != NULL) {
		char rel[512], shape[16], path[1024];
		long long rows;
		size_t leaves, rgs, len, flen = 0;
		struct hy_error err = {0};
		struct hy_pq_metadata *md = NULL;
		uint8_t *file;
		const uint8_t *footer;
		int rc;

		if (line[0] == '#')
			continue;
		assert_int_equal(
			sscanf(line, "%511s %lld %zu %15s %zu", rel, &rows, &leaves, shape, &rgs),
			5);
		snprintf(path, sizeof(path), "%s/%s", CORPUS, rel);
		rc = hy_pq_metadata_read_file(path, &md, &err);
		if (ends_with(rel, ".encrypted")) {
			/* plaintext footer: refused by _read, decodable by _parse */
			assert_int_equal(rc, HY_EUNSUPPORTED);
			assert_non_null(strstr(err.msg, "encrypted Parquet is not supported"));
			file = slurp(path, &len);
			hy_error_init(&err);
			footer = footer_of(file, len, &flen);
			rc = hy_pq_metadata_parse(footer, flen, &md, &err);
			free(file);
			assert_int_equal(rc, 0);
		} else if (strncmp(rel, "bad_data/", 9) == 0 && rc != 0) {
			assert_true(clean_failure(rc, &err));
			continue;
		}
		if (rc != 0)
			fail_msg("%s: %s", rel, err.msg);
		if (md->num_rows != rows || md->num_leaves != leaves || md->num_row_groups != rgs)
			fail_msg("%s: rows %lld leaves %zu row groups %zu, manifest %lld %zu %zu",
				 rel, (long long)md->num_rows, md->num_leaves, md->num_row_groups,
				 rows, leaves, rgs);
		for (size_t i = 0; i < md->num_leaves; i++) {
			bool flat = md->leaves[i].shape == HY_PQ_LEAF_FLAT;

			if (strcmp(shape, "flat") == 0 && !flat)
				fail_msg("%s: leaf %s is not flat", rel, md->leaves[i].path);
		}
		if (strcmp(shape, "nested") == 0) {
			bool any = false;

			for (size_t i = 0; i < md->num_leaves; i++)
				any |= md->leaves[i].shape != HY_PQ_LEAF_FLAT;
			if (!any)
				fail_msg("%s: manifest says nested, every leaf is flat", rel);
		}
		hy_pq_metadata_destroy(md);
		checked++;
	}
	fclose(tsv);
	assert_true(checked >= 80);
}

static int walk_parsed, walk_failed;

static int walk_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	struct hy_error err = {0};
	struct hy_pq_metadata *md = NULL;
	int rc;

	(void)st;
	(void)ftw;
	if (flag != FTW_F)
		return 0;
	rc = hy_pq_metadata_read_file(path, &md, &err);
	if (rc == 0) {
		assert_true(md->row_count >= 0);
		hy_pq_metadata_destroy(md);
		walk_parsed++;
	} else {
		if (!clean_failure(rc, &err))
			fail_msg("%s: status %d, %s", path, rc, err.msg);
		if (ends_with(path, ".parquet") && strstr(path, "/bad_data/") == NULL)
			fail_msg("%s: %s", path, err.msg);
		walk_failed++;
	}
	return 0;
}

/* Every file under data/ and bad_data/ (the .md, .csv and .json companions
 * included) either parses or fails with a clean status; every .parquet file
 * under data/ parses. */
static void test_corpus_walk(void **state)
{
	(void)state;
	walk_parsed = walk_failed = 0;
	assert_int_equal(nftw(CORPUS "/data", walk_one, 16, FTW_PHYS), 0);
	assert_int_equal(nftw(CORPUS "/bad_data", walk_one, 16, FTW_PHYS), 0);
	assert_true(walk_parsed >= 80);
	assert_true(walk_failed >= 10);
}

static int walk_encrypted(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	struct hy_error err = {0};
	struct hy_pq_metadata *md = NULL;

	(void)st;
	(void)ftw;
	if (flag != FTW_F || !ends_with(path, ".parquet.encrypted"))
		return 0;
	assert_int_equal(hy_pq_metadata_read_file(path, &md, &err), HY_EUNSUPPORTED);
	assert_null(md);
	assert_non_null(strstr(err.msg, ": encrypted Parquet is not supported"));
	walk_parsed++;
	return 0;
}

static void test_encrypted_refused(void **state)
{
	(void)state;
	walk_parsed = 0;
	assert_int_equal(nftw(CORPUS "/data", walk_encrypted, 16, FTW_PHYS), 0);
	assert_int_equal(walk_parsed, 13);
}

static struct hy_pq_metadata *open_corpus(const char *rel)
{
	char path[512];
	struct hy_error err = {0};
	struct hy_pq_metadata *md = NULL;

	snprintf(path, sizeof(path), "%s/%s", CORPUS, rel);
	if (hy_pq_metadata_read_file(path, &md, &err) != 0)
		fail_msg("%s", err.msg);
	return md;
}

static void test_alltypes_plain(void **state)
{
	static const char *const names[] = {"id",           "bool_col",     "tinyint_col",
					    "smallint_col", "int_col",      "bigint_col",
					    "float_col",    "double_col",   "date_string_col",
					    "string_col",   "timestamp_col"};
	static const int types[] = {HY_PQ_INT32,      HY_PQ_BOOLEAN,    HY_PQ_INT32, HY_PQ_INT32,
				    HY_PQ_INT32,      HY_PQ_INT64,      HY_PQ_FLOAT, HY_PQ_DOUBLE,
				    HY_PQ_BYTE_ARRAY, HY_PQ_BYTE_ARRAY, HY_PQ_INT96};
	struct hy_pq_metadata *md = open_corpus("data/alltypes_plain.parquet");
	const struct hy_pq_row_group *rg = &md->row_groups[0];
	uint64_t start, len;
	struct hy_error err = {0};

	(void)state;
	assert_int_equal(md->version, 1);
	assert_int_equal(md->row_count, 8);
	assert_int_equal(md->num_schema, 12);
	assert_string_equal(md->schema[0].name.ptr, "schema");
	assert_int_equal(md->num_leaves, 11);
	for (size_t i = 0; i < 11; i++) {
		const struct hy_pq_leaf *leaf = &md->leaves[i];

		assert_string_equal(leaf->path, names[i]);
		assert_int_equal(leaf->schema_index, i + 1);
		assert_int_equal(md->schema[leaf->schema_index].type, types[i]);
		assert_int_equal(leaf->max_def_level, 1);
		assert_int_equal(leaf->max_rep_level, 0);
		assert_int_equal(leaf->shape, HY_PQ_LEAF_FLAT);
		assert_int_equal(rg->columns[i].meta.type, types[i]);
		assert_int_equal(rg->columns[i].meta.codec, HY_PQ_CODEC_UNCOMPRESSED);
		assert_int_equal(rg->columns[i].meta.num_values, 8);
		assert_int_equal(hy_pq_chunk_range(&rg->columns[i], 1851, &start, &len, &err), 0);
		assert_true(start >= 4 && start + len <= 1851);
	}
	assert_int_equal(md->num_column_orders, 0);
	assert_non_null(strstr(md->created_by.ptr, "impala"));
	/* PLAIN_DICTIONARY dictionary pages: the encodings list names them */
	assert_true(rg->columns[0].meta.num_encodings >= 2);
	hy_pq_metadata_destroy(md);
}

static void test_logical_types(void **state)
{
	struct hy_pq_metadata *md = open_corpus("data/unknown-logical-type.parquet");
	const struct hy_pq_schema_element *a, *b;

	(void)state;
	a = &md->schema[md->leaves[0].schema_index];
	b = &md->schema[md->leaves[1].schema_index];
	assert_int_equal(a->logical.kind, HY_PQ_LT_STRING);
	assert_int_equal(b->logical.kind, HY_PQ_LT_UNRECOGNIZED);
	assert_int_equal(b->logical.member_id, 2555);
	assert_int_equal(b->type, HY_PQ_BYTE_ARRAY);
	assert_non_null(strchr(md->leaves[1].path, ' ')); /* names keep their spaces */
	hy_pq_metadata_destroy(md);

	md = open_corpus("data/geospatial/geospatial.parquet");
	assert_int_equal(md->schema[md->leaves[2].schema_index].logical.kind, HY_PQ_LT_GEOMETRY);
	assert_int_equal(md->num_row_groups, 31);
	hy_pq_metadata_destroy(md);

	md = open_corpus("data/concatenated_gzip_members.parquet");
	a = &md->schema[md->leaves[0].schema_index];
	assert_int_equal(a->logical.kind, HY_PQ_LT_INTEGER);
	assert_int_equal(a->logical.bit_width, 64);
	assert_false(a->logical.is_signed);
	hy_pq_metadata_destroy(md);

	md = open_corpus("data/fixed_length_decimal.parquet");
	a = &md->schema[md->leaves[0].schema_index];
	assert_int_equal(a->type, HY_PQ_FIXED_LEN_BYTE_ARRAY);
	assert_int_equal(a->type_length, 11);
	assert_int_equal(a->converted_type, HY_PQ_CT_DECIMAL);
	assert_true(a->has_precision && a->has_scale);
	assert_int_equal(a->precision, 25);
	assert_int_equal(a->scale, 2);
	hy_pq_metadata_destroy(md);

	md = open_corpus("data/aes256/../alltypes_tiny_pages.parquet");
	a = &md->schema[md->leaves[2].schema_index];
	assert_int_equal(a->logical.kind, HY_PQ_LT_INTEGER);
	assert_int_equal(a->logical.bit_width, 8);
	assert_true(a->logical.is_signed);
	hy_pq_metadata_destroy(md);
}

/* §3.5 / §15 metadata quirks. */
static void test_quirks(void **state)
{
	struct hy_pq_metadata *md;
	const struct hy_pq_column_meta *m;
	struct hy_error err = {0};
	uint64_t start, len;

	(void)state;
	/* field 15 holds a list<struct>: skipped; dictionary_page_offset 0 = absent */
	md = open_corpus("data/dict-page-offset-zero.parquet");
	m = &md->row_groups[0].columns[0].meta;
	assert_false(m->has_bloom_filter_length);
	assert_true(m->has_dictionary_page_offset);
	assert_int_equal(m->dictionary_page_offset, 0);
	assert_int_equal(hy_pq_chunk_range(&md->row_groups[0].columns[0], 635, &start, &len, &err),
			 0);
	assert_int_equal(start, m->data_page_offset);
	hy_pq_metadata_destroy(md);

	/* KeyValue without value; data_page_offset 0 in a dictionary-only chunk */
	md = open_corpus("data/column_chunk_key_value_metadata.parquet");
	m = &md->row_groups[0].columns[0].meta;
	assert_int_equal(md->row_count, 0);
	assert_int_equal(m->num_kv, 2);
	assert_string_equal(m->kv[0].key.ptr, "foo");
	assert_string_equal(m->kv[0].value.ptr, "bar");
	assert_string_equal(m->kv[1].key.ptr, "thisiskeywithoutvalue");
	assert_null(m->kv[1].value.ptr);
	assert_int_equal(m->data_page_offset, 0);
	assert_int_equal(hy_pq_chunk_range(&md->row_groups[0].columns[0], 400, &start, &len, &err),
			 0);
	assert_int_equal(start, 4);
	hy_pq_metadata_destroy(md);

	/* FileMetaData.num_rows is 0, the row group holds 6 rows */
	md = open_corpus("data/repeated_no_annotation.parquet");
	assert_int_equal(md->num_rows, 0);
	assert_int_equal(md->row_count, 6);
	hy_pq_metadata_destroy(md);

	/* empty encodings list */
	md = open_corpus("data/nation.dict-malformed.parquet");
	assert_int_equal(md->row_groups[0].columns[0].meta.num_encodings, 0);
	assert_null(md->row_groups[0].columns[0].meta.encodings);
	hy_pq_metadata_destroy(md);

	/* empty root name, names ending with ':' */
	md = open_corpus("data/hadoop_lz4_compressed.parquet");
	assert_int_equal(md->schema[0].name.len, 0);
	hy_pq_metadata_destroy(md);
	md = open_corpus("data/delta_encoding_required_column.parquet");
	assert_true(ends_with(md->leaves[0].path, ":"));
	hy_pq_metadata_destroy(md);

	/* sorting columns, two row groups */
	md = open_corpus("data/sort_columns.parquet");
	assert_int_equal(md->num_row_groups, 2);
	assert_int_equal(md->row_groups[1].num_sorting_columns, 2);
	assert_int_equal(md->row_groups[1].sorting_columns[0].column_idx, 0);
	assert_true(md->row_groups[1].sorting_columns[0].descending);
	assert_true(md->row_groups[1].sorting_columns[0].nulls_first);
	assert_int_equal(md->row_groups[1].sorting_columns[1].column_idx, 1);
	assert_false(md->row_groups[1].sorting_columns[1].descending);
	assert_false(md->row_groups[1].sorting_columns[1].nulls_first);
	assert_int_equal(md->num_column_orders, 2);
	assert_int_equal(md->column_orders[0], HY_PQ_ORDER_TYPE_DEFINED);
	hy_pq_metadata_destroy(md);

	/* statistics: truncated bounds and exactness flags */
	md = open_corpus("data/binary_truncated_min_max.parquet");
	m = &md->row_groups[0].columns[0].meta;
	assert_true(m->has_statistics);
	assert_true(m->statistics.has_is_max_value_exact && m->statistics.has_is_min_value_exact);
	assert_non_null(m->statistics.min_value.ptr);
	assert_true(m->statistics.min_value.len <= 2);
	assert_true(m->statistics.has_null_count);
	assert_int_equal(m->statistics.null_count, 0);
	assert_true(md->row_groups[0].columns[0].has_column_index_offset);
	assert_true(md->row_groups[0].columns[0].has_offset_index_length);
	hy_pq_metadata_destroy(md);

	/* deprecated and new statistics side by side, encoding stats */
	md = open_corpus("data/alltypes_tiny_pages.parquet");
	m = &md->row_groups[0].columns[0].meta;
	assert_non_null(m->statistics.min.ptr);
	assert_non_null(m->statistics.min_value.ptr);
	assert_true(m->num_encoding_stats > 0);
	/* the dictionary page sits at data_page_offset (no dictionary_page_offset) */
	assert_int_equal(md->schema[0].num_children, 13);
	hy_pq_metadata_destroy(md);
}

static void test_schema_shapes(void **state)
{
	struct hy_pq_metadata *md;
	const struct hy_pq_leaf *leaf;

	(void)state;
	/* optional struct { optional int }: def 2, struct-nested */
	md = open_corpus("data/nulls.snappy.parquet");
	leaf = &md->leaves[0];
	assert_string_equal(leaf->path, "b_struct.b_c_int");
	assert_int_equal(leaf->depth, 2);
	assert_string_equal(leaf->parts[0]->ptr, "b_struct");
	assert_int_equal(leaf->max_def_level, 2);
	assert_int_equal(leaf->max_rep_level, 0);
	assert_int_equal(leaf->shape, HY_PQ_LEAF_STRUCT);
	hy_pq_metadata_destroy(md);

	/* LIST<LIST<LIST<STRING>>>: def 7, rep 3 */
	md = open_corpus("data/nested_lists.snappy.parquet");
	leaf = &md->leaves[0];
	assert_int_equal(leaf->max_def_level, 7);
	assert_int_equal(leaf->max_rep_level, 3);
	assert_int_equal(leaf->shape, HY_PQ_LEAF_REPEATED);
	assert_int_equal(md->leaves[1].shape, HY_PQ_LEAF_FLAT);
	assert_string_equal(md->leaves[1].path, "b");
	hy_pq_metadata_destroy(md);

	/* a-d flat, e a LIST */
	md = open_corpus("data/datapage_v2.snappy.parquet");
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(md->leaves[i].shape, HY_PQ_LEAF_FLAT);
	assert_int_equal(md->leaves[4].shape, HY_PQ_LEAF_REPEATED);
	assert_int_equal(md->leaves[4].max_rep_level, 1);
	hy_pq_metadata_destroy(md);

	/* 216 REQUIRED leaves in structs */
	md = open_corpus("data/nested_structs.rust.parquet");
	assert_int_equal(md->num_leaves, 216);
	for (size_t i = 0; i < md->num_leaves; i++)
		assert_int_equal(md->leaves[i].max_rep_level, 0);
	hy_pq_metadata_destroy(md);
}

static void test_bad_data(void **state)
{
	struct hy_error err = {0};
	struct hy_pq_metadata *md = NULL;

	(void)state;
	assert_int_equal(
		hy_pq_metadata_read_file(CORPUS "/bad_data/PARQUET-1481.parquet", &md, &err),
		HY_EFORMAT);
	assert_null(md);
	assert_non_null(strstr(err.msg, "PARQUET-1481.parquet: parquet schema: element 1 (Handle): "
					"invalid physical type -7"));
	hy_error_init(&err);
	assert_int_equal(
		hy_pq_metadata_read_file(CORPUS "/bad_data/ARROW-GH-41317.parquet", &md, &err),
		HY_EFORMAT);
	hy_error_init(&err);
	assert_int_equal(hy_pq_metadata_read_file(CORPUS "/no-such-file.parquet", &md, &err),
			 HY_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no-such-file.parquet: open: "));
}

/* Framing errors of the file itself. */
static void test_framing(void **state)
{
	uint8_t buf[64];
	struct hy_error err = {0};
	struct hy_pq_metadata *md = NULL;

	(void)state;
	memcpy(buf, "PAR1", 4);
	assert_int_equal(read_mem(buf, 4, &md, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "parquet: a file of 4 bytes is too small to be Parquet");

	memset(buf, 0, sizeof(buf));
	memcpy(buf, "PARE", 4);
	memcpy(buf + 60, "PARE", 4);
	hy_error_init(&err);
	assert_int_equal(read_mem(buf, 64, &md, &err), HY_EUNSUPPORTED);
	assert_string_equal(err.msg, "encrypted Parquet is not supported");

	memcpy(buf, "PAR1", 4);
	memcpy(buf + 60, "PAR1", 4);
	buf[56] = 0xff; /* footer length 255 > 64 - 12 */
	hy_error_init(&err);
	assert_int_equal(read_mem(buf, 64, &md, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "parquet: footer length 255 does not fit the 64-byte file");

	memcpy(buf + 60, "PAR2", 4);
	hy_error_init(&err);
	assert_int_equal(read_mem(buf, 64, &md, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "parquet: not a Parquet file (no PAR1 magic at the end)");

	memcpy(buf + 60, "PAR1", 4);
	memcpy(buf, "XXXX", 4);
	buf[56] = 0;
	hy_error_init(&err);
	assert_int_equal(read_mem(buf, 64, &md, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "parquet: not a Parquet file (no PAR1 magic at the start)");
	assert_null(md);
}

/* A synthetic FileMetaData: schema elements {name, type (-1: group),
 * repetition (-1: none), num_children (-1: none)} and no row groups. */
struct elem {
	const char *name;
	int type, rep, children;
};

static void encode_meta(const struct elem *el, size_t n, size_t created_by_len, struct hy_buf *out)
{
	struct hy_error err = {0};
	struct hy__pq_tenc e;
	char *pad = NULL;

	hy_buf_init(out, 1 << 24);
	hy__pq_tenc_init(&e, out, &err);
	assert_int_equal(hy__pq_tenc_begin(&e), 0);
	assert_int_equal(hy__pq_tenc_i32(&e, 1, 1), 0);
	assert_int_equal(hy__pq_tenc_list(&e, 2, HY__PQ_T_STRUCT, (uint32_t)n), 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(hy__pq_tenc_begin(&e), 0);
		if (el[i].type >= 0)
			assert_int_equal(hy__pq_tenc_i32(&e, 1, el[i].type), 0);
		if (el[i].rep >= 0)
			assert_int_equal(hy__pq_tenc_i32(&e, 3, el[i].rep), 0);
		assert_int_equal(hy__pq_tenc_binary(&e, 4, el[i].name, strlen(el[i].name)), 0);
		if (el[i].children >= -1 && el[i].children != -1)
			assert_int_equal(hy__pq_tenc_i32(&e, 5, el[i].children), 0);
		if (el[i].children < -1) /* a negative count */
			assert_int_equal(hy__pq_tenc_i32(&e, 5, -1), 0);
		assert_int_equal(hy__pq_tenc_end(&e), 0);
	}
	assert_int_equal(hy__pq_tenc_i64(&e, 3, 0), 0);
	assert_int_equal(hy__pq_tenc_list(&e, 4, HY__PQ_T_STRUCT, 0), 0);
	if (created_by_len > 0) {
		pad = malloc(created_by_len);
		assert_non_null(pad);
		memset(pad, 'x', created_by_len);
		assert_int_equal(hy__pq_tenc_binary(&e, 6, pad, created_by_len), 0);
		free(pad);
	}
	assert_int_equal(hy__pq_tenc_end(&e), 0);
}

static int parse_elems(const struct elem *el, size_t n, struct hy_pq_metadata **md,
		       struct hy_error *err)
{
	struct hy_buf b;
	int rc;

	encode_meta(el, n, 0, &b);
	rc = hy_pq_metadata_parse(b.data, b.len, md, err);
	hy_buf_reset(&b);
	return rc;
}

static void test_schema_tree_errors(void **state)
{
	static const struct elem good[] = {{"root", -1, -1, 2},
					   {"s", -1, HY_PQ_OPTIONAL, 2},
					   {"x", HY_PQ_INT32, HY_PQ_REQUIRED, -1},
					   {"l", -1, HY_PQ_REPEATED, 1},
					   {"y", HY_PQ_DOUBLE, HY_PQ_OPTIONAL, -1},
					   {"z", HY_PQ_INT64, -1, -1}};
	static const struct elem overrun[] = {{"root", -1, -1, 3},
					      {"a", HY_PQ_INT32, HY_PQ_REQUIRED, -1},
					      {"b", HY_PQ_INT32, HY_PQ_REQUIRED, -1}};
	static const struct elem leftover[] = {{"root", -1, -1, 1},
					       {"a", HY_PQ_INT32, HY_PQ_REQUIRED, -1},
					       {"b", HY_PQ_INT32, HY_PQ_REQUIRED, -1}};
	static const struct elem negative[] = {{"root", -1, -1, 1}, {"g", -1, HY_PQ_REQUIRED, -2}};
	static const struct elem bad_rep[] = {{"root", -1, -1, 1}, {"a", HY_PQ_INT32, 3, -1}};
	struct elem deep[HY_PQ_MAX_SCHEMA_DEPTH + 3];
	struct hy_error err = {0};
	struct hy_pq_metadata *md = NULL;

	(void)state;
	assert_int_equal(parse_elems(good, 6, &md, &err), 0);
	assert_int_equal(md->num_leaves, 3);
	assert_string_equal(md->leaves[0].path, "s.x");
	assert_int_equal(md->leaves[0].max_def_level, 1);
	assert_int_equal(md->leaves[0].shape, HY_PQ_LEAF_STRUCT);
	assert_string_equal(md->leaves[1].path, "s.l.y");
	assert_int_equal(md->leaves[1].max_def_level, 3);
	assert_int_equal(md->leaves[1].max_rep_level, 1);
	assert_int_equal(md->leaves[1].shape, HY_PQ_LEAF_REPEATED);
	assert_string_equal(md->leaves[2].path, "z"); /* no repetition: REQUIRED */
	assert_int_equal(md->leaves[2].max_def_level, 0);
	assert_int_equal(md->leaves[2].shape, HY_PQ_LEAF_FLAT);
	hy_pq_metadata_destroy(md);

	assert_int_equal(parse_elems(overrun, 3, &md, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "parquet schema: element 0 (root) declares more children than "
				     "the 3 elements hold");
	hy_error_init(&err);
	assert_int_equal(parse_elems(leftover, 3, &md, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "parquet schema: 1 elements left after the root's 1 children");
	hy_error_init(&err);
	assert_int_equal(parse_elems(negative, 2, &md, &err), HY_EFORMAT);
	assert_non_null(strstr(err.msg, "negative num_children -1"));
	hy_error_init(&err);
	assert_int_equal(parse_elems(bad_rep, 2, &md, &err), HY_EFORMAT);
	assert_non_null(strstr(err.msg, "invalid repetition_type 3"));
	hy_error_init(&err);
	assert_int_equal(parse_elems(good, 0, &md, &err), HY_EFORMAT);
	assert_string_equal(err.msg, "parquet schema: no elements");

	/* groups nested one deeper than the cap */
	for (size_t i = 0; i < HY_PQ_MAX_SCHEMA_DEPTH + 2; i++)
		deep[i] = (struct elem){"g", -1, i == 0 ? -1 : HY_PQ_OPTIONAL, 1};
	deep[HY_PQ_MAX_SCHEMA_DEPTH + 2] = (struct elem){"leaf", HY_PQ_INT32, HY_PQ_OPTIONAL, -1};
	hy_error_init(&err);
	assert_int_equal(parse_elems(deep, HY_PQ_MAX_SCHEMA_DEPTH + 3, &md, &err), HY_ELIMIT);
	assert_string_equal(err.msg, "parquet schema: nesting deeper than 64");
	/* at the cap it is fine */
	deep[HY_PQ_MAX_SCHEMA_DEPTH] = (struct elem){"leaf", HY_PQ_INT32, HY_PQ_OPTIONAL, -1};
	hy_error_init(&err);
	assert_int_equal(parse_elems(deep, HY_PQ_MAX_SCHEMA_DEPTH + 1, &md, &err), 0);
	assert_int_equal(md->leaves[0].max_def_level, HY_PQ_MAX_SCHEMA_DEPTH);
	assert_int_equal(md->leaves[0].depth, HY_PQ_MAX_SCHEMA_DEPTH);
	hy_pq_metadata_destroy(md);
}

/* A footer larger than the first tail read takes a second read. */
static void test_large_footer(void **state)
{
	static const struct elem el[] = {{"root", -1, -1, 1},
					 {"a", HY_PQ_INT32, HY_PQ_OPTIONAL, -1}};
	struct hy_error err = {0};
	struct hy_pq_metadata *md = NULL;
	struct hy_buf meta;
	uint8_t *file;
	size_t len;

	(void)state;
	encode_meta(el, 2, 100000, &meta);
	assert_true(meta.len > HY_PQ_FOOTER_TAIL_READ);
	len = meta.len + 12;
	file = malloc(len);
	assert_non_null(file);
	memcpy(file, "PAR1", 4);
	memcpy(file + 4, meta.data, meta.len);
	for (int i = 0; i < 4; i++)
		file[4 + meta.len + (size_t)i] = (uint8_t)(meta.len >> (8 * i));
	memcpy(file + len - 4, "PAR1", 4);
	assert_int_equal(read_mem(file, len, &md, &err), 0);
	assert_int_equal(md->created_by.len, 100000);
	assert_int_equal(md->num_leaves, 1);
	assert_int_equal(md->num_row_groups, 0);
	hy_pq_metadata_destroy(md);
	/* the last byte (the STOP) missing */
	file[4 + meta.len - 1] = 0x15;
	hy_error_init(&err);
	assert_int_equal(read_mem(file, len, &md, &err), HY_EFORMAT);
	free(file);
	hy_buf_reset(&meta);
}

static const char *const small_files[] = {
	"data/alltypes_plain.parquet",
	"data/nulls.snappy.parquet",
	"data/column_chunk_key_value_metadata.parquet",
	"data/unknown-logical-type.parquet",
	"data/binary_truncated_min_max.parquet",
	"data/dict-page-offset-zero.parquet",
	"data/sort_columns.parquet",
	"data/datapage_v2.snappy.parquet",
};

/* Every prefix of a footer fails cleanly (the last byte is the STOP), and
 * every prefix of a small file too. */
static void test_truncations(void **state)
{
	(void)state;
	for (size_t f = 0; f < sizeof(small_files) / sizeof(small_files[0]); f++) {
		char path[512];
		size_t len, flen;
		uint8_t *file;
		const uint8_t *footer;

		snprintf(path, sizeof(path), "%s/%s", CORPUS, small_files[f]);
		file = slurp(path, &len);
		footer = footer_of(file, len, &flen);
		for (size_t cut = 0; cut < flen; cut++) {
			struct hy_error err = {0};
			struct hy_pq_metadata *md = NULL;
			uint8_t *copy = malloc(cut + 1); /* exact size: ASan sees overreads */
			int rc;

			assert_non_null(copy);
			memcpy(copy, footer, cut);
			rc = hy_pq_metadata_parse(copy, cut, &md, &err);
			free(copy);
			if (rc != HY_EFORMAT)
				fail_msg("%s cut at %zu: %d %s", small_files[f], cut, rc, err.msg);
			assert_null(md);
		}
		for (size_t cut = 0; cut < len; cut++) {
			struct hy_error err = {0};
			struct hy_pq_metadata *md = NULL;
			uint8_t *copy = malloc(cut + 1);
			int rc;

			assert_non_null(copy);
			memcpy(copy, file, cut);
			rc = read_mem(copy, cut, &md, &err);
			free(copy);
			assert_true(clean_failure(rc, &err));
		}
		free(file);
	}
}

/* Random byte flips in footers: a clean error or a parse, nothing else. */
static void test_byte_flips(void **state)
{
	uint32_t seed = 20261127;
	int parsed = 0, failed = 0;

	(void)state;
	for (int iter = 0; iter < 4000; iter++) {
		const char *rel =
			small_files[iter % (sizeof(small_files) / sizeof(small_files[0]))];
		char path[512];
		size_t len, flen;
		uint8_t *file;
		const uint8_t *footer;
		struct hy_error err = {0};
		struct hy_pq_metadata *md = NULL;
		int rc;

		snprintf(path, sizeof(path), "%s/%s", CORPUS, rel);
		file = slurp(path, &len);
		footer = footer_of(file, len, &flen);
		for (int k = 0; k < 1 + iter % 4; k++) {
			size_t at;

			seed = seed * 1103515245u + 12345u;
			at = (size_t)(footer - file) + (seed >> 8) % (flen + 8);
			seed = seed * 1103515245u + 12345u;
			file[at] ^= (uint8_t)(1 + (seed >> 16) % 255);
		}
		rc = read_mem(file, len, &md, &err);
		if (rc == 0) {
			parsed++;
			hy_pq_metadata_destroy(md);
		} else {
			if (!clean_failure(rc, &err))
				fail_msg("%s iteration %d: %d %s", rel, iter, rc, err.msg);
			failed++;
		}
		free(file);
	}
	assert_true(parsed > 0);
	assert_true(failed > 0);
}

static void test_alloc_failures(void **state)
{
	size_t len;
	uint8_t *file = slurp(CORPUS "/data/alltypes_tiny_pages.parquet", &len);
	struct hy_pq_metadata *md = NULL;
	int rc;

	(void)state;
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		struct hy_error err = {0};

		rc = read_mem(file, len, &md, &err);
		if (rc == 0) {
			assert_int_equal(md->num_leaves, 13);
			hy_pq_metadata_destroy(md);
		} else {
			assert_null(md);
		}
	});
	free(file);

	file = slurp(CORPUS "/data/nested_lists.snappy.parquet", &len);
	HY_FOR_EACH_ALLOC_FAILURE(rc, {
		struct hy_error err = {0};

		rc = read_mem(file, len, &md, &err);
		if (rc == 0)
			hy_pq_metadata_destroy(md);
	});
	free(file);
}

static void test_memory_cap(void **state)
{
	struct hy_pq_metadata md = {0};
	struct hy_error err = {0};
	void *p = (void *)1;

	(void)state;
	md.mem_used = HY_PQ_MAX_METADATA_MEMORY - 100;
	assert_int_equal(hy__pq_md_calloc(&md, 101, 1, &p, &err), HY_ELIMIT);
	assert_null(p);
	assert_string_equal(err.msg, "parquet: decoded metadata would pass its limit of 512 MiB");
	hy_error_init(&err);
	assert_int_equal(hy__pq_md_calloc(&md, SIZE_MAX / 2, 4, &p, &err), HY_ELIMIT);
	assert_int_equal(hy__pq_md_calloc(&md, 100, 1, &p, &err), 0);
	assert_non_null(p);
	assert_int_equal(md.mem_used, HY_PQ_MAX_METADATA_MEMORY);
	hy_free(p);
	hy_pq_metadata_destroy(NULL);
}

/* Page headers of real files: walk every chunk page by page and count the
 * page types, against the manifest's "Pages" column. */
struct page_counts {
	const char *file;
	int v1, v2, dict;
};

static void count_pages(const char *rel, int counts[4])
{
	char path[512];
	size_t len;
	uint8_t *file;
	struct hy_pq_metadata *md = NULL;
	struct hy_error err = {0};

	snprintf(path, sizeof(path), "%s/%s", CORPUS, rel);
	file = slurp(path, &len);
	assert_int_equal(read_mem(file, len, &md, &err), 0);
	for (size_t g = 0; g < md->num_row_groups; g++) {
		for (size_t c = 0; c < md->row_groups[g].num_columns; c++) {
			uint64_t start, size, pos;

			assert_int_equal(hy_pq_chunk_range(&md->row_groups[g].columns[c], len,
							   &start, &size, &err),
					 0);
			for (pos = start; pos < start + size;) {
				struct hy_pq_page_header h;
				size_t used;

				if (hy_pq_page_header_decode(file + pos, start + size - pos, &h,
							     &used, &err) != 0)
					fail_msg("%s: %s", rel, err.msg);
				assert_true(h.type >= 0 && h.type < 4);
				counts[h.type]++;
				pos += used + (uint64_t)h.compressed_page_size;
			}
			assert_int_equal(pos, start + size);
		}
	}
	hy_pq_metadata_destroy(md);
	free(file);
}

static void test_page_walk(void **state)
{
	static const struct page_counts want[] = {
		{"data/alltypes_plain.parquet", 11, 0, 10},
		{"data/alltypes_tiny_pages.parquet", 5794, 0, 11},
		{"data/overflow_i16_page_cnt.parquet", 40000, 0, 0},
		{"data/datapage_v2.snappy.parquet", 0, 5, 3},
		{"data/delta_binary_packed.parquet", 0, 66, 0},
		{"data/column_chunk_key_value_metadata.parquet", 0, 0, 2},
		{"data/int32_with_null_pages.parquet", 10, 0, 0},
		{"data/page_v2_empty_compressed.parquet", 0, 1, 1},
		{"data/geospatial/geography-points.parquet", 100, 0, 100},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int counts[4] = {0};

		count_pages(want[i].file, counts);
		if (counts[HY_PQ_PAGE_DATA] != want[i].v1 ||
		    counts[HY_PQ_PAGE_DATA_V2] != want[i].v2 ||
		    counts[HY_PQ_PAGE_DICTIONARY] != want[i].dict || counts[HY_PQ_PAGE_INDEX] != 0)
			fail_msg("%s: v1 %d v2 %d dict %d", want[i].file, counts[0], counts[3],
				 counts[2]);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_manifest_facts),    cmocka_unit_test(test_corpus_walk),
	cmocka_unit_test(test_encrypted_refused), cmocka_unit_test(test_alltypes_plain),
	cmocka_unit_test(test_logical_types),     cmocka_unit_test(test_quirks),
	cmocka_unit_test(test_schema_shapes),     cmocka_unit_test(test_bad_data),
	cmocka_unit_test(test_framing),           cmocka_unit_test(test_schema_tree_errors),
	cmocka_unit_test(test_large_footer),      cmocka_unit_test(test_truncations),
	cmocka_unit_test(test_byte_flips),        cmocka_unit_test(test_alloc_failures),
	cmocka_unit_test(test_memory_cap),        cmocka_unit_test(test_page_walk),
};
HY_TEST_MAIN(tests)
