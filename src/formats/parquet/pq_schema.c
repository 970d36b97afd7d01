/* The schema tree: from the flat, depth-first list of SchemaElements to the
 * leaf columns with their levels, dotted paths and shapes; then the row
 * groups are checked against those leaves.
 *
 * The walk is iterative with an explicit stack capped at
 * HY_PQ_MAX_SCHEMA_DEPTH, and every group consumes exactly the next
 * num_children subtrees, so a count that overruns the list, a negative count
 * or elements left over after the root are all reported; an index-based walk
 * cannot loop, so there are no cycles to detect beyond that. */
#include <stdio.h>
#include <string.h>

#include "hygge/alloc.h"
#include "pq_int.h"

struct frame {
	size_t index;      /* schema element of this group */
	int32_t remaining; /* children not yet visited */
	int16_t def, rep;  /* levels of the group itself */
	bool repeated;     /* the group or an ancestor is REPEATED */
};

struct walk {
	struct hy_pq_metadata *md;
	struct frame stack[HY_PQ_MAX_SCHEMA_DEPTH + 1];
	size_t sp;
	bool fill;     /* second pass: write md->leaves */
	size_t leaves; /* leaves seen so far */
	struct hy_error *err;
};

static const char *elem_name(const struct hy_pq_schema_element *se)
{
	return se->name.ptr != NULL ? se->name.ptr : "";
}

static int leaf_fill(struct walk *w, size_t idx, int16_t def, int16_t rep, bool repeated)
{
	struct hy_pq_metadata *md = w->md;
	struct hy_pq_leaf *leaf = &md->leaves[w->leaves];
	size_t depth = w->sp; /* frames below the root, plus the leaf */
	size_t len = 0, at = 0;
	void *p;

	leaf->schema_index = idx;
	leaf->max_def_level = def;
	leaf->max_rep_level = rep;
	leaf->shape = repeated     ? HY_PQ_LEAF_REPEATED
		      : depth == 1 ? HY_PQ_LEAF_FLAT
				   : HY_PQ_LEAF_STRUCT;
	HY_TRY(hy__pq_md_calloc(md, depth, sizeof(struct hy_pq_bytes *), &p, w->err));
	leaf->parts = p;
	leaf->depth = depth;
	for (size_t i = 1; i < w->sp; i++)
		leaf->parts[i - 1] = &md->schema[w->stack[i].index].name;
	leaf->parts[depth - 1] = &md->schema[idx].name;
	for (size_t i = 0; i < depth; i++)
		len += leaf->parts[i]->len + 1;
	HY_TRY(hy__pq_md_calloc(md, len, 1, &p, w->err));
	leaf->path = p;
	for (size_t i = 0; i < depth; i++) {
		if (i > 0)
			leaf->path[at++] = '.';
		if (leaf->parts[i]->len > 0)
			memcpy(leaf->path + at, leaf->parts[i]->ptr, leaf->parts[i]->len);
		at += leaf->parts[i]->len;
	}
	return 0;
}

