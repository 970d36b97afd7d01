/* The `sqlite` store type: the SQLite engine (store_sqlite.c) behind the
 * store ops table, with the store base in its streaming form in front: every
 * row goes into the run's one transaction, so how rows are grouped into
 * batch_size chunks is invisible, and the buffering form would copy
 * (concatenate, decoding dictionary strings) every chunk that spans two input
 * batches. The parts (input batches or zero-copy slices) go to the engine as
 * they come.
 *
 * The engine runs one transaction per run and accepts nothing but abort and
 * close once aborted, while a store must be reusable after abort (a retry
 * writes again). So abort closes the sink, and the next write opens a fresh
 * one. Opening at open() too means a bad path or a read-only database fails
 * the first attempt before any row is read. */
#include <string.h>

#include "hygge/alloc.h"
#include "hygge/cfgtypes.h"
#include "hygge/store.h"
#include "hygge/store_sqlite.h"
#include "stores_int.h"

struct hy_store {
	struct hy_sqlite_sink_config cfg; /* strings below */
	char *path, *table, *flow;
	struct hy_sqlite_sink *sink; /* NULL after abort until the next write */
	struct hy_store_buffer buf;
};

static int ensure_sink(struct hy_store *s, struct hy_error *err)
{
	if (s->sink != NULL)
		return 0;
	return hy_sqlite_sink_open(&s->sink, &s->cfg, err);
}

static int write_part(void *ctx, struct hy_batch *part, bool ends_chunk, struct hy_error *err)
{
	struct hy_store *s = ctx;

	(void)ends_chunk; /* chunks mean nothing inside one transaction */
	HY_TRY(ensure_sink(s, err));
	return part != NULL ? hy_sqlite_sink_write(s->sink, part, err) : 0;
}

static void sqlite_abort(struct hy_store *s)
{
	hy_store_buffer_discard(&s->buf);
	hy_sqlite_sink_close(s->sink); /* rolls back */
	s->sink = NULL;
}

static void sqlite_close(struct hy_store *s)
{
	if (s == NULL)
		return;
	hy_sqlite_sink_close(s->sink);
	hy_store_buffer_reset(&s->buf);
	hy_free(s->path);
	hy_free(s->table);
	hy_free(s->flow);
	hy_free(s);
}

static int sqlite_open(struct hy_store **out, const void *config,
		       const struct hy_endpoint_context *ctx, struct hy_error *err)
{
	const struct hy_sqlite_cfg *c = &((const struct hy_store_config *)config)->u.sqlite;
	struct hy_store *s;
	int rc;

	*out = NULL;
	if ((s = hy_calloc(1, sizeof(*s))) == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory opening the store");
	s->path = hy_strdup(c->abs_path != NULL ? c->abs_path : c->path);
	s->table = hy_strdup(c->table != NULL ? c->table : "");
	s->flow = hy_strdup(ctx->flow_name != NULL ? ctx->flow_name : "");
	if (s->path == NULL || s->table == NULL || s->flow == NULL) {
		rc = hy_error_set(err, HY_ENOMEM, "out of memory opening the store");
		goto fail;
	}
	s->cfg = (struct hy_sqlite_sink_config){
		.path = s->path,
		.table = s->table,
		.run_type = ctx->run_type == HY_RUN_FULL_DROP ? HY_SQLITE_FULL_DROP
							      : HY_SQLITE_INCREMENTAL,
		.log_flow = s->flow,
	};
	if ((rc = hy_store_buffer_init_streaming(&s->buf, c->batch_size, write_part, s, err)) !=
		    0 ||
	    (rc = ensure_sink(s, err)) != 0)
		goto fail;
	*out = s;
	return 0;
fail:
	sqlite_close(s);
	return rc;
}

static int sqlite_write(struct hy_store *s, struct hy_batch *batch, struct hy_error *err)
{
	return hy_store_buffer_write(&s->buf, batch, err);
}

static int sqlite_finish(struct hy_store *s, struct hy_error *err)
{
	HY_TRY(hy_store_buffer_flush(&s->buf, err));
	HY_TRY(ensure_sink(s, err));
	return hy_sqlite_sink_finish(s->sink, err);
}

static enum hy_failure_class sqlite_classify(const struct hy_error *err)
{
	return err != NULL && hy_sqlite_status_is_transient(err->code) ? HY_FAILURE_TRANSIENT
								       : HY_FAILURE_TERMINAL;
}

const struct hy_store_ops hy_store_sqlite_ops = {
	.type = "sqlite",
	.open = sqlite_open,
	.write = sqlite_write,
	.finish = sqlite_finish,
	.abort = sqlite_abort,
	.classify = sqlite_classify,
	.close = sqlite_close,
};
