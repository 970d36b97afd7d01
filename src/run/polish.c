/* The polisher (include/hygge/polish.h): configuration, the per-schema
 * plan, and applying it to batches.
 *
 * A plan says where each output column comes from: an input column (shared,
 * never copied), a hash rule, a constant or a timestamp. It is built the
 * first time a schema is seen and reused while batches keep that schema. */
#include "hygge/polish.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hygge/alloc.h"
#include "hygge/hash.h"
#include "hygge/isotime.h"

/* Records the error and yields its code where the analyzer can see it. */
#define FAIL(err, code, ...) (hy_error_set((err), (code), __VA_ARGS__), (code))

#define ROW_MARKER       "__rowMarker__"
#define WARN_MAX         (64u << 10) /* bytes of one warning text */
#define TS_TEXT_MAX      4096        /* bytes of one formatted timestamp */
#define HASH_INPUT_MAX   ((size_t)HY_MAX_VAR_BYTES)
#define NAME_BUF_MAX     ((size_t)HY_MAX_FIELD_NAME * 4)
#define PY_REPR_ITEM_MAX 200 /* bytes of one name shown in a warning list */

static const char *const case_values[] = {"pascal", "camel", "snake", NULL};
static const char *const source_values[] = {"now_utc", "now_local", NULL};
static const char *const type_values[] = {"datetime", "string", NULL};

/* ---- configuration ---------------------------------------------------- */

void hy_polish_config_reset(struct hy_polish_config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->nhash; i++)
		hy_free(cfg->hash_ids[i].from_columns);
	hy_free(cfg->hash_ids);
	hy_free(cfg->constants);
	hy_free(cfg->timestamps);
	hy_cfg_node_destroy(cfg->row_marker_node);
	memset(cfg, 0, sizeof(*cfg));
	cfg->name_case = HY_POLISH_CASE_NONE;
}

static const struct hy_cfg_node *list_of(const struct hy_cfg_node *map, const char *key)
{
	const struct hy_cfg_node *l = hy_cfg_map_get(map, key);

	return l != NULL && l->kind == HY_CFG_SEQ ? l : NULL;
}

static int read_hash(const struct hy_cfg_node *item, struct hy_cfg_path *path,
		     struct hy_polish_hash_rule *r, struct hy_error *err)
{
	const struct hy_cfg_node *from = list_of(item, "from_columns");

	HY_TRY(hy_cfg_get_str(item, "name", path, NULL, &r->name, err));
	HY_TRY(hy_cfg_get_bool(item, "hex", path, true, &r->hex, err));
	if (r->name == NULL || from == NULL)
		return hy_cfg_error(err, item, path, "'name' and 'from_columns' are required");
	r->from_columns = hy_calloc(from->count + 1, sizeof(*r->from_columns));
	if (r->from_columns == NULL)
		return FAIL(err, HY_ENOMEM, "out of memory reading polish.hash_ids");
	for (size_t k = 0; k < from->count; k++) {
		HY_TRY(hy_cfg_to_str(from->items[k], path, &r->from_columns[k], err));
		r->nfrom++;
	}
	return 0;
}

static int read_lists(const struct hy_cfg_node *map, struct hy_cfg_path *path,
		      struct hy_polish_config *out, struct hy_error *err)
{
	const struct hy_cfg_node *h = list_of(map, "hash_ids"), *c = list_of(map, "constants"),
				 *t = list_of(map, "timestamps");
	size_t nh = h ? h->count : 0, nc = c ? c->count : 0, nt = t ? t->count : 0;

	/* One spare constant for the legacy row marker. */
	out->hash_ids = hy_calloc(nh + 1, sizeof(*out->hash_ids));
	out->constants = hy_calloc(nc + 1, sizeof(*out->constants));
	out->timestamps = hy_calloc(nt + 1, sizeof(*out->timestamps));
	if (!out->hash_ids || !out->constants || !out->timestamps)
		return FAIL(err, HY_ENOMEM, "out of memory reading polish");
	for (size_t i = 0; i < nh; i++) {
		out->nhash++;
		HY_TRY(read_hash(h->items[i], path, &out->hash_ids[i], err));
	}
	for (size_t i = 0; i < nc; i++) {
		struct hy_polish_constant *k = &out->constants[out->nconst++];

		HY_TRY(hy_cfg_get_str(c->items[i], "name", path, NULL, &k->name, err));
		k->value = hy_cfg_map_get(c->items[i], "value");
		if (k->name == NULL)
			return hy_cfg_error(err, c->items[i], path, "'name' is required");
	}
	for (size_t i = 0; i < nt; i++) {
		struct hy_polish_timestamp *s = &out->timestamps[out->nts++];
		const struct hy_cfg_node *it = t->items[i];

		HY_TRY(hy_cfg_get_str(it, "name", path, NULL, &s->name, err));
		HY_TRY(hy_cfg_get_enum(it, "source", path, source_values, 0, &s->source, err));
		HY_TRY(hy_cfg_get_enum(it, "type", path, type_values, 0, &s->type, err));
		HY_TRY(hy_cfg_get_str(it, "format", path, NULL, &s->format, err));
		if (s->name == NULL)
			return hy_cfg_error(err, it, path, "'name' is required");
	}
	return 0;
}

/* add_row_marker {enabled: true, value: N}: a __rowMarker__ constant unless
 * one is configured (the reference's model validator). */
static int read_row_marker(const struct hy_cfg_node *map, struct hy_cfg_path *path,
			   struct hy_polish_config *out, struct hy_error *err)
{
	const struct hy_cfg_node *m = hy_cfg_map_get(map, "add_row_marker");
	bool enabled = false;
	int64_t value = 4;
	char text[24];

