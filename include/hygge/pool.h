/* Fixed pool of worker threads with task groups: the shared CPU pool that
 * decodes and encodes columns in parallel inside a flow.
 *
 * A task is a function and an argument. Tasks are submitted into a group
 * (caller-owned, on the stack is fine); hy_pool_group_wait() returns once
 * every task of the group has finished, with the first failure of the group
 * (first error wins). Groups from many threads share one pool.
 *
 * No deadlock on nesting: a thread waiting on a group does not just sleep, it
 * runs queued tasks (any group's) until its own group is done. So a task may
 * itself submit subtasks and wait for them, even on a one-thread pool, as
 * long as every group is waited on by the thread that submitted into it.
 *
 * Bounded memory: the task queue has a fixed size (HY_POOL_QUEUE_PER_THREAD
 * per worker). When it is full, hy_pool_submit() runs the task at once in the
 * calling thread ("caller runs"), which both bounds memory and slows a
 * submitter that runs ahead. A task therefore must not assume it runs on
 * another thread than its submitter.
 *
 * Workers are named "<prefix>-<n>" (n from 0), cut to the 15 characters
 * Linux allows. See docs/internals/core.md. */
#ifndef HYGGE_POOL_H
#define HYGGE_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "hygge/status.h"

#define HY_POOL_MAX_THREADS      256
#define HY_POOL_QUEUE_PER_THREAD 64
#define HY_POOL_NAME_MAX         15 /* Linux thread names, without the NUL */

/* A task: returns 0 or a status, recording the cause in `err` (a fresh,
 * empty error per run). */
typedef int (*hy_pool_task_fn)(void *arg, struct hy_error *err);

struct hy_pool;

/* hy_pool_group_init() flag: once a task of the group fails, tasks of the
 * group that have not started yet are skipped (never called). Use it only
 * when a skipped task's `arg` needs no clean-up by the task itself. */
#define HY_POOL_GROUP_CANCEL_ON_ERROR 1u

/* Caller-owned. Fields are private to the pool and guarded by the pool's
 * lock; read them only through the functions below. The group must stay
 * alive until hy_pool_group_wait() has returned. */
struct hy_pool_group {
	struct hy_pool *pool;  /* set by init, then read-only */
	unsigned flags;        /* set by init, then read-only */
	size_t pending;        /* pool lock: submitted and not finished */
	size_t skipped;        /* pool lock: cancelled before they ran */
	struct hy_error error; /* pool lock: the first failure */
};

/* Starts `nthreads` workers (0 = one per online CPU; at most
 * HY_POOL_MAX_THREADS) named after `name_prefix` (NULL = "hy-pool"). On
 * success *out is owned by the caller: free with hy_pool_destroy(). On
 * failure *out is NULL and no thread is left running. HY_ENOMEM, HY_EINVAL,
 * HY_EIO (the system refused a thread). */
int hy_pool_create(struct hy_pool **out, size_t nthreads, const char *name_prefix,
		   struct hy_error *err) HY_WUR;

/* Runs every task still queued, then joins the workers and frees the pool.
 * Call once no thread other than the pool's own tasks can submit, and never
 * from a task. Tasks may still submit while the pool drains. Accepts NULL. */
void hy_pool_destroy(struct hy_pool *pool);

size_t hy_pool_nthreads(const struct hy_pool *pool);

/* Prepares an empty group for tasks of `pool`; `flags` is 0 or
 * HY_POOL_GROUP_CANCEL_ON_ERROR. Re-init a group to reuse it after a wait. */
void hy_pool_group_init(struct hy_pool_group *group, struct hy_pool *pool, unsigned flags);

/* Queues fn(arg), or runs it now in the calling thread when the task queue is
 * full. `group` may be NULL for a task whose outcome nobody waits for (its
 * failure is then dropped). `arg` stays owned by the caller, who must keep it
 * valid until the task has run (for a grouped task: until the group's wait
 * returns). Returns 0 once the task is accepted: its own failure is reported
 * by hy_pool_group_wait(), not here. HY_EINVAL when `group` belongs to another
 * pool or `fn` is NULL. */
int hy_pool_submit(struct hy_pool *pool, struct hy_pool_group *group, hy_pool_task_fn fn, void *arg,
		   struct hy_error *err) HY_WUR;

/* Waits until every task of the group has finished, running queued tasks in
 * the meantime. Returns 0, or the status of the group's first failing task
 * with its error copied into `err` (unless `err` already holds one). A group
 * into which nothing was submitted returns 0 at once. One waiter per group. */
int hy_pool_group_wait(struct hy_pool_group *group, struct hy_error *err) HY_WUR;

/* True once a task of the group has failed: long tasks may poll it to stop
 * early. Safe from any thread. */
bool hy_pool_group_failed(struct hy_pool_group *group);

/* Tasks skipped by HY_POOL_GROUP_CANCEL_ON_ERROR; meaningful after the wait. */
size_t hy_pool_group_skipped(struct hy_pool_group *group);

#endif /* HYGGE_POOL_H */
