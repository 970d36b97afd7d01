/* Fixed thread pool with task groups: the shared CPU pool.
 *
 * Design (see docs/internals/core.md):
 *  - One mutex guards the task ring, the counters and every group's fields.
 *    Two condition variables: `work` (idle workers wait for a task) and
 *    `done` (threads in hy_pool_group_wait() wait for their group to finish).
 *  - The task ring has a fixed size allocated at create time, so submit never
 *    allocates; when it is full the submitter runs the task itself.
 *  - A waiter helps: while its group has pending tasks it takes queued tasks
 *    (of any group) and runs them, and sleeps only when the ring is empty.
 *    That is what lets a task submit subtasks and wait for them without
 *    deadlock, even on one thread: a thread only ever sleeps when every
 *    pending task is already running on some other thread.
 *  - No thread sleeps while a task is queued: a submit signals `work` when a
 *    worker is idle, else broadcasts `done` when a waiter sleeps (it will
 *    help); with neither, every thread is running a task and looks at the
 *    ring again before it next sleeps.
 *  - Task functions run with no lock held; signals go out after unlocking.
 *    A finished task touches its group only under the lock, and the waiter
 *    reads it once `pending` is 0, so the group may vanish as soon as the
 *    wait returns.
 *  - Workers are created with every signal blocked, so SIGINT/SIGTERM reach
 *    the main thread, and name themselves "<prefix>-<n>".
 */
#include "hygge/pool.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hygge/alloc.h"
#include "sync_int.h"

struct pool_task {
	hy_pool_task_fn fn;
	void *arg;
	struct hy_pool_group *group; /* NULL: nobody waits for it */
};

/* Filled by the creator before the thread starts, then read-only. */
struct pool_worker {
	pthread_t thread;
	struct hy_pool *pool;
	size_t id; /* the <n> of its name */
};

struct hy_pool {
	pthread_mutex_t lock;
	pthread_cond_t work;         /* idle workers wait here for a task or `stopping` */
	pthread_cond_t done;         /* group waiters wait here for a group or a task */
	struct pool_task *ring;      /* lock: queued tasks */
	size_t cap;                  /* immutable: slots in ring */
	size_t head;                 /* lock: oldest queued task */
	size_t len;                  /* lock: queued tasks */
	size_t idle_workers;         /* lock: workers inside pthread_cond_wait(work) */
	size_t sleeping_waiters;     /* lock: group waiters inside pthread_cond_wait(done) */
	bool stopping;               /* lock: destroy began; workers exit once ring is empty */
	bool sync_ready;             /* creator/destroyer only: lock and conds initialised */
	struct pool_worker *workers; /* creator/destroyer only */
	size_t nthreads;             /* immutable */
	size_t started;              /* creator/destroyer only: threads to join */
	char prefix[HY_POOL_NAME_MAX + 1]; /* immutable */
};

static void record_failure_locked(struct hy_pool_group *group, int rc, const struct hy_error *terr)
{
	if (terr->code != 0) {
		group->error = *terr;
		group->error.code = rc; /* the status the task returned is the one reported */
	} else {
		hy_error_set(&group->error, rc, "a pool task failed without a message (%s)",
			     hy_status_name(rc));
	}
}

/* Takes the oldest queued task. Sets *skip when its group was cancelled. */
static bool take_locked(struct hy_pool *pool, struct pool_task *task, bool *skip)
{
	if (pool->len == 0)
		return false;
	*task = pool->ring[pool->head];
	pool->head = (pool->head + 1) % pool->cap;
	pool->len--;
	*skip = task->group != NULL && (task->group->flags & HY_POOL_GROUP_CANCEL_ON_ERROR) &&
		task->group->error.code != 0;
	return true;
}

/* Runs one task with no lock held (unless `skip`), then records its outcome
 * in its group and wakes the group's waiter when the group is done. */
