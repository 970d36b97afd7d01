/* The cancellation token: what a signal handler may touch.
 *
 * hy_cancel_request() is async-signal-safe: a lock-free atomic counter and a
 * write() of one byte to a non-blocking pipe (a full pipe just drops the
 * byte: the counter already says "cancelled"), with errno saved and restored.
 * The coordinator's watcher thread polls the read end. */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <unistd.h>

#include "hygge/alloc.h"
#include "hygge/run.h"
#include "cancel_int.h"

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "hy_cancel_request needs a lock-free atomic int");

int hy_cancel_create(struct hy_cancel **out, struct hy_error *err)
{
	struct hy_cancel *c;

	*out = NULL;
	c = hy_calloc(1, sizeof(*c));
	if (c == NULL)
		return hy_error_set(err, HY_ENOMEM, "cannot create the cancellation token");
	if (pipe2(c->fds, O_CLOEXEC | O_NONBLOCK) != 0) {
		int e = errno;

		hy_free(c);
		return hy_error_set_errno(err, e == EMFILE || e == ENFILE ? HY_ELIMIT : HY_EIO, e,
					  "cannot create the cancellation pipe");
	}
	atomic_init(&c->requests, 0);
	*out = c;
	return 0;
}

void hy_cancel_destroy(struct hy_cancel *c)
{
	if (c == NULL)
		return;
	close(c->fds[0]);
	close(c->fds[1]);
	hy_free(c);
}

int hy_cancel_request(struct hy_cancel *c)
{
	int saved = errno;
	int n = atomic_fetch_add(&c->requests, 1) + 1;
	char byte = 1;
	ssize_t w = write(c->fds[1], &byte, 1);

	(void)w; /* EAGAIN: the pipe is full, a wake-up is pending anyway */
	errno = saved;
	return n;
}

int hy_cancel_requests(struct hy_cancel *c)
{
	return atomic_load(&c->requests);
}

int hy__cancel_fd(const struct hy_cancel *c)
{
	return c->fds[0];
}