/* Visits the element at `idx`, a child of the top frame. */
static int visit(struct walk *w, size_t idx)
{
	const struct hy_pq_schema_element *se = &w->md->schema[idx];
	const struct frame *parent = &w->stack[w->sp - 1];
	int rep = se->repetition < 0 ? HY_PQ_REQUIRED : se->repetition;
	int16_t def, replevel;
	bool repeated;

	if (rep > HY_PQ_REPEATED)
		return HY__PQ_FAIL(w->err, HY_EFORMAT,
				   "parquet schema: element %zu (%s): invalid repetition_type %d",
				   idx, elem_name(se), rep);
	def = (int16_t)(parent->def + (rep != HY_PQ_REQUIRED));
	replevel = (int16_t)(parent->rep + (rep == HY_PQ_REPEATED));
	repeated = parent->repeated || rep == HY_PQ_REPEATED;
	if (se->has_num_children && se->num_children < 0)
		return HY__PQ_FAIL(w->err, HY_EFORMAT,
				   "parquet schema: element %zu (%s): negative num_children %d",
				   idx, elem_name(se), se->num_children);
	if (se->has_num_children && se->num_children > 0) {
		if (w->sp > HY_PQ_MAX_SCHEMA_DEPTH)
			return HY__PQ_FAIL(w->err, HY_ELIMIT,
					   "parquet schema: nesting deeper than %d",
					   HY_PQ_MAX_SCHEMA_DEPTH);
		w->stack[w->sp++] = (struct frame){idx, se->num_children, def, replevel, repeated};
		return 0;
	}
	if (!se->has_type && !se->has_num_children)
		return HY__PQ_FAIL(
			w->err, HY_EFORMAT,
			"parquet schema: element %zu (%s) has neither a type nor children", idx,
			elem_name(se));
	if (!se->has_type)
		return 0; /* an empty group: no leaves */
	if (se->type < 0 || se->type > HY_PQ_FIXED_LEN_BYTE_ARRAY)
		return HY__PQ_FAIL(w->err, HY_EFORMAT,
				   "parquet schema: element %zu (%s): invalid physical type %d",
				   idx, elem_name(se), se->type);
	if (se->type == HY_PQ_FIXED_LEN_BYTE_ARRAY && se->type_length <= 0)
		return HY__PQ_FAIL(w->err, HY_EFORMAT,
				   "parquet schema: element %zu (%s): FIXED_LEN_BYTE_ARRAY with "
				   "type_length %d",
				   idx, elem_name(se), se->type_length);
	if (w->fill)
		HY_TRY(leaf_fill(w, idx, def, replevel, repeated));
	w->leaves++;
	return 0;
}

static int walk(struct walk *w)
{
	struct hy_pq_metadata *md = w->md;
	const struct hy_pq_schema_element *root = &md->schema[0];
	size_t pos = 1;

	w->sp = 1;
	w->leaves = 0;
	w->stack[0] = (struct frame){0, root->num_children, 0, 0, false};
	while (w->sp > 0) {
		struct frame *top = &w->stack[w->sp - 1];

		if (top->remaining == 0) {
			w->sp--;
			continue;
		}
		top->remaining--;
		if (pos >= md->num_schema)
			return HY__PQ_FAIL(
				w->err, HY_EFORMAT,
				"parquet schema: element %zu (%s) declares more children "
				"than the %zu elements hold",
				top->index, elem_name(&md->schema[top->index]), md->num_schema);
		HY_TRY(visit(w, pos++));
	}
	if (pos != md->num_schema)
		return HY__PQ_FAIL(w->err, HY_EFORMAT,
				   "parquet schema: %zu elements left after the root's %d children",
				   md->num_schema - pos, root->num_children);
	return 0;
}

static bool path_matches(const struct hy_pq_leaf *leaf, const struct hy_pq_column_meta *m)
{
	if (m->path_len != leaf->depth)
		return false;
	for (size_t i = 0; i < leaf->depth; i++) {
		const struct hy_pq_bytes *a = leaf->parts[i], *b = &m->path[i];

		if (a->len != b->len || (a->len > 0 && memcmp(a->ptr, b->ptr, a->len) != 0))
			return false;
	}
	return true;
}

/* "a.b.c" into buf, truncated to fit. */
static const char *join_path(const struct hy_pq_column_meta *m, char *buf, size_t size)
{
	size_t at = 0;

	buf[0] = 0;
	for (size_t i = 0; i < m->path_len && at + 1 < size; i++) {
		int n = snprintf(buf + at, size - at, "%s%.*s", i > 0 ? "." : "",
				 (int)(m->path[i].len > 200 ? 200 : m->path[i].len),
				 m->path[i].ptr);

		if (n < 0)
			break;
		at += (size_t)n;
	}
	return buf;
}