	if (m == NULL || m->kind != HY_CFG_MAP)
		return 0;
	HY_TRY(hy_cfg_get_bool(m, "enabled", path, false, &enabled, err));
	HY_TRY(hy_cfg_get_int(m, "value", path, 4, 0, 4, &value, err));
	if (!enabled)
		return 0;
	for (size_t i = 0; i < out->nconst; i++)
		if (strcmp(out->constants[i].name, ROW_MARKER) == 0)
			return 0;
	snprintf(text, sizeof(text), "%" PRId64, value);
	out->row_marker_node = hy_cfg_node_create(HY_CFG_INT, text, m);
	if (out->row_marker_node == NULL)
		return FAIL(err, HY_ENOMEM, "out of memory reading polish.add_row_marker");
	out->row_marker_node->v.i = value;
	out->row_marker_node->int_range = true;
	out->row_marker_value = out->row_marker_node;
	out->constants[out->nconst].name = ROW_MARKER;
	out->constants[out->nconst].value = out->row_marker_node;
	out->nconst++;
	return 0;
}

int hy_polish_config_read(const struct hy_cfg_node *map, struct hy_cfg_path *path,
			  struct hy_polish_config *out, struct hy_error *err)
{
	const struct hy_cfg_node *cols;

	memset(out, 0, sizeof(*out));
	out->name_case = HY_POLISH_CASE_NONE;
	if (map == NULL || map->kind != HY_CFG_MAP)
		return 0;
	cols = hy_cfg_map_get(map, "columns");
	HY_TRY(hy_cfg_get_bool(cols, "remove_special", path, false, &out->remove_special, err));
	HY_TRY(hy_cfg_get_bool(cols, "remove_spaces", path, false, &out->remove_spaces, err));
	HY_TRY(hy_cfg_get_enum(cols, "case", path, case_values, HY_POLISH_CASE_NONE,
			       &out->name_case, err));
	HY_TRY(read_lists(map, path, out, err));
	return read_row_marker(map, path, out, err);
}

/* ---- constants -------------------------------------------------------- */

/* A constant's value as Polars would type the literal. */
struct const_val {
	struct hy_dtype type;
	int64_t i;
	double f;
	bool b;
	const char *s;
	size_t len;
};

static int const_value(const struct hy_polish_constant *k, struct const_val *cv,
		       struct hy_error *err)
{
	const struct hy_cfg_node *n = k->value;
	struct hy_time_parsed tp;

	memset(cv, 0, sizeof(*cv));
	cv->type = hy_dtype_simple(HY_NULL);
	if (n == NULL || n->kind == HY_CFG_NULL)
		return 0;
	switch (n->kind) {
	case HY_CFG_INT:
		if (!n->int_range)
			return hy_cfg_error(err, n, NULL,
					    "polish constant '%s': %s does not fit in int64",
					    k->name, n->text);
		cv->i = n->v.i;
		cv->type = hy_dtype_simple(cv->i >= INT32_MIN && cv->i <= INT32_MAX ? HY_INT32
										    : HY_INT64);
		return 0;
	case HY_CFG_FLOAT:
		cv->f = n->v.f;
		cv->type = hy_dtype_simple(HY_FLOAT64);
		return 0;
	case HY_CFG_BOOL:
		cv->b = n->v.b;
		cv->type = hy_dtype_simple(HY_BOOL);
		return 0;
	case HY_CFG_STR:
		cv->s = n->text;
		cv->len = n->len;
		cv->type = hy_dtype_simple(HY_STRING);
		return 0;
	case HY_CFG_TIMESTAMP:
		if (n->is_date) {
			cv->type = hy_dtype_simple(HY_DATE);
			return hy_date_parse(n->text, n->len, &cv->i, err);
		}
		HY_TRY(hy_time_parse_iso(n->text, n->len, &tp, err));
		cv->i = tp.utc_micros;
		return hy_dtype_timestamp(HY_UNIT_MICRO, tp.has_offset ? "UTC" : "", &cv->type,
					  err);
	default:
		return hy_cfg_error(err, n, NULL,
				    "polish constant '%s': the value must be a scalar, not %s",
				    k->name, hy_cfg_kind_name(n->kind));
	}
}

static int append_const(struct hy_builder *b, const struct const_val *cv, struct hy_error *err)
{
	switch (cv->type.id) {
	case HY_NULL: return hy_builder_append_null(b, err);
	case HY_BOOL: return hy_builder_append_bool(b, cv->b, err);
	case HY_FLOAT64: return hy_builder_append_f64(b, cv->f, err);
	case HY_STRING: return hy_builder_append_str(b, cv->s, cv->len, err);
	default: return hy_builder_append_i64(b, cv->i, err);
	}
}

/* A column of `n` copies of `cv`. */
static int fill_column(const struct const_val *cv, int64_t n, struct hy_column **out,
		       struct hy_error *err)
{
	struct hy_builder *b = NULL;
	int rc;

	*out = NULL;
	rc = hy_builder_create(&cv->type, &b, err);
	if (rc == 0)
		rc = hy_builder_reserve(b, n, cv->type.id == HY_STRING ? (int64_t)cv->len * n : 0,
					err);
	for (int64_t i = 0; i < n && rc == 0; i++)
		rc = append_const(b, cv, err);
	if (rc == 0)
		rc = hy_builder_finish(b, out, err);
	hy_builder_destroy(b);
	return rc;
}

/* ---- the polisher ----------------------------------------------------- */

enum slot_kind { SLOT_INPUT, SLOT_HASH, SLOT_CONST, SLOT_TS };

struct slot {
	enum slot_kind kind;
	size_t idx; /* input column, or rule index */
};

struct plan {
	struct hy_schema *in, *out;
	size_t nout;
	struct slot *slots;     /* nout */
	bool identity;          /* out is in: hand the batch back */
	bool *hash_on;          /* per hash rule: added */
	struct slot **hash_src; /* per hash rule: nfrom sources (input or earlier hash) */
};

struct hy_polisher {
	const struct hy_polish_config *cfg;
	struct const_val *consts;      /* nconst */
	struct hy_column **const_cols; /* nconst: cached, sliced per batch */
	struct plan *plan;             /* for the last schema seen */
	hy_polish_clock_fn clock;
	void *clock_user;
	struct hy_buf text, hex; /* scratch: joined hash input, one value's text */
};

static void real_clock(void *user, int64_t *utc, int *offset)
{
	(void)user;
	*utc = hy_time_now_utc_micros();
	*offset = hy_time_local_offset_at(*utc);
}

