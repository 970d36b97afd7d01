/* The process logger: exact text and JSON lines, colours only where asked,
 * the file sink, level filtering, and whole lines under many threads. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hy_test.h"
#include "hygge/log.h"

/* 2025-11-27T01:02:03.123456Z, shown in a +01:00 zone. */
static int64_t fixed_clock(void *ctx, int *offset)
{
	(void)ctx;
	*offset = 3600;
	return 1764205323123456;
}

static int64_t whole_second_clock(void *ctx, int *offset)
{
	(void)ctx;
	*offset = -5 * 3600;
	return 1764205323000000;
}

/* Reads everything written to `f` so far. Caller frees. */
static char *slurp_file(FILE *f)
{
	long n;
	char *text;

	fflush(f);
	n = ftell(f);
	assert_true(n >= 0);
	text = malloc((size_t)n + 1);
	assert_non_null(text);
	rewind(f);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	text[n] = 0;
	return text;
}

static char *slurp_path(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	text = slurp_file(f);
	fclose(f);
	return text;
}

static void setup_console(FILE *console, enum hy_log_colour colour, enum hy_log_format format,
			  enum hy_log_level level)
{
	struct hy_log_config cfg = {0};
	struct hy_error err = {0};

	cfg.console = console;
	cfg.console_format = format;
	cfg.colour = colour;
	cfg.level = level;
	cfg.clock = fixed_clock;
	assert_int_equal(hy_log_setup(&cfg, &err), 0);
}

static void test_text_lines(void **state)
{
	FILE *out = tmpfile();
	char *text;

	(void)state;
	setup_console(out, HY_LOG_COLOUR_AUTO, HY_LOG_TEXT, HY_LOG_INFO);
	hy_log_info(NULL, "Running %d flows with max concurrency of %d", 3, 8);
	hy_log_info("users_to_lake", "READ %s rows", "1,000");
	hy_log_start(NULL, "Flow %s", "users");
	hy_log_success("users", "Flow users completed: %s rows", "10");
	hy_log_warn("users", "[2 of 3] SKIPPED flow users (no rows)");
	hy_log_error("", "empty flow name means no prefix");
	hy_log_write(HY_LOG_INFO, HY_LOG_OK, NULL, "[1 of 3] FINISHED flow a");
	hy_log_shutdown();
	text = slurp_file(out);
	/* A tmpfile is not a terminal: "auto" writes no colours. */
	assert_string_equal(text, "02:02:03  Running 3 flows with max concurrency of 8\n"
				  "02:02:03  [users_to_lake] READ 1,000 rows\n"
				  "02:02:03  START Flow users\n"
				  "02:02:03  [users] OK Flow users completed: 10 rows\n"
				  "02:02:03  [users] [2 of 3] SKIPPED flow users (no rows)\n"
				  "02:02:03  empty flow name means no prefix\n"
				  "02:02:03  [1 of 3] FINISHED flow a\n");
	free(text);
	fclose(out);
}

static void test_colours_when_asked(void **state)
{
	FILE *out = tmpfile();
	char *text;

	(void)state;
	setup_console(out, HY_LOG_COLOUR_ALWAYS, HY_LOG_TEXT, HY_LOG_INFO);
	hy_log_start("f", "x");
	hy_log_success(NULL, "done");
	hy_log_write(HY_LOG_INFO, HY_LOG_START, NULL, "[1 of 2] STARTING flow f");
	hy_log_warn("f", "careful");
	hy_log_error(NULL, "broken");
	hy_log_shutdown();
	text = slurp_file(out);
	assert_string_equal(text, "02:02:03  \033[37m[f]\033[0m \033[34mSTART x\033[0m\n"
				  "02:02:03  \033[32mOK done\033[0m\n"
				  "02:02:03  \033[34m[1 of 2] STARTING flow f\033[0m\n"
				  "02:02:03  \033[37m[f]\033[0m careful\n"
				  "02:02:03  broken\n");
	free(text);
	fclose(out);

	out = tmpfile();
	setup_console(out, HY_LOG_COLOUR_NEVER, HY_LOG_TEXT, HY_LOG_INFO);
	hy_log_success("f", "done");
	hy_log_shutdown();
	text = slurp_file(out);
	assert_string_equal(text, "02:02:03  [f] OK done\n");
	free(text);
	fclose(out);
}