static void run_task(struct hy_pool *pool, const struct pool_task *task, bool skip)
{
	struct hy_pool_group *group = task->group;
	struct hy_error terr;
	bool wake = false;
	int rc = 0;

	terr.code = 0;
	terr.sys_errno = 0;
	terr.msg[0] = '\0';
	if (!skip)
		rc = task->fn(task->arg, &terr);
	if (group == NULL)
		return;
	pthread_mutex_lock(&pool->lock);
	if (skip)
		group->skipped++;
	else if (rc != 0 && group->error.code == 0)
		record_failure_locked(group, rc, &terr);
	group->pending--;
	wake = group->pending == 0 && pool->sleeping_waiters > 0;
	pthread_mutex_unlock(&pool->lock);
	/* `group` may be gone now; only the pool is touched. */
	if (wake)
		pthread_cond_broadcast(&pool->done);
}

static void name_self(const struct pool_worker *w)
{
	char suffix[24], name[HY_POOL_NAME_MAX + 1];
	size_t slen, plen;

	/* The number always shows; the prefix is cut to fit Linux's 15 bytes. */
	slen = (size_t)snprintf(suffix, sizeof(suffix), "-%zu", w->id);
	plen = strnlen(w->pool->prefix, HY_POOL_NAME_MAX - slen);
	while (plen > 1 && w->pool->prefix[plen - 1] == '-')
		plen--; /* "hygge-decode--0" reads badly */
	memcpy(name, w->pool->prefix, plen);
	memcpy(name + plen, suffix, slen + 1);
	pthread_setname_np(pthread_self(), name); /* cosmetic: failure is harmless */
}