static void plan_destroy(struct plan *pl, size_t nhash)
{
	if (pl == NULL)
		return;
	hy_schema_unref(pl->in);
	hy_schema_unref(pl->out);
	hy_free(pl->slots);
	if (pl->hash_src != NULL)
		for (size_t i = 0; i < nhash; i++)
			hy_free(pl->hash_src[i]);
	hy_free(pl->hash_src);
	hy_free(pl->hash_on);
	hy_free(pl);
}

void hy_polish_destroy(struct hy_polisher *p)
{
	if (p == NULL)
		return;
	plan_destroy(p->plan, p->cfg->nhash);
	if (p->const_cols != NULL)
		for (size_t i = 0; i < p->cfg->nconst; i++)
			hy_column_unref(p->const_cols[i]);
	hy_free(p->const_cols);
	hy_free(p->consts);
	hy_buf_reset(&p->text);
	hy_buf_reset(&p->hex);
	hy_free(p);
}

int hy_polish_create(struct hy_polisher **out, const struct hy_polish_config *cfg,
		     struct hy_error *err)
{
	struct hy_polisher *p;
	int rc = 0;

	*out = NULL;
	p = hy_calloc(1, sizeof(*p));
	if (p == NULL)
		return FAIL(err, HY_ENOMEM, "out of memory creating the polisher");
	p->cfg = cfg;
	p->clock = real_clock;
	hy_buf_init(&p->text, HASH_INPUT_MAX);
	hy_buf_init(&p->hex, HASH_INPUT_MAX);
	p->consts = hy_calloc(cfg->nconst + 1, sizeof(*p->consts));
	p->const_cols = hy_calloc(cfg->nconst + 1, sizeof(struct hy_column *));
	if (p->consts == NULL || p->const_cols == NULL)
		rc = FAIL(err, HY_ENOMEM, "out of memory creating the polisher");
	for (size_t i = 0; rc == 0 && i < cfg->nconst; i++)
		rc = const_value(&cfg->constants[i], &p->consts[i], err);
	if (rc != 0) {
		hy_polish_destroy(p);
		return rc;
	}
	*out = p;
	return 0;
}

void hy_polish_set_clock(struct hy_polisher *p, hy_polish_clock_fn clock, void *user)
{
	p->clock = clock != NULL ? clock : real_clock;
	p->clock_user = user;
}

/* ---- warnings: Python's repr of a list of names ------------------------ */

static int py_repr(struct hy_buf *b, const char *s, struct hy_error *err)
{
	char q = strchr(s, '\'') != NULL && strchr(s, '"') == NULL ? '"' : '\'';
	size_t n = 0;

	HY_TRY(hy_buf_append_byte(b, (uint8_t)q, err));
	for (const unsigned char *p = (const unsigned char *)s; *p && n < PY_REPR_ITEM_MAX;
	     p++, n++) {
		if (*p == '\\' || *p == (unsigned char)q)
			HY_TRY(hy_buf_appendf(b, err, "\\%c", *p));
		else if (*p == '\n')
			HY_TRY(hy_buf_append(b, "\\n", 2, err));
		else if (*p == '\t')
			HY_TRY(hy_buf_append(b, "\\t", 2, err));
		else if (*p == '\r')
			HY_TRY(hy_buf_append(b, "\\r", 2, err));
		else if (*p < 0x20 || *p == 0x7f)
			HY_TRY(hy_buf_appendf(b, err, "\\x%02x", *p));
		else
			HY_TRY(hy_buf_append_byte(b, *p, err));
	}
	return hy_buf_append_byte(b, (uint8_t)q, err);
}

static int py_list(struct hy_buf *b, const char *const *names, size_t n, struct hy_error *err)
{
	HY_TRY(hy_buf_append_byte(b, '[', err));
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			HY_TRY(hy_buf_append(b, ", ", 2, err));
		HY_TRY(py_repr(b, names[i], err));
	}
	return hy_buf_append_byte(b, ']', err);
}

/* ---- building a plan -------------------------------------------------- */

/* The working column list while a plan is built. */
struct work {
	char **names; /* owned */
	struct slot *slots;
	size_t n, cap;
};

static void work_reset(struct work *w)
{
	for (size_t i = 0; i < w->n; i++)
		hy_free(w->names[i]);
	hy_free(w->names);
	hy_free(w->slots);
}

static long work_find(const struct work *w, const char *name)
{
	for (size_t i = 0; i < w->n; i++)
		if (strcmp(w->names[i], name) == 0)
			return (long)i;
	return -1;
}

/* Inserts at `at` (0 = first, w->n = last); takes `name`. */
static int work_insert(struct work *w, size_t at, char *name, struct slot s, struct hy_error *err)
{
	if (name == NULL)
		return FAIL(err, HY_ENOMEM, "out of memory polishing a schema");
	HY_ASSERT(w->n < w->cap);
	memmove(w->names + at + 1, w->names + at, (w->n - at) * sizeof(*w->names));
	memmove(w->slots + at + 1, w->slots + at, (w->n - at) * sizeof(*w->slots));
	w->names[at] = name;
	w->slots[at] = s;
	w->n++;
	return 0;
}

static void warn_text(hy_polish_warn_fn warn, void *user, struct hy_buf *b)
{
	if (warn != NULL && b->data != NULL)
		warn(user, (const char *)b->data);
}

/* How hash sources are matched when the exact name is missing: the case
 * rule on both names, or without one, both names without spaces, '_' and
 * '-', ignoring letter case (behaviour.md §3.16). */
static int match_key(const struct hy_polish_config *cfg, const char *name, struct hy_buf *out,
		     struct hy_error *err)
{
	hy_buf_clear(out);
	if (cfg->name_case != HY_POLISH_CASE_NONE)
		return hy_polish_case_name(name, cfg->name_case, out, err);
	for (const char *p = name; *p; p++) {
		char c = *p;

		if (c == ' ' || c == '_' || c == '-')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		HY_TRY(hy_buf_append_byte(out, (uint8_t)c, err));
	}
	return hy_buf_reserve(out, 1, err);
}