static int check_chunk(const struct hy_pq_metadata *md, size_t rg, size_t col, struct hy_error *err)
{
	const struct hy_pq_column_chunk *cc = &md->row_groups[rg].columns[col];
	const struct hy_pq_leaf *leaf = &md->leaves[col];
	const struct hy_pq_column_meta *m = &cc->meta;
	char buf[256];

	if (!cc->has_meta_data) {
		/* Encrypted columns may carry only encrypted metadata; the caller
		 * refuses them with a clearer message. */
		if (cc->has_crypto_metadata || cc->has_encrypted_column_metadata)
			return 0;
		return HY__PQ_FAIL(err, HY_EFORMAT,
				   "parquet: row group %zu column %s: no ColumnMetaData", rg,
				   leaf->path);
	}
	if (m->type != md->schema[leaf->schema_index].type)
		return HY__PQ_FAIL(err, HY_EFORMAT,
				   "parquet: row group %zu column %s: type %d differs from the "
				   "schema's %s",
				   rg, leaf->path, m->type,
				   hy_pq_type_name(md->schema[leaf->schema_index].type));
	if (!path_matches(leaf, m))
		return HY__PQ_FAIL(err, HY_EFORMAT,
				   "parquet: row group %zu column %zu: path_in_schema %s does not "
				   "match the schema's %s",
				   rg, col, join_path(m, buf, sizeof(buf)), leaf->path);
	if (m->num_values < 0 || m->total_compressed_size < 0 || m->total_uncompressed_size < 0)
		return HY__PQ_FAIL(err, HY_EFORMAT,
				   "parquet: row group %zu column %s: negative count or size", rg,
				   leaf->path);
	return 0;
}

static int check_row_groups(struct hy_pq_metadata *md, struct hy_error *err)
{
	md->row_count = 0;
	for (size_t rg = 0; rg < md->num_row_groups; rg++) {
		const struct hy_pq_row_group *g = &md->row_groups[rg];

		if (g->num_columns != md->num_leaves)
			return HY__PQ_FAIL(err, HY_EFORMAT,
					   "parquet: row group %zu has %zu column chunks for %zu "
					   "leaf columns",
					   rg, g->num_columns, md->num_leaves);
		if (g->num_rows < 0 || g->num_rows > INT64_MAX - md->row_count)
			return HY__PQ_FAIL(err, HY_EFORMAT,
					   "parquet: row group %zu: invalid num_rows %lld", rg,
					   (long long)g->num_rows);
		md->row_count += g->num_rows;
		for (size_t col = 0; col < g->num_columns; col++)
			HY_TRY(check_chunk(md, rg, col, err));
	}
	return 0;
}

int hy__pq_schema_build(struct hy_pq_metadata *md, struct hy_error *err)
{
	struct walk *w;
	void *p;
	int rc;

	if (md->num_schema == 0)
		return HY__PQ_FAIL(err, HY_EFORMAT, "parquet schema: no elements");
	if (md->schema[0].has_type && !md->schema[0].has_num_children)
		return HY__PQ_FAIL(err, HY_EFORMAT, "parquet schema: the root is not a group");
	if (md->schema[0].num_children < 0)
		return HY__PQ_FAIL(err, HY_EFORMAT,
				   "parquet schema: the root has a negative num_children");
	w = hy_calloc(1, sizeof(*w));
	if (w == NULL)
		return HY__PQ_FAIL(err, HY_ENOMEM, "parquet: out of memory building the schema");
	w->md = md;
	w->err = err;
	rc = walk(w); /* first pass: validate and count */
	if (rc != 0)
		goto out;
	rc = hy__pq_md_calloc(md, w->leaves, sizeof(*md->leaves), &p, err);
	if (rc != 0)
		goto out;
	md->leaves = p;
	md->num_leaves = w->leaves;
	w->fill = true;
	rc = walk(w);
	if (rc != 0)
		goto out;
	rc = check_row_groups(md, err);
out:
	hy_free(w);
	return rc;
}