static void *worker_main(void *arg)
{
	struct pool_worker *w = arg;
	struct hy_pool *pool = w->pool;
	struct pool_task task;
	bool skip;

	name_self(w);
	pthread_mutex_lock(&pool->lock);
	for (;;) {
		if (take_locked(pool, &task, &skip)) {
			pthread_mutex_unlock(&pool->lock);
			run_task(pool, &task, skip);
			pthread_mutex_lock(&pool->lock);
			continue;
		}
		if (pool->stopping)
			break;
		pool->idle_workers++;
		pthread_cond_wait(&pool->work, &pool->lock);
		pool->idle_workers--;
	}
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

static int start_workers(struct hy_pool *pool, struct hy_error *err)
{
	sigset_t all, old;
	int rc = 0;

	/* Workers inherit this mask: signals go to the threads that expect them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (size_t i = 0; i < pool->nthreads; i++) {
		struct pool_worker *w = &pool->workers[i];
		int prc;

		w->pool = pool;
		w->id = i;
		prc = pthread_create(&w->thread, NULL, worker_main, w);
		if (prc != 0) {
			rc = hy_error_set_errno(err, HY_EIO, prc,
						"cannot start pool thread %zu of %zu", i + 1,
						pool->nthreads);
			break;
		}
		pool->started++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int hy_pool_create(struct hy_pool **out, size_t nthreads, const char *name_prefix,
		   struct hy_error *err)
{
	struct hy_pool *pool = NULL;
	pthread_cond_t *conds[2];
	int rc = 0;

	*out = NULL;
	if (nthreads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		nthreads = n < 1 ? 1 : n > HY_POOL_MAX_THREADS ? HY_POOL_MAX_THREADS : (size_t)n;
	}
	if (nthreads > HY_POOL_MAX_THREADS)
		return hy_error_set(err, HY_EINVAL, "a pool of %zu threads is over the limit of %d",
				    nthreads, HY_POOL_MAX_THREADS);
	pool = hy_calloc(1, sizeof(*pool));
	if (pool == NULL) {
		rc = hy_error_set(err, HY_ENOMEM, "out of memory creating a thread pool");
		goto out;
	}
	pool->nthreads = nthreads;
	pool->cap = nthreads * HY_POOL_QUEUE_PER_THREAD;
	snprintf(pool->prefix, sizeof(pool->prefix), "%s",
		 name_prefix != NULL ? name_prefix : "hy-pool");
	pool->workers = hy_calloc(nthreads, sizeof(*pool->workers));
	pool->ring = hy_calloc(pool->cap, sizeof(*pool->ring));
	if (pool->workers == NULL || pool->ring == NULL) {
		rc = hy_error_set(err, HY_ENOMEM, "out of memory creating a pool of %zu threads",
				  nthreads);
		goto out;
	}
	conds[0] = &pool->work;
	conds[1] = &pool->done;
	rc = hy__sync_init(&pool->lock, conds, 2, "thread pool", err);
	if (rc != 0)
		goto out;
	pool->sync_ready = true;
	rc = start_workers(pool, err);
	if (rc != 0)
		goto out;
	*out = pool;
	pool = NULL;
out:
	hy_pool_destroy(pool); /* joins the threads already started */
	return rc;
}

void hy_pool_destroy(struct hy_pool *pool)
{
	if (pool == NULL)
		return;
	if (pool->sync_ready) {
		pthread_mutex_lock(&pool->lock);
		pool->stopping = true;
		pthread_mutex_unlock(&pool->lock);
		pthread_cond_broadcast(&pool->work);
		for (size_t i = 0; i < pool->started; i++)
			pthread_join(pool->workers[i].thread, NULL);
		pthread_cond_destroy(&pool->work);
		pthread_cond_destroy(&pool->done);
		pthread_mutex_destroy(&pool->lock);
	}
	hy_free(pool->workers);
	hy_free(pool->ring);
	hy_free(pool);
}

size_t hy_pool_nthreads(const struct hy_pool *pool)
{
	return pool->nthreads;
}

void hy_pool_group_init(struct hy_pool_group *group, struct hy_pool *pool, unsigned flags)
{
	group->pool = pool;
	group->flags = flags;
	group->pending = 0;
	group->skipped = 0;
	hy_error_init(&group->error);
}

int hy_pool_submit(struct hy_pool *pool, struct hy_pool_group *group, hy_pool_task_fn fn, void *arg,
		   struct hy_error *err)
{
	struct pool_task task = {fn, arg, group};
	bool skip = false, queued = false, wake_worker = false, wake_waiters = false;

	if (fn == NULL)
		return hy_error_set(err, HY_EINVAL, "pool task without a function");
	if (group != NULL && group->pool != pool)
		return hy_error_set(err, HY_EINVAL, "task group belongs to another pool");
	pthread_mutex_lock(&pool->lock);
	if (group != NULL) {
		group->pending++;
		skip = (group->flags & HY_POOL_GROUP_CANCEL_ON_ERROR) && group->error.code != 0;
	}
	if (!skip && pool->len < pool->cap) {
		pool->ring[(pool->head + pool->len) % pool->cap] = task;
		pool->len++;
		queued = true;
		wake_worker = pool->idle_workers > 0;
		wake_waiters = !wake_worker && pool->sleeping_waiters > 0;
	}
	pthread_mutex_unlock(&pool->lock);
	if (wake_worker)
		pthread_cond_signal(&pool->work);
	else if (wake_waiters)
		pthread_cond_broadcast(&pool->done);
	if (!queued)
		run_task(pool, &task, skip); /* ring full: the caller runs it */
	return 0;
}

int hy_pool_group_wait(struct hy_pool_group *group, struct hy_error *err)
{
	struct hy_pool *pool = group->pool;
	struct pool_task task;
	bool skip;
	int rc;

	pthread_mutex_lock(&pool->lock);
	while (group->pending > 0) {
		if (take_locked(pool, &task, &skip)) {
			pthread_mutex_unlock(&pool->lock);
			run_task(pool, &task, skip);
			pthread_mutex_lock(&pool->lock);
			continue;
		}
		pool->sleeping_waiters++;
		pthread_cond_wait(&pool->done, &pool->lock);
		pool->sleeping_waiters--;
	}
	rc = group->error.code;
	pthread_mutex_unlock(&pool->lock);
	/* pending is 0: no task touches the group any more, so it is ours. */
	if (rc != 0 && err != NULL && err->code == 0)
		*err = group->error;
	return rc;
}

bool hy_pool_group_failed(struct hy_pool_group *group)
{
	bool failed;

	pthread_mutex_lock(&group->pool->lock);
	failed = group->error.code != 0;
	pthread_mutex_unlock(&group->pool->lock);
	return failed;
}

size_t hy_pool_group_skipped(struct hy_pool_group *group)
{
	size_t n;

	pthread_mutex_lock(&group->pool->lock);
	n = group->skipped;
	pthread_mutex_unlock(&group->pool->lock);
	return n;
}