static int find_alternative(const struct hy_polish_config *cfg, const struct work *w,
			    const char *missing, long *found, struct hy_error *err)
{
	struct hy_buf a, b;
	int rc;

	*found = -1;
	hy_buf_init(&a, NAME_BUF_MAX);
	hy_buf_init(&b, NAME_BUF_MAX);
	rc = match_key(cfg, missing, &a, err);
	for (size_t i = 0; rc == 0 && i < w->n && *found < 0; i++) {
		rc = match_key(cfg, w->names[i], &b, err);
		if (rc == 0 && a.len == b.len && memcmp(a.data, b.data, a.len) == 0)
			*found = (long)i;
	}
	hy_buf_reset(&a);
	hy_buf_reset(&b);
	return rc;
}

static int warn_skip_hash(const struct hy_polish_hash_rule *r, const char **missing, size_t nmiss,
			  const struct work *w, hy_polish_warn_fn warn, void *user,
			  struct hy_error *err)
{
	struct hy_buf b;
	int rc;

	hy_buf_init(&b, WARN_MAX);
	rc = hy_buf_appendf(&b, err, "Skipping hash ID rule '%s': source columns ", r->name);
	if (rc == 0)
		rc = py_list(&b, missing, nmiss, err);
	if (rc == 0)
		rc = hy_buf_appendf(&b, err, " not found in DataFrame. Available columns: ");
	if (rc == 0)
		rc = py_list(&b, (const char *const *)w->names, w->n, err);
	if (rc == HY_ELIMIT) { /* a huge schema: the warning is cut, not lost */
		hy_error_init(err);
		rc = 0;
	}
	if (rc == 0)
		warn_text(warn, user, &b);
	hy_buf_reset(&b);
	return rc;
}

/* Step 1 for rule `r`: its sources as slots, or skipped (*on false). */
static int plan_hash(const struct hy_polish_config *cfg, size_t r, struct work *w, struct plan *pl,
		     hy_polish_warn_fn warn, void *user, struct hy_error *err)
{
	const struct hy_polish_hash_rule *rule = &cfg->hash_ids[r];
	const char **missing;
	size_t nmiss = 0;
	int rc = 0;

	pl->hash_src[r] = hy_calloc(rule->nfrom + 1, sizeof(struct slot));
	missing = hy_calloc(rule->nfrom + 1, sizeof(*missing));
	if (pl->hash_src[r] == NULL || missing == NULL) {
		hy_free(missing);
		return FAIL(err, HY_ENOMEM, "out of memory polishing a schema");
	}
	for (size_t k = 0; k < rule->nfrom && rc == 0; k++) {
		long at = work_find(w, rule->from_columns[k]);

		if (at < 0)
			rc = find_alternative(cfg, w, rule->from_columns[k], &at, err);
		if (at < 0)
			missing[nmiss++] = rule->from_columns[k];
		else
			pl->hash_src[r][k] = w->slots[at];
	}
	if (rc == 0 && nmiss > 0)
		rc = warn_skip_hash(rule, missing, nmiss, w, warn, user, err);
	else if (rc == 0 && work_find(w, rule->name) < 0) {
		rc = work_insert(w, 0, hy_strdup(rule->name), (struct slot){SLOT_HASH, r}, err);
		pl->hash_on[r] = rc == 0;
	}
	hy_free(missing);
	return rc;
}

