/* The live progress display of `hygge go` (src/cli/cli_live.c, compiled in
 * here): the frame's text, off when the output is not a terminal, and on a
 * pseudo-terminal a real run whose log lines never land inside a frame. */
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include "run_fixture.h"

#include "../../src/cli/cli_live.c"

static void test_render(void **state)
{
	struct hy_flow_progress f[3] = {
		{.name = "users",
		 .phase = HY_PHASE_EXTRACTING,
		 .rows = 12345,
		 .bytes = 2000000,
		 .elapsed_s = 2.0,
		 .rows_per_s = 6172.5},
		{.name = "orders", .phase = HY_PHASE_WAITING},
		{.name = "items",
		 .phase = HY_PHASE_FINISHING,
		 .rows = 10,
		 .elapsed_s = 1.0,
		 .rows_per_s = 10},
	};
	struct hy_run_progress t = {.nflows = 3,
				    .waiting = 1,
				    .running = 2,
				    .rows = 12355,
				    .bytes = 2000000,
				    .elapsed_s = 2.0,
				    .rows_per_s = 6177.5};
	char out[2048];

	(void)state;
	assert_int_equal(cli_live_render(f, 3, &t, 200, 20, out, sizeof(out)), 3);
	assert_string_equal(
		out, "  users                    12,345 rows · 6,173 rows/s · 1.0 MB/s · 2.0s\n"
		     "  items                    10 rows · 10 rows/s · 1.0s (publishing)\n"
		     "Total: 0 of 3 flows done, 2 running, 1 waiting · 12,355 rows · "
		     "6,178 rows/s · 1.0 MB/s · 2.0s\n");
	/* one flow line at most, lines cut to width - 1 columns */
	assert_int_equal(cli_live_render(f, 3, &t, 21, 1, out, sizeof(out)), 3);
	assert_string_equal(out, "  users             \n"
				 "  … and 1 more run\n"
				 "Total: 0 of 3 flows \n");
}

static void test_off_when_not_a_terminal(void **state)
{
	FILE *f = tmpfile();

	(void)state;
	assert_null(cli_live_create(f));
	fclose(f);
}

struct drain {
	int fd;
	char buf[1 << 20];
	size_t len;
};

static void *drain_main(void *arg)
{
	struct drain *d = arg;
	ssize_t n;

	while (d->len < sizeof(d->buf) - 1 &&
	       (n = read(d->fd, d->buf + d->len, sizeof(d->buf) - 1 - d->len)) > 0)
		d->len += (size_t)n;
	d->buf[d->len] = 0;
	return NULL;
}

static void test_on_a_terminal(void **state)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	struct drain *d = calloc(1, sizeof(*d));
	struct mem_home_cfg home[2] = {{.nbatches = 30, .rows = 5, .slow_ms = 10},
				       {.nbatches = 30, .rows = 5, .slow_ms = 10}};
	struct mem_store_out out[2] = {0};
	struct mem_store_cfg store[2] = {{.out = &out[0]}, {.out = &out[1]}};
	struct hy_flow_spec spec[2] = {
		{.name = "flow_a",
		 .home_type = MEM_TYPE,
		 .home_config = &home[0],
		 .store_type = MEM_TYPE,
		 .store_config = &store[0]},
		{.name = "flow_b",
		 .home_type = MEM_TYPE,
		 .home_config = &home[1],
		 .store_type = MEM_TYPE,
		 .store_config = &store[1]},
	};
	struct hy_run_options opts = {.coordinator_name = "proj", .concurrency = 2};
	struct hy_log_config lc = {0};
	struct hy_error err = {0};
	struct hy_coordinator *c = NULL;
	struct termios tio;
	struct cli_live *live;
	pthread_t t;
	FILE *tty;
	int slave, frames = 0;
	const char *p;

	(void)state;
	assert_non_null(d);
	if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
		if (master >= 0)
			close(master);
		free(d);
		skip(); /* no pseudo-terminals here */
	}
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	assert_true(slave >= 0);
	assert_int_equal(tcgetattr(slave, &tio), 0);
	cfmakeraw(&tio); /* bytes as written: no "\n" -> "\r\n" */
	assert_int_equal(tcsetattr(slave, TCSANOW, &tio), 0);
	tty = fdopen(slave, "w");
	assert_non_null(tty);
	d->fd = master;
	assert_int_equal(pthread_create(&t, NULL, drain_main, d), 0);

	mem_register();
	live = cli_live_create(tty);
	assert_non_null(live);
	lc.console = tty;
	lc.colour = HY_LOG_COLOUR_NEVER;
	lc.level = HY_LOG_INFO;
	lc.console_hook = cli_live_hook;
	lc.console_hook_ctx = live;
	assert_int_equal(hy_log_setup(&lc, &err), 0);
	assert_int_equal(hy_coordinator_create(spec, 2, &opts, &c, &err), 0);
	assert_true(cli_live_start(live, c, 0.05));
	assert_int_equal(hy_coordinator_run(c, &err), 0);
	cli_live_stop(live);
	hy_log_shutdown();
	cli_live_destroy(live);
	hy_coordinator_destroy(c);
	mem_out_free(&out[0]);
	mem_out_free(&out[1]);
	fclose(tty); /* the reader sees EOF (EIO) */
	pthread_join(t, NULL);
	close(master);

	/* Frames were drawn with the running flows... */
	assert_non_null(strstr(d->buf, "  flow_a "));
	assert_non_null(strstr(d->buf, "Total: "));
	/* ...every frame is erased before anything else is written (a log line
	 * or the next frame), also the last one: log lines never interleave. */
	for (p = strstr(d->buf, "Total: "); p != NULL; p = strstr(p, "Total: ")) {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
		assert_true(strncmp(p, "\r\033[", 3) == 0);
		frames++;
	}
	assert_true(frames >= 2);
	/* the log lines arrived whole, each at the start of a line */
	p = strstr(d->buf, "FINISHED flow flow_a");
	assert_non_null(p);
	/* and the display is gone at the end: the stream ends with a clear */
	assert_true(d->len >= 3 && strcmp(d->buf + d->len - 3, "\033[J") == 0);
	free(d);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_off_when_not_a_terminal),
		cmocka_unit_test(test_on_a_terminal),
	};

	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
