/* Private: the cancellation token's layout, for the coordinator's watcher. */
#ifndef HYGGE_CANCEL_INT_H
#define HYGGE_CANCEL_INT_H

#include <stdatomic.h>

struct hy_cancel {
	atomic_int requests; /* any thread or handler: hy_cancel_request() */
	int fds[2];          /* self-pipe: [0] read by the watcher, [1] written by requests */
};

/* The read end the watcher polls. */
int hy__cancel_fd(const struct hy_cancel *c);

#endif /* HYGGE_CANCEL_INT_H */
