/* Private helpers shared by the queue, the thread pool and the semaphore:
 * condition variables on CLOCK_MONOTONIC (so a timed wait is not stretched or
 * cut short when the wall clock is set), deadlines, and mapping pthread init
 * failures to hygge statuses. Not part of the public API. */
#ifndef HYGGE_SYNC_INT_H
#define HYGGE_SYNC_INT_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "hygge/status.h"

/* Initialises a mutex and a set of condition variables that time out against
 * CLOCK_MONOTONIC. On failure nothing is left initialised. */
static inline int hy__sync_init(pthread_mutex_t *lock, pthread_cond_t **conds, int nconds,
				const char *what, struct hy_error *err)
{
	pthread_condattr_t attr;
	int rc, i;

	rc = pthread_mutex_init(lock, NULL);
	if (rc != 0)
		return hy_error_set_errno(err, rc == ENOMEM ? HY_ENOMEM : HY_EIO, rc,
					  "cannot create the lock of a %s", what);
	rc = pthread_condattr_init(&attr);
	if (rc == 0)
		rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	for (i = 0; rc == 0 && i < nconds; i++) {
		rc = pthread_cond_init(conds[i], &attr);
		if (rc != 0)
			break;
	}
	pthread_condattr_destroy(&attr);
	if (rc == 0)
		return 0;
	while (i-- > 0)
		pthread_cond_destroy(conds[i]);
	pthread_mutex_destroy(lock);
	return hy_error_set_errno(err, rc == ENOMEM ? HY_ENOMEM : HY_EIO, rc,
				  "cannot create the condition variables of a %s", what);
}

/* The CLOCK_MONOTONIC instant `ms` milliseconds from now (ms < 0 counts as 0). */
static inline struct timespec hy__deadline_after_ms(long ms)
{
	struct timespec ts;

	if (ms < 0)
		ms = 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* Waits on `cond` until signalled or `deadline` (NULL = no deadline) passes.
 * Returns false once the deadline has passed; the caller re-checks its
 * predicate either way, since wake-ups may be spurious. */
static inline bool hy__cond_wait_until(pthread_cond_t *cond, pthread_mutex_t *lock,
				       const struct timespec *deadline)
{
	if (deadline == NULL) {
		pthread_cond_wait(cond, lock);
		return true;
	}
	return pthread_cond_timedwait(cond, lock, deadline) != ETIMEDOUT;
}

#endif /* HYGGE_SYNC_INT_H */