/* Lower bound of `name` in `sorted` (strcmp order). */
static size_t lower_bound(char *const *sorted, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (strcmp(sorted[mid], name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* State of step 2's collision pass. `names` are the renamed columns (not
 * changed during the pass), `sorted` the same pointers in order, `final`
 * the suffixed names given so far (NULL = keeps its name). */
struct dedup {
	char **names, **orig, **sorted, **final;
	size_t n;
	bool *done;
};

static bool taken(const struct dedup *d, const char *cand)
{
	size_t at = lower_bound(d->sorted, d->n, cand);

	if (at < d->n && strcmp(d->sorted[at], cand) == 0)
		return true;
	for (size_t i = 0; i < d->n; i++)
		if (d->final[i] != NULL && strcmp(d->final[i], cand) == 0)
			return true;
	return false;
}

static int warn_group(const struct dedup *d, const char *dst, const char **src, const char **fin,
		      size_t ns, hy_polish_warn_fn warn, void *user, struct hy_error *err)
{
	struct hy_buf b;
	int rc;

	hy_buf_init(&b, WARN_MAX);
	(void)d;
	rc = hy_buf_appendf(&b, err, "Column name collision: ");
	if (rc == 0)
		rc = py_list(&b, src, ns, err);
	if (rc == 0)
		rc = hy_buf_appendf(&b, err,
				    " all normalize to '%s'. Applied deduplication: ", dst);
	if (rc == 0)
		rc = py_list(&b, fin, ns, err);
	if (rc == HY_ELIMIT) { /* a huge group: the warning is cut, not lost */
		hy_error_init(err);
		rc = 0;
	}
	if (rc == 0)
		warn_text(warn, user, &b);
	hy_buf_reset(&b);
	return rc;
}

/* The group of columns renamed to names[first]: the first keeps the name,
 * later ones get _1, _2, ... (skipping names another column has). */
static int dedup_group(struct dedup *d, size_t first, hy_polish_warn_fn warn, void *user,
		       struct hy_error *err)
{
	const char *dst = d->names[first];
	const char **src = hy_calloc(d->n, sizeof(*src)), **fin = hy_calloc(d->n, sizeof(*fin));
	struct hy_buf cand;
	size_t ns = 0, k = 0;
	int rc = 0;

	hy_buf_init(&cand, NAME_BUF_MAX + 32);
	if (src == NULL || fin == NULL)
		rc = FAIL(err, HY_ENOMEM, "out of memory polishing a schema");
	for (size_t i = first; rc == 0 && i < d->n; i++) {
		if (strcmp(d->names[i], dst) != 0)
			continue;
		d->done[i] = true;
		src[ns] = d->orig[i];
		fin[ns] = dst;
		if (ns++ == 0)
			continue;
		do {
			hy_buf_clear(&cand);
			rc = hy_buf_appendf(&cand, err, "%s_%zu", dst, ++k);
		} while (rc == 0 && taken(d, (const char *)cand.data));
		if (rc == 0 && (d->final[i] = hy_strdup((const char *)cand.data)) == NULL)
			rc = FAIL(err, HY_ENOMEM, "out of memory polishing a schema");
		fin[ns - 1] = d->final[i];
	}
	if (rc == 0)
		rc = warn_group(d, dst, src, fin, ns, warn, user, err);
	hy_free(src);
	hy_free(fin);
	hy_buf_reset(&cand);
	return rc;
}

static int find_collisions(struct dedup *d, hy_polish_warn_fn warn, void *user,
			   struct hy_error *err)
{
	memcpy(d->sorted, d->names, d->n * sizeof(*d->sorted));
	qsort(d->sorted, d->n, sizeof(*d->sorted), cmp_names);
	for (size_t i = 0; i < d->n; i++) {
		size_t at;

		if (d->done[i])
			continue;
		at = lower_bound(d->sorted, d->n, d->names[i]);
		if (at + 1 < d->n && strcmp(d->sorted[at + 1], d->names[i]) == 0)
			HY_TRY(dedup_group(d, i, warn, user, err));
	}
	return 0;
}

/* Step 2: every name through the rules, then collisions. Suffixed names
 * skip any name another column already has (the reference would fail the
 * rename there and write unpolished data). */
static int plan_names(const struct hy_polish_config *cfg, struct work *w, hy_polish_warn_fn warn,
		      void *user, struct hy_error *err)
{
	struct dedup d = {.n = w->n, .names = w->names};
	struct hy_buf b;
	int rc = 0;

	if (!cfg->remove_special && !cfg->remove_spaces && cfg->name_case == HY_POLISH_CASE_NONE)
		return 0;
	hy_buf_init(&b, NAME_BUF_MAX);
	d.orig = hy_calloc(w->n + 1, sizeof(char *));
	d.sorted = hy_calloc(w->n + 1, sizeof(char *));
	d.final = hy_calloc(w->n + 1, sizeof(char *));
	d.done = hy_calloc(w->n + 1, sizeof(bool));
	if (!d.orig || !d.sorted || !d.final || !d.done)
		rc = FAIL(err, HY_ENOMEM, "out of memory polishing a schema");
	for (size_t i = 0; rc == 0 && i < w->n; i++) {
		char *name;

		hy_buf_clear(&b);
		rc = hy_polish_column_name(cfg, w->names[i], &b, err);
		if (rc == 0 &&
		    (name = hy_str_dup((struct hy_str){(const char *)b.data, b.len})) == NULL)
			rc = FAIL(err, HY_ENOMEM, "out of memory polishing a schema");
		if (rc == 0) {
			d.orig[i] = w->names[i];
			w->names[i] = name;
		}
	}
	if (rc == 0)
		rc = find_collisions(&d, warn, user, err);
	for (size_t i = 0; d.final != NULL && i < w->n; i++) {
		if (d.final[i] != NULL) {
			hy_free(w->names[i]);
			w->names[i] = d.final[i];
		}
	}
	for (size_t i = 0; d.orig != NULL && i < w->n; i++)
		hy_free(d.orig[i]);
	hy_free(d.orig);
	hy_free(d.sorted);
	hy_free(d.final);
	hy_free(d.done);
	hy_buf_reset(&b);
	return rc;
}

/* Steps 3 and 4: added columns whose name is new. */
static int plan_added(const struct hy_polish_config *cfg, struct work *w, struct hy_error *err)
{
	for (size_t i = 0; i < cfg->nconst; i++)
		if (work_find(w, cfg->constants[i].name) < 0)
			HY_TRY(work_insert(w, w->n, hy_strdup(cfg->constants[i].name),
					   (struct slot){SLOT_CONST, i}, err));
	for (size_t i = 0; i < cfg->nts; i++)
		if (work_find(w, cfg->timestamps[i].name) < 0)
			HY_TRY(work_insert(w, w->n, hy_strdup(cfg->timestamps[i].name),
					   (struct slot){SLOT_TS, i}, err));
	return 0;
}

static int ts_type(const struct hy_polish_timestamp *t, struct hy_dtype *type, struct hy_error *err)
{
	if (t->type == HY_POLISH_TS_STRING) {
		*type = hy_dtype_simple(HY_STRING);
		return 0;
	}
	/* now_utc is zone-aware, now_local a naive wall-clock time (Python's
	 * datetime.now(timezone.utc) and datetime.now()). */
	return hy_dtype_timestamp(HY_UNIT_MICRO, t->source == HY_POLISH_NOW_UTC ? "UTC" : "", type,
				  err);
}

static int slot_field(const struct hy_polisher *p, const struct hy_schema *in, struct slot s,
		      struct hy_field *f, struct hy_error *err)
{
	const struct hy_polish_config *cfg = p->cfg;

	f->nullable = true;
	switch (s.kind) {
	case SLOT_INPUT:
		f->type = hy_schema_field(in, s.idx)->type;
		f->nullable = hy_schema_field(in, s.idx)->nullable;
		return 0;
	case SLOT_HASH:
		f->type = hy_dtype_simple(cfg->hash_ids[s.idx].hex ? HY_STRING : HY_BINARY);
		f->nullable = false; /* a null source hashes as the empty string */
		return 0;
	case SLOT_CONST: f->type = p->consts[s.idx].type; return 0;
	default: return ts_type(&cfg->timestamps[s.idx], &f->type, err);
	}
}

static int plan_schema(const struct hy_polisher *p, struct plan *pl, struct work *w,
		       struct hy_error *err)
{
	struct hy_field *fields = hy_calloc(w->n + 1, sizeof(*fields));
	int rc = 0;

	pl->slots = hy_calloc(w->n + 1, sizeof(*pl->slots));
	if (fields == NULL || pl->slots == NULL) {
		hy_free(fields);
		return FAIL(err, HY_ENOMEM, "out of memory polishing a schema");
	}
	pl->nout = w->n;
	memcpy(pl->slots, w->slots, w->n * sizeof(*w->slots));
	for (size_t i = 0; rc == 0 && i < w->n; i++) {
		fields[i].name = w->names[i];
		rc = slot_field(p, pl->in, w->slots[i], &fields[i], err);
	}
	if (rc == 0)
		rc = hy_schema_create(fields, w->n, &pl->out, err);
	hy_free(fields);
	return rc;
}

static bool plan_is_identity(const struct plan *pl, const struct work *w)
{
	size_t nin = hy_schema_nfields(pl->in);

	if (w->n != nin)
		return false;
	for (size_t i = 0; i < nin; i++)
		if (w->slots[i].kind != SLOT_INPUT || w->slots[i].idx != i ||
		    strcmp(w->names[i], hy_schema_field(pl->in, i)->name) != 0)
			return false;
	return true;
}

static int plan_build(const struct hy_polisher *p, struct hy_schema *in, struct plan **out,
		      hy_polish_warn_fn warn, void *user, struct hy_error *err)
{
	const struct hy_polish_config *cfg = p->cfg;
	size_t nin = hy_schema_nfields(in);
	struct work w = {0};
	struct plan *pl;
	int rc = 0;

	*out = NULL;
	pl = hy_calloc(1, sizeof(*pl));
	if (pl == NULL)
		return FAIL(err, HY_ENOMEM, "out of memory polishing a schema");
	pl->in = hy_schema_ref(in);
	w.cap = nin + cfg->nhash + cfg->nconst + cfg->nts;
	w.names = hy_calloc(w.cap + 1, sizeof(*w.names));
	w.slots = hy_calloc(w.cap + 1, sizeof(*w.slots));
	pl->hash_on = hy_calloc(cfg->nhash + 1, sizeof(*pl->hash_on));
	pl->hash_src = hy_calloc(cfg->nhash + 1, sizeof(struct slot *));
	if (!w.names || !w.slots || !pl->hash_on || !pl->hash_src)
		rc = FAIL(err, HY_ENOMEM, "out of memory polishing a schema");
	for (size_t i = 0; rc == 0 && i < nin; i++)
		rc = work_insert(&w, w.n, hy_strdup(hy_schema_field(in, i)->name),
				 (struct slot){SLOT_INPUT, i}, err);
	for (size_t r = 0; rc == 0 && r < cfg->nhash; r++)
		rc = plan_hash(cfg, r, &w, pl, warn, user, err);
	if (rc == 0)
		rc = plan_names(cfg, &w, warn, user, err);
	if (rc == 0)
		rc = plan_added(cfg, &w, err);
	if (rc == 0 && plan_is_identity(pl, &w))
		pl->identity = true;
	else if (rc == 0)
		rc = plan_schema(p, pl, &w, err);
	work_reset(&w);
	if (rc != 0) {
		plan_destroy(pl, cfg->nhash);
		return rc;
	}
	*out = pl;
	return 0;
}

/* ---- hash ids --------------------------------------------------------- */

static int append_i128(struct hy_buf *b, hy_i128 v, int scale, struct hy_error *err)
{
	char digits[48];
	int n = 0;
	hy_u128 u = v < 0 ? (hy_u128)0 - (hy_u128)v : (hy_u128)v;

	do {
		digits[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u != 0 || n <= scale);
	if (v < 0)
		HY_TRY(hy_buf_append_byte(b, '-', err));
	for (int i = n - 1; i >= 0; i--) {
		HY_TRY(hy_buf_append_byte(b, (uint8_t)digits[i], err));
		if (i == scale && scale > 0)
			HY_TRY(hy_buf_append_byte(b, '.', err));
	}
	return 0;
}

/* Shortest text that reads back as the same value, with ".0" on whole
 * numbers (Polars' float-to-string cast). */
static int append_float(struct hy_buf *b, double v, bool single, struct hy_error *err)
{
	char tmp[40];

	if (isnan(v))
		return hy_buf_append(b, "NaN", 3, err);
	if (isinf(v))
		return hy_buf_append(b, v < 0 ? "-inf" : "inf", v < 0 ? 4 : 3, err);
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (single ? (float)strtod(tmp, NULL) == (float)v : strtod(tmp, NULL) == v)
			break;
	}
	HY_TRY(hy_buf_append(b, tmp, strlen(tmp), err));
	if (strpbrk(tmp, ".en") == NULL)
		HY_TRY(hy_buf_append(b, ".0", 2, err));
	return 0;
}

static const int64_t unit_per_sec[] = {1, 1000, 1000000, 1000000000};

/* "YYYY-MM-DD HH:MM:SS" and the fraction digits of the unit (Polars'
 * datetime-to-string cast); a zone adds its "+HH:MM". */
static int append_timestamp(struct hy_buf *b, int64_t v, const struct hy_dtype *t,
			    struct hy_error *err)
{
	static const int digits[] = {0, 3, 6, 9};
	int64_t per = unit_per_sec[t->unit];
	int64_t sec = v / per, frac = v % per;
	int off = t->tz[0] ? hy_time_zone_offset(t->tz) : 0;
	struct hy_civil c;

	if (frac < 0) {
		frac += per;
		sec--;
	}
	HY_TRY(hy_time_to_civil(sec * HY_USEC_PER_SEC, off, &c, err));
	HY_TRY(hy_buf_appendf(b, err, "%04d-%02d-%02d %02d:%02d:%02d", c.year, c.month, c.day,
			      c.hour, c.minute, c.second));
	if (digits[t->unit] > 0)
		HY_TRY(hy_buf_appendf(b, err, ".%0*" PRId64, digits[t->unit], frac));
	if (t->tz[0])
		HY_TRY(hy_buf_appendf(b, err, "%c%02d:%02d", off < 0 ? '-' : '+',
				      (off < 0 ? -off : off) / 3600,
				      (off < 0 ? -off : off) % 3600 / 60));
	return 0;
}

static int append_uuid(struct hy_buf *b, struct hy_str s, struct hy_error *err)
{
	for (size_t i = 0; i < s.len; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			HY_TRY(hy_buf_append_byte(b, '-', err));
		HY_TRY(hy_buf_appendf(b, err, "%02x", (unsigned char)s.ptr[i]));
	}
	return 0;
}

/* Row `row` of `col` as text: the source values of a hash id, as the
 * reference's cast to Utf8 renders them. */
static int value_text(const struct hy_column *col, int64_t row, struct hy_buf *b,
		      struct hy_error *err)
{
	char d[HY_DATE_TEXT_MAX];
	struct hy_str s;

	switch (col->type.id) {
	case HY_BOOL:
		return hy_buf_appendf(b, err, "%s",
				      hy_column_get_bool(col, row) ? "true" : "false");
	case HY_INT8:
	case HY_INT16:
	case HY_INT32:
	case HY_INT64: return hy_buf_appendf(b, err, "%" PRId64, hy_column_get_i64(col, row));
	case HY_UINT8:
	case HY_UINT16:
	case HY_UINT32:
	case HY_UINT64: return hy_buf_appendf(b, err, "%" PRIu64, hy_column_get_u64(col, row));
	case HY_FLOAT32:
	case HY_FLOAT64:
		return append_float(b, hy_column_get_f64(col, row), col->type.id == HY_FLOAT32,
				    err);
	case HY_DECIMAL:
		return append_i128(b, hy_column_get_decimal(col, row), col->type.scale, err);
	case HY_STRING:
	case HY_BINARY:
	case HY_FIXED_BINARY:
		s = hy_column_get_bytes(col, row);
		return hy_buf_append(b, s.ptr, s.len, err);
	case HY_UUID: return append_uuid(b, hy_column_get_bytes(col, row), err);
	case HY_DATE:
		HY_TRY(hy_date_format(hy_column_get_i64(col, row), d, err));
		return hy_buf_append(b, d, strlen(d), err);
	case HY_TIMESTAMP: return append_timestamp(b, hy_column_get_i64(col, row), &col->type, err);
	default:
		return FAIL(err, HY_EUNSUPPORTED, "a %s column cannot be hashed",
			    hy_type_name(col->type.id));
	}
}

static const struct hy_column *slot_column(const struct hy_batch *in, struct hy_column **hashed,
					   struct slot s)
{
	return s.kind == SLOT_INPUT ? in->cols[s.idx] : hashed[s.idx];
}

static int nibble(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

static int hash_row(struct hy_polisher *p, const struct hy_polish_hash_rule *rule,
		    const struct hy_column *const *src, int64_t row, struct hy_builder *b,
		    struct hy_error *err)
{
	char hex[HY_SHA256_HEX_LEN + 1];
	uint8_t raw[32];
	bool null = false;

	hy_buf_clear(&p->text);
	HY_TRY(hy_buf_reserve(&p->text, 1, err));
	for (size_t k = 0; k < rule->nfrom && !null; k++) {
		if (src[k]->type.id == HY_NULL || hy_column_is_null(src[k], row)) {
			null = true; /* concat_str gives null; null hashes as "" */
			break;
		}
		if (k > 0)
			HY_TRY(hy_buf_append_byte(&p->text, '|', err));
		HY_TRY(value_text(src[k], row, &p->text, err));
	}
	HY_TRY(hy_sha256_hex(p->text.data, null ? 0 : p->text.len, hex, err));
	if (rule->hex)
		return hy_builder_append_str(b, hex, HY_SHA256_HEX_LEN, err);
	for (size_t i = 0; i < sizeof(raw); i++)
		raw[i] = (uint8_t)(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
	return hy_builder_append_str(b, raw, sizeof(raw), err);
}

static int hash_column(struct hy_polisher *p, const struct plan *pl, size_t r,
		       const struct hy_batch *in, struct hy_column **hashed, struct hy_error *err)
{
	const struct hy_polish_hash_rule *rule = &p->cfg->hash_ids[r];
	struct hy_dtype type = hy_dtype_simple(rule->hex ? HY_STRING : HY_BINARY);
	const struct hy_column **src = hy_calloc(rule->nfrom + 1, sizeof(const struct hy_column *));
	struct hy_builder *b = NULL;
	int rc = 0;

	if (src == NULL)
		return FAIL(err, HY_ENOMEM, "out of memory computing hash id '%s'", rule->name);
	for (size_t k = 0; k < rule->nfrom; k++)
		src[k] = slot_column(in, hashed, pl->hash_src[r][k]);
	rc = hy_builder_create(&type, &b, err);
	if (rc == 0)
		rc = hy_builder_reserve(b, in->nrows, in->nrows * (rule->hex ? 64 : 32), err);
	for (int64_t row = 0; rc == 0 && row < in->nrows; row++)
		rc = hash_row(p, rule, src, row, b, err);
	if (rc == 0)
		rc = hy_builder_finish(b, &hashed[r], err);
	hy_builder_destroy(b);
	hy_free(src);
	if (rc != 0)
		hy_error_prefix(err, "hash id '%s'", rule->name);
	return rc;
}

/* ---- timestamps ------------------------------------------------------- */

/* Python's strftime on a datetime: %f (microseconds), %z and %Z (empty for a
 * naive time) are Python's own; everything else goes to the C library, one
 * directive at a time. */
static int format_time(const char *fmt, int64_t utc, int off, bool aware, struct hy_buf *out,
		       struct hy_error *err)
{
	struct hy_civil c;
	struct tm tm = {0};
	int64_t days;

	HY_TRY(hy_time_to_civil(utc, off, &c, err));
	days = hy_days_from_civil(c.year, c.month, c.day);
	tm.tm_year = c.year - 1900;
	tm.tm_mon = c.month - 1;
	tm.tm_mday = c.day;
	tm.tm_hour = c.hour;
	tm.tm_min = c.minute;
	tm.tm_sec = c.second;
	tm.tm_wday = (int)(((days % 7) + 11) % 7); /* 1970-01-01 was a Thursday */
	tm.tm_yday = (int)(days - hy_days_from_civil(c.year, 1, 1));
	for (const char *p = fmt; *p;) {
		char dir[16], res[256];
		size_t n = 1, len;

		if (*p != '%' || p[1] == 0) {
			HY_TRY(hy_buf_append_byte(out, (uint8_t)*p++, err));
			continue;
		}
		while (p[n] != 0 && strchr("-_0^#EO123456789", p[n]) != NULL && n < 10)
			n++;
		if (p[n] == 0)
			return hy_buf_append(out, p, strlen(p), err);
		if (n == 1 && p[1] == 'f')
			HY_TRY(hy_buf_appendf(out, err, "%06d", c.micros));
		else if (n == 1 && p[1] == 'z' && aware)
			HY_TRY(hy_buf_appendf(out, err, "%c%02d%02d", off < 0 ? '-' : '+',
					      abs(off) / 3600, abs(off) % 3600 / 60));
		else if (n == 1 && p[1] == 'Z' && aware)
			HY_TRY(hy_buf_append(out, "UTC", 3, err));
		else if (n == 1 && (p[1] == 'z' || p[1] == 'Z'))
			; /* naive: empty, as Python */
		else {
			memcpy(dir, p, n + 1);
			dir[n + 1] = 0;
			/* One directive of the user's format, checked above. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
			len = strftime(res, sizeof(res), dir, &tm);
#pragma GCC diagnostic pop
			HY_TRY(hy_buf_append(out, res, len, err));
		}
		p += n + 1;
	}
	return hy_buf_reserve(out, 1, err);
}

static int ts_column(const struct hy_polish_timestamp *t, int64_t utc, int off, int64_t nrows,
		     struct hy_column **out, struct hy_error *err)
{
	struct const_val cv = {0};
	char iso[HY_TIME_ISO_MAX];
	struct hy_buf text;
	bool local = t->source == HY_POLISH_NOW_LOCAL;
	int rc;

	hy_buf_init(&text, TS_TEXT_MAX);
	rc = ts_type(t, &cv.type, err);
	if (rc == 0 && t->type == HY_POLISH_TS_DATETIME) {
		cv.i = local ? utc + (int64_t)off * HY_USEC_PER_SEC : utc;
	} else if (rc == 0 && t->format != NULL) {
		rc = format_time(t->format, utc, local ? off : 0, !local, &text, err);
		cv.s = text.data != NULL ? (const char *)text.data : "";
		cv.len = text.len;
	} else if (rc == 0) {
		/* isoformat(): naive local time, or UTC with "+00:00" */
		rc = hy_time_format_iso(local ? utc + (int64_t)off * HY_USEC_PER_SEC : utc,
					local ? HY_TIME_NO_OFFSET : 0, iso, err);
		cv.s = iso;
		cv.len = strlen(iso);
	}
	if (rc == 0)
		rc = fill_column(&cv, nrows, out, err);
	hy_buf_reset(&text);
	if (rc != 0)
		hy_error_prefix(err, "timestamp '%s'", t->name);
	return rc;
}

/* ---- apply ------------------------------------------------------------ */

/* The cached constant column, grown to at least `nrows`, sliced to it. */
static int const_column(struct hy_polisher *p, size_t i, int64_t nrows, struct hy_column **out,
			struct hy_error *err)
{
	struct hy_column *c = p->const_cols[i];

	if (c == NULL || c->length < nrows) {
		struct hy_column *grown = NULL;
		int64_t want = c != NULL && c->length * 2 > nrows ? c->length * 2 : nrows;

		if (want > HY_MAX_COLUMN_ROWS)
			want = nrows;
		HY_TRY(fill_column(&p->consts[i], want, &grown, err));
		hy_column_unref(c);
		p->const_cols[i] = c = grown;
	}
	return hy_column_slice(c, 0, nrows, out, err);
}

static int build_columns(struct hy_polisher *p, const struct plan *pl, struct hy_batch *in,
			 struct hy_column **cols, struct hy_column **hashed, struct hy_error *err)
{
	int64_t utc = 0;
	int off = 0;

	if (p->cfg->nts > 0)
		p->clock(p->clock_user, &utc, &off);
	for (size_t r = 0; r < p->cfg->nhash; r++)
		if (pl->hash_on[r])
			HY_TRY(hash_column(p, pl, r, in, hashed, err));
	for (size_t i = 0; i < pl->nout; i++) {
		struct slot s = pl->slots[i];

		switch (s.kind) {
		case SLOT_INPUT: cols[i] = hy_column_ref(in->cols[s.idx]); break;
		case SLOT_HASH: cols[i] = hy_column_ref(hashed[s.idx]); break;
		case SLOT_CONST: HY_TRY(const_column(p, s.idx, in->nrows, &cols[i], err)); break;
		default:
			HY_TRY(ts_column(&p->cfg->timestamps[s.idx], utc, off, in->nrows, &cols[i],
					 err));
			break;
		}
	}
	return 0;
}

int hy_polish_apply(struct hy_polisher *p, struct hy_batch *in, struct hy_batch **out,
		    hy_polish_warn_fn warn, void *user, struct hy_error *err)
{
	struct hy_column **cols = NULL, **hashed = NULL;
	struct plan *pl = p->plan;
	int rc = 0;

	*out = NULL;
	if (pl == NULL || (pl->in != in->schema && !hy_schema_eq(pl->in, in->schema))) {
		struct plan *fresh = NULL;

		HY_TRY(plan_build(p, in->schema, &fresh, warn, user, err));
		plan_destroy(p->plan, p->cfg->nhash);
		p->plan = pl = fresh;
	}
	if (pl->identity) {
		*out = hy_batch_ref(in);
		return 0;
	}
	cols = hy_calloc(pl->nout + 1, sizeof(struct hy_column *));
	hashed = hy_calloc(p->cfg->nhash + 1, sizeof(struct hy_column *));
	if (cols == NULL || hashed == NULL)
		rc = FAIL(err, HY_ENOMEM, "out of memory polishing a batch");
	if (rc == 0)
		rc = build_columns(p, pl, in, cols, hashed, err);
	if (rc == 0)
		rc = hy_batch_create(pl->out, cols, in->nrows, out, err);
	for (size_t i = 0; cols != NULL && i < pl->nout; i++)
		hy_column_unref(cols[i]);
	for (size_t r = 0; hashed != NULL && r < p->cfg->nhash; r++)
		hy_column_unref(hashed[r]);
	hy_free(cols);
	hy_free(hashed);
	if (rc != 0)
		hy_error_prefix(err, "polish");
	return rc;
}
