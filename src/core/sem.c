/* Counting semaphore on a mutex and one condition variable.
 *
 * Design: `available` permits and a `shut_down` flag, both under `lock`.
 * Acquirers wait on `freed` while no permit is free; release signals one of
 * them, after unlocking (so the woken thread does not block again on the
 * mutex still held) and only when someone waits (decided under the lock, so
 * no wake-up is lost). Shutdown broadcasts. POSIX sem_t was not used because
 * it has no shutdown, and its timed wait runs on CLOCK_REALTIME. */
#include "hygge/sem.h"

#include <pthread.h>
#include <stdbool.h>

#include "hygge/alloc.h"
#include "sync_int.h"

struct hy_sem {
	pthread_mutex_t lock;
	pthread_cond_t freed; /* acquirers wait here while available == 0 */
	size_t available;     /* lock: free permits */
	size_t count;         /* immutable: permits in all */
	size_t waiting;       /* lock: threads inside pthread_cond_wait(freed) */
	bool shut_down;       /* lock */
};

int hy_sem_create(struct hy_sem **out, size_t count, struct hy_error *err)
{
	struct hy_sem *sem = NULL;
	pthread_cond_t *conds[1];
	int rc = 0;

	*out = NULL;
	if (count == 0)
		return hy_error_set(err, HY_EINVAL, "a semaphore needs at least one permit");
	sem = hy_calloc(1, sizeof(*sem));
	if (sem == NULL) {
		rc = hy_error_set(err, HY_ENOMEM, "out of memory creating a semaphore");
		goto out;
	}
	conds[0] = &sem->freed;
	rc = hy__sync_init(&sem->lock, conds, 1, "semaphore", err);
	if (rc != 0)
		goto out;
	sem->available = sem->count = count;
	*out = sem;
	sem = NULL;
out:
	hy_free(sem);
	return rc;
}

void hy_sem_destroy(struct hy_sem *sem)
{
	if (sem == NULL)
		return;
	pthread_cond_destroy(&sem->freed);
	pthread_mutex_destroy(&sem->lock);
	hy_free(sem);
}

/* `block` false: never wait. `deadline` NULL: no time limit. */
static int acquire(struct hy_sem *sem, bool block, const struct timespec *deadline,
		   struct hy_error *err)
{
	bool in_time = true;
	int rc = 0;

	pthread_mutex_lock(&sem->lock);
	for (;;) {
		if (sem->shut_down) {
			rc = hy_error_set(err, HY_ESHUTDOWN, "semaphore was shut down");
			break;
		}
		if (sem->available > 0) {
			sem->available--;
			break;
		}
		if (!block) {
			rc = HY_EAGAIN;
			break;
		}
		if (!in_time) {
			rc = HY_ETIMEOUT;
			break;
		}
		sem->waiting++;
		in_time = hy__cond_wait_until(&sem->freed, &sem->lock, deadline);
		sem->waiting--;
	}
	pthread_mutex_unlock(&sem->lock);
	return rc;
}

int hy_sem_acquire(struct hy_sem *sem, struct hy_error *err)
{
	return acquire(sem, true, NULL, err);
}

int hy_sem_try_acquire(struct hy_sem *sem, struct hy_error *err)
{
	return acquire(sem, false, NULL, err);
}

int hy_sem_acquire_timed(struct hy_sem *sem, long timeout_ms, struct hy_error *err)
{
	struct timespec deadline = hy__deadline_after_ms(timeout_ms);

	return acquire(sem, true, &deadline, err);
}

void hy_sem_release(struct hy_sem *sem)
{
	bool wake = false;

	pthread_mutex_lock(&sem->lock);
	HY_ASSERT(sem->available < sem->count);
	if (sem->available < sem->count) {
		sem->available++;
		wake = sem->waiting > 0;
	}
	pthread_mutex_unlock(&sem->lock);
	if (wake)
		pthread_cond_signal(&sem->freed);
}

void hy_sem_shutdown(struct hy_sem *sem)
{
	pthread_mutex_lock(&sem->lock);
	sem->shut_down = true;
	pthread_mutex_unlock(&sem->lock);
	pthread_cond_broadcast(&sem->freed);
}

size_t hy_sem_available(struct hy_sem *sem)
{
	size_t n;

	pthread_mutex_lock(&sem->lock);
	n = sem->available;
	pthread_mutex_unlock(&sem->lock);
	return n;
}