static void test_auto_colour_on_a_terminal(void **state)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	char buf[256];
	ssize_t n;
	FILE *tty;
	int slave;

	(void)state;
	if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
		if (master >= 0)
			close(master);
		skip(); /* no pseudo-terminals here */
	}
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	assert_true(slave >= 0);
	tty = fdopen(slave, "w");
	assert_non_null(tty);
	setup_console(tty, HY_LOG_COLOUR_AUTO, HY_LOG_TEXT, HY_LOG_INFO);
	hy_log_success(NULL, "x");
	hy_log_shutdown();
	n = read(master, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = 0;
	assert_non_null(strstr(buf, "\033[32mOK x\033[0m"));
	fclose(tty);
	close(master);
}

static void test_file_sink_is_plain_and_appends(void **state)
{
	char dir[] = "/tmp/hy_log_test_XXXXXX";
	char path[256], *text;
	struct hy_log_config cfg = {0};
	struct hy_error err = {0};
	FILE *out = tmpfile();

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/logs/deeper/hygge.log", dir);
	cfg.console = out;
	cfg.colour = HY_LOG_COLOUR_ALWAYS;
	cfg.level = HY_LOG_INFO;
	cfg.file_path = path;
	cfg.clock = fixed_clock;
	assert_int_equal(hy_log_setup(&cfg, &err), 0);
	hy_log_success("users", "first run");
	/* Reconfiguring (a second CLI start) appends to the same file. */
	cfg.clock = whole_second_clock;
	assert_int_equal(hy_log_setup(&cfg, &err), 0);
	hy_log_start(NULL, "second run");
	hy_log_shutdown();
	text = slurp_path(path);
	assert_string_equal(text, "02:02:03  [users] OK first run\n"
				  "20:02:03  START second run\n");
	assert_null(strchr(text, '\033'));
	free(text);
	text = slurp_file(out);
	assert_non_null(strchr(text, '\033'));
	free(text);
	fclose(out);
	unlink(path);
	snprintf(path, sizeof(path), "%s/logs/deeper", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/logs", dir);
	rmdir(path);
	rmdir(dir);
}

/* emoji_on_terminal_only: a console that is no terminal and the file get
 * the words without emoji (and without the spaces after them); text symbols
 * stay. */
static void test_emoji_only_on_a_terminal(void **state)
{
	char dir[] = "/tmp/hy_log_test_XXXXXX";
	char path[256], *text;
	struct hy_log_config cfg = {0};
	struct hy_error err = {0};
	FILE *out = tmpfile();

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/hygge.log", dir);
	cfg.console = out;
	cfg.level = HY_LOG_INFO;
	cfg.file_path = path;
	cfg.emoji_on_terminal_only = true;
	cfg.clock = fixed_clock;
	assert_int_equal(hy_log_setup(&cfg, &err), 0);
	hy_log_info(NULL, "📊 Milestone: %s rows", "1,000,000");
	hy_log_warn(NULL, "⚠️  Some flows need attention");
	hy_log_info("f", "   ✍️  Wrote 5 rows → x.csv");
	hy_log_info(NULL, "   ✓ users (5 rows) • done ✨");
	hy_log_info(NULL, "bad \xff byte and 👨‍👩‍👧 family");
	hy_log_shutdown();
	text = slurp_file(out);
	assert_string_equal(text, "02:02:03  Milestone: 1,000,000 rows\n"
				  "02:02:03  Some flows need attention\n"
				  "02:02:03  [f]    Wrote 5 rows → x.csv\n"
				  "02:02:03     ✓ users (5 rows) • done \n"
				  "02:02:03  bad \xff byte and family\n");
	free(text);
	text = slurp_path(path);
	assert_non_null(strstr(text, "02:02:03  Milestone: 1,000,000 rows\n"));
	assert_null(strstr(text, "📊"));
	free(text);
	fclose(out);
	/* Without the option nothing changes (the other tests' lines). */
	unlink(path);
	rmdir(dir);
}

static void test_setup_failure_keeps_previous_config(void **state)
{
	char path[] = "/tmp/hy_log_file_XXXXXX";
	char bad[300], *text;
	struct hy_log_config cfg = {0};
	struct hy_error err = {0};
	FILE *out = tmpfile();
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	setup_console(out, HY_LOG_COLOUR_NEVER, HY_LOG_TEXT, HY_LOG_INFO);
	/* A regular file where a directory should be. */
	snprintf(bad, sizeof(bad), "%s/logs/hygge.log", path);
	cfg.file_path = bad;
	cfg.level = HY_LOG_ERROR;
	assert_int_equal(hy_log_setup(&cfg, &err), HY_EIO);
	snprintf(bad, sizeof(bad), "cannot create log directory %s/logs: Not a directory", path);
	assert_string_equal(err.msg, bad);
	hy_log_info(NULL, "still here");
	hy_log_shutdown();
	text = slurp_file(out);
	assert_string_equal(text, "02:02:03  still here\n");
	free(text);
	fclose(out);
	unlink(path);
}

static void test_json_lines(void **state)
{
	FILE *out = tmpfile();
	char *text;

	(void)state;
	setup_console(out, HY_LOG_COLOUR_ALWAYS, HY_LOG_JSON, HY_LOG_DEBUG);
	hy_log_info("users", "READ %d rows", 5);
	hy_log_debug(NULL, "quote \" backslash \\ newline \n tab \t bell \a");
	hy_log_warn("f\"x",
		    "bad utf-8 \xff\xc3( ok \xc3\xa9 \xf0\x9f\x8f\xa1 surrogate \xed\xa0\x80");
	hy_log_success(NULL, "done");
	hy_log_error(NULL, "e");
	hy_log_shutdown();
	text = slurp_file(out);
	/* No colours in JSON even when asked; fields checked as exact text. */
	assert_string_equal(
		text,
		"{\"time\":\"2025-11-27T02:02:03.123456+01:00\",\"level\":\"info\",\"flow\":"
		"\"users\",\"message\":\"READ 5 rows\"}\n"
		"{\"time\":\"2025-11-27T02:02:03.123456+01:00\",\"level\":\"debug\",\"message\":"
		"\"quote \\\" backslash \\\\ newline \\n tab \\t bell \\u0007\"}\n"
		"{\"time\":\"2025-11-27T02:02:03.123456+01:00\",\"level\":\"warning\",\"flow\":"
		"\"f\\\"x\",\"message\":\"bad utf-8 \\ufffd\\ufffd( ok \xc3\xa9 \xf0\x9f\x8f\xa1 "
		"surrogate \\ufffd\\ufffd\\ufffd\"}\n"
		"{\"time\":\"2025-11-27T02:02:03.123456+01:00\",\"level\":\"info\",\"message\":"
		"\"OK done\"}\n"
		"{\"time\":\"2025-11-27T02:02:03.123456+01:00\",\"level\":\"error\",\"message\":"
		"\"e\"}\n");
	free(text);
	fclose(out);
}

static void test_level_filter(void **state)
{
	FILE *out = tmpfile();
	char *text;

	(void)state;
	assert_false(hy_log_enabled(HY_LOG_ERROR)); /* no sinks yet */
	setup_console(out, HY_LOG_COLOUR_NEVER, HY_LOG_TEXT, HY_LOG_WARN);
	assert_false(hy_log_enabled(HY_LOG_INFO));
	assert_true(hy_log_enabled(HY_LOG_WARN));
	hy_log_debug(NULL, "hidden");
	hy_log_info(NULL, "hidden");
	hy_log_start(NULL, "hidden");
	hy_log_warn(NULL, "shown");
	hy_log_error(NULL, "shown too");
	hy_log_shutdown();
	hy_log_error(NULL, "after shutdown: nowhere");
	text = slurp_file(out);
	assert_string_equal(text, "02:02:03  shown\n02:02:03  shown too\n");
	free(text);
	fclose(out);
}

static void test_long_message_is_cut_whole(void **state)
{
	FILE *out = tmpfile();
	char *big = malloc(3 * HY_LOG_LINE_MAX);
	char *text;
	size_t n;

	(void)state;
	/* Two-byte characters, so a naive cut would split one. */
	for (size_t i = 0; i + 1 < 3 * HY_LOG_LINE_MAX; i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	big[3 * HY_LOG_LINE_MAX - 1] = 0;
	setup_console(out, HY_LOG_COLOUR_NEVER, HY_LOG_TEXT, HY_LOG_INFO);
	hy_log_info("f", "%s", big);
	hy_log_shutdown();
	text = slurp_file(out);
	n = strlen(text);
	assert_true(n <= HY_LOG_LINE_MAX + 32);
	assert_string_equal(text + n - 4, "...\n");
	assert_memory_equal(text + n - 6, "\xc3\xa9", 2);
	free(text);
	free(big);
	fclose(out);
}

static void test_logging_allocates_nothing(void **state)
{
	FILE *out = tmpfile();

	(void)state;
	/* Logging has to work when memory is exhausted: no hy_ allocation at all. */
	hy_alloc_fail_after(1);
	setup_console(out, HY_LOG_COLOUR_NEVER, HY_LOG_JSON, HY_LOG_INFO);
	hy_log_info("f", "x %d", 1);
	hy_log_shutdown();
	assert_int_equal(hy_alloc_count(), 0);
	hy_alloc_fail_reset();
	fclose(out);
}

#define THREADS          8
#define LINES_PER_THREAD 400

static void *log_many(void *arg)
{
	int id = (int)(intptr_t)arg;
	char flow[16];

	snprintf(flow, sizeof(flow), "t%d", id);
	for (int i = 0; i < LINES_PER_THREAD; i++)
		hy_log_info(flow, "line %d of thread %d %s", i, id,
			    "padding padding padding padding padding padding padding");
	return NULL;
}

static void check_whole_lines(const char *text)
{
	int seen[THREADS][LINES_PER_THREAD] = {{0}};
	int count = 0;

	for (const char *p = text; *p != 0; count++) {
		const char *nl = strchr(p, '\n');
		int t, i, t2, consumed = 0;
		char want[160];

		assert_non_null(nl);
		assert_int_equal(sscanf(p, "02:02:03  [t%d] line %d of thread %d %n", &t, &i, &t2,
					&consumed),
				 3);
		assert_true(t == t2 && t >= 0 && t < THREADS && i >= 0 && i < LINES_PER_THREAD);
		snprintf(want, sizeof(want), "02:02:03  [t%d] line %d of thread %d %s\n", t, i, t,
			 "padding padding padding padding padding padding padding");
		assert_int_equal((size_t)(nl - p + 1), strlen(want));
		assert_memory_equal(p, want, strlen(want));
		seen[t][i]++;
		p = nl + 1;
	}
	assert_int_equal(count, THREADS * LINES_PER_THREAD);
	for (int t = 0; t < THREADS; t++) {
		for (int i = 0; i < LINES_PER_THREAD; i++)
			assert_int_equal(seen[t][i], 1);
	}
}

static void test_threads_write_whole_lines(void **state)
{
	char dir[] = "/tmp/hy_log_mt_XXXXXX";
	char path[256], *text;
	struct hy_log_config cfg = {0};
	struct hy_error err = {0};
	pthread_t threads[THREADS];
	FILE *out = tmpfile();

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/hygge.log", dir);
	cfg.console = out;
	cfg.colour = HY_LOG_COLOUR_NEVER;
	cfg.level = HY_LOG_INFO;
	cfg.file_path = path;
	cfg.clock = fixed_clock;
	assert_int_equal(hy_log_setup(&cfg, &err), 0);
	for (int t = 0; t < THREADS; t++)
		assert_int_equal(pthread_create(&threads[t], NULL, log_many, (void *)(intptr_t)t),
				 0);
	/* Reconfiguring while threads log must be safe too. */
	assert_int_equal(hy_log_setup(&cfg, &err), 0);
	for (int t = 0; t < THREADS; t++)
		pthread_join(threads[t], NULL);
	hy_log_shutdown();
	text = slurp_file(out);
	check_whole_lines(text);
	free(text);
	text = slurp_path(path);
	check_whole_lines(text);
	free(text);
	fclose(out);
	unlink(path);
	rmdir(dir);
}

static void vwrite_helper(FILE *out, const char *fmt, ...)
{
	va_list ap;

	(void)out;
	va_start(ap, fmt);
	hy_log_vwrite(HY_LOG_WARN, HY_LOG_PLAIN, "orders", fmt, ap);
	va_end(ap);
}

static void test_vwrite_and_level_names(void **state)
{
	FILE *out = tmpfile();
	char *text;

	(void)state;
	setup_console(out, HY_LOG_COLOUR_NEVER, HY_LOG_TEXT, HY_LOG_INFO);
	vwrite_helper(out, "%d rows skipped", 3);
	hy_log_shutdown();
	text = slurp_file(out);
	assert_string_equal(text, "02:02:03  [orders] 3 rows skipped\n");
	free(text);
	fclose(out);
	assert_string_equal(hy_log_level_name(HY_LOG_DEBUG), "debug");
	assert_string_equal(hy_log_level_name(HY_LOG_INFO), "info");
	assert_string_equal(hy_log_level_name(HY_LOG_WARN), "warning");
	assert_string_equal(hy_log_level_name(HY_LOG_ERROR), "error");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_vwrite_and_level_names),
	cmocka_unit_test(test_text_lines),
	cmocka_unit_test(test_colours_when_asked),
	cmocka_unit_test(test_auto_colour_on_a_terminal),
	cmocka_unit_test(test_file_sink_is_plain_and_appends),
	cmocka_unit_test(test_emoji_only_on_a_terminal),
	cmocka_unit_test(test_setup_failure_keeps_previous_config),
	cmocka_unit_test(test_json_lines),
	cmocka_unit_test(test_level_filter),
	cmocka_unit_test(test_long_message_is_cut_whole),
	cmocka_unit_test(test_logging_allocates_nothing),
	cmocka_unit_test(test_threads_write_whole_lines),
};
HY_TEST_MAIN(tests)
