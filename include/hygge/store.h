/* Stores: where data settles. One file per type under src/stores/, behind the
 * ops table below, found by name in the registry (hy_store_registry_find).
 *
 * Life of a store in a flow:
 *
 *   open(config, ctx)        on the flow's thread, once per flow
 *   write(batch) * n         on the consumer thread (buffers; see the base below)
 *   abort()                  on the flow's thread after a failed or cancelled
 *                            attempt: staging dropped, buffers and counters
 *                            reset; the store is then as just opened, so a
 *                            retry may write again
 *   finish()                 on the flow's thread, after a good extraction:
 *                            flush, then publish atomically (not retried)
 *   close()                  on the flow's thread; drops whatever was not
 *                            finished (as abort)
 *   interrupt()              from the flow's thread while write() may run,
 *                            only when the attempt is being abandoned
 *
 * Nothing is visible at the destination before finish() returns 0; a failed,
 * cancelled or retried flow leaves it exactly as it was. */
#ifndef HYGGE_STORE_H
#define HYGGE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hygge/batch.h"
#include "hygge/endpoint.h"
#include "hygge/registry.h"
#include "hygge/status.h"

struct hy_store;  /* the type's own object */
struct hy_option; /* hygge/option.h */

struct hy_store_ops {
	const char *type;                /* "local", "sqlite", "mssql", "adls", ... */
	const struct hy_option *options; /* NULL until the type binds one */
	/* `config` is the type's parsed config struct, borrowed for the call.
	 * On success *out belongs to the caller: free with close(). */
	int (*open)(struct hy_store **out, const void *config,
		    const struct hy_endpoint_context *ctx, struct hy_error *err);
	/* `batch` is borrowed: take a reference (or a slice) to keep rows. */
	int (*write)(struct hy_store *store, struct hy_batch *batch, struct hy_error *err);
	/* Flushes what is buffered, then publishes atomically. */
	int (*finish)(struct hy_store *store, struct hy_error *err);
	/* Drops staging; the destination is untouched. Any state, many times. */
	void (*abort)(struct hy_store *store);
	/* Optional (NULL): as hy_home_ops.interrupt, for a blocked write(). */
	void (*interrupt)(struct hy_store *store);
	/* Optional (NULL = hy_error_default_class). */
	hy_classify_fn classify;
	void (*close)(struct hy_store *store);
};

/* ---- registry (same rules as the home registry) ---- */

#define HY_STORE_REGISTRY_MAX HY_REGISTRY_MAX

int hy_store_register(const struct hy_store_ops *ops, struct hy_error *err) HY_WUR;
const struct hy_store_ops *hy_store_registry_find(const char *type);
int hy_stores_register_builtin(struct hy_error *err) HY_WUR;
bool hy_store_unregister(const char *type);

/* ---- store base: buffering to batch_size (behaviour.md §3.3) ----
 *
 * write() appends zero-copy references; whenever batch_size rows are
 * buffered, exactly batch_size rows are handed to `emit` (a slice of one
 * input batch when it covers them, else one concatenated batch); flush() hands
 * over the remainder. So every chunk but the last holds exactly batch_size
 * rows, and a store that polishes and saves per chunk touches each row once
 * (D21). Caller-owned; one thread at a time. */

/* Receives one chunk (borrowed: take a reference to keep it). A failure stops
 * the write or flush that called it; the chunk's rows stay counted as not
 * written (rows_out) and are dropped from the buffer. */
typedef int (*hy_store_emit_fn)(void *ctx, struct hy_batch *chunk, struct hy_error *err);

/* Streaming form (hy_store_buffer_init_streaming): receives the rows as they
 * come, as `part`s (borrowed: a batch or a zero-copy slice of one), with
 * `ends_chunk` set on the part that completes a chunk of batch_size rows.
 * flush() ends a partial last chunk with a call where `part` is NULL and
 * `ends_chunk` is true. A store that writes files this way opens its file at
 * the first part and closes it at the end of the chunk, so nothing is
 * buffered or concatenated: memory does not grow with batch_size. After a
 * failure the store drops its open chunk; the buffer starts a new chunk. */
typedef int (*hy_store_part_fn)(void *ctx, struct hy_batch *part, bool ends_chunk,
				struct hy_error *err);

#define HY_STORE_DEFAULT_BATCH_SIZE 100000

struct hy_store_buffer {
	int64_t batch_size; /* rows per chunk (>= 1) */
	hy_store_emit_fn emit;
	hy_store_part_fn part; /* streaming form; then emit is NULL */
	int64_t chunk_rows;    /* streaming: rows of the chunk being handed over */
	void *emit_ctx;
	struct hy_batch **parts; /* buffered batches or slices, oldest first */
	size_t nparts, cap;
	int64_t head_offset;   /* rows of parts[0] already emitted */
	int64_t buffered_rows; /* rows in parts minus head_offset */
	int64_t rows_in;       /* rows accepted by write() (total_rows) */
	int64_t rows_out;      /* rows handed to emit successfully (rows_written) */
	int64_t chunks;        /* chunks emitted successfully */
};

/* batch_size 0 means HY_STORE_DEFAULT_BATCH_SIZE; negative is HY_EINVAL. */
int hy_store_buffer_init(struct hy_store_buffer *buf, int64_t batch_size, hy_store_emit_fn emit,
			 void *emit_ctx, struct hy_error *err) HY_WUR;
/* The streaming form (see hy_store_part_fn); same counters and rules. */
int hy_store_buffer_init_streaming(struct hy_store_buffer *buf, int64_t batch_size,
				   hy_store_part_fn part, void *ctx, struct hy_error *err) HY_WUR;
/* Buffers `batch` (borrowed; a reference is taken) and emits full chunks.
 * NULL batch: HY_EINVAL "Cannot write None data". Empty batches are ignored. */
int hy_store_buffer_write(struct hy_store_buffer *buf, struct hy_batch *batch,
			  struct hy_error *err) HY_WUR;
/* Emits what is buffered (fewer than batch_size rows), if anything. */
int hy_store_buffer_flush(struct hy_store_buffer *buf, struct hy_error *err) HY_WUR;
/* Drops the buffered rows and zeroes the counters; stays usable (abort/retry). */
void hy_store_buffer_discard(struct hy_store_buffer *buf);
/* Frees everything. Accepts a zeroed struct. */
void hy_store_buffer_reset(struct hy_store_buffer *buf);

#endif /* HYGGE_STORE_H */
