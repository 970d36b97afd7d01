/* File-name patterns: "{sequence:020d}.parquet", "{name}_{timestamp}.csv".
 *
 * A pattern is compiled once (when the configuration is read, so a typo is a
 * configuration error before any data moves) and rendered once per file. The
 * syntax is the subset of Python's str.format() the reference accepts:
 * placeholders {sequence}, {sequence:<spec>}, {name}, {flow_name},
 * {timestamp}, {entity}; "{{" and "}}" for literal braces. <spec> is Python's
 * integer format spec: [[fill]align][sign][#][0][width][,|_][d]; it renders
 * exactly as Python does (checked against CPython in the tests). */
#ifndef HYGGE_PATTERN_H
#define HYGGE_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hygge/buffer.h"
#include "hygge/status.h"

/* Placeholder bits, for the `allowed` mask and hy_pattern_fields(). */
#define HY_PATTERN_SEQUENCE  (1u << 0)
#define HY_PATTERN_NAME      (1u << 1) /* the store's name */
#define HY_PATTERN_FLOW_NAME (1u << 2)
#define HY_PATTERN_TIMESTAMP (1u << 3) /* "YYYYMMDD_HHMMSS", see hy_time_format_stamp() */
#define HY_PATTERN_ENTITY    (1u << 4)
#define HY_PATTERN_ALL       0x1fu

#define HY_PATTERN_TEXT_MAX  4096 /* longest pattern text accepted */
#define HY_PATTERN_WIDTH_MAX 255  /* largest width in a {sequence:<spec>} */

/* Opaque; made by hy_pattern_compile(), freed by hy_pattern_destroy(). */
struct hy_pattern;

/* Borrowed values for one render; a placeholder the pattern uses must have a
 * non-NULL value (the sequence always has one). */
struct hy_pattern_values {
	int64_t sequence;
	const char *name;
	const char *flow_name;
	const char *timestamp;
	const char *entity;
};

/* Compiles `text`, allowing the placeholders in the `allowed` mask. On
 * success *out owns a new pattern; on failure *out is NULL and `err` says
 * what is wrong, naming the pattern, e.g. "file_pattern '{seq}.parquet':
 * unknown placeholder '{seq}' (use {sequence}, {name}, {flow_name},
 * {timestamp} or {entity})". HY_ECONFIG for bad patterns, HY_ELIMIT when
 * longer than HY_PATTERN_TEXT_MAX, HY_ENOMEM. */
int hy_pattern_compile(struct hy_pattern **out, const char *text, unsigned allowed,
		       struct hy_error *err) HY_WUR;
/* The same with another word than "file_pattern" in messages (e.g. "path"). */
int hy_pattern_compile_as(struct hy_pattern **out, const char *label, const char *text,
			  unsigned allowed, struct hy_error *err) HY_WUR;
/* Accepts NULL. */
void hy_pattern_destroy(struct hy_pattern *pat);

/* The placeholders the pattern uses (HY_PATTERN_* bits). */
unsigned hy_pattern_fields(const struct hy_pattern *pat);
/* The pattern text as given. */
const char *hy_pattern_text(const struct hy_pattern *pat);

/* Appends the rendered text to `out`. HY_EINVAL when a used placeholder has
 * no value; HY_ELIMIT/HY_ENOMEM from the buffer. */
int hy_pattern_render(const struct hy_pattern *pat, const struct hy_pattern_values *values,
		      struct hy_buf *out, struct hy_error *err) HY_WUR;

/* True when rendering the pattern with some sequence number yields exactly
 * `file_name` (len bytes), storing that number in *sequence. {name},
 * {flow_name} and {entity} must equal their values; {timestamp} matches any
 * "DDDDDDDD_DDDDDD". False for a pattern without {sequence}. Used to continue
 * numbering after the files already in a destination (max existing + 1). */
bool hy_pattern_match_sequence(const struct hy_pattern *pat, const struct hy_pattern_values *values,
			       const char *file_name, size_t len, int64_t *sequence);

#endif /* HYGGE_PATTERN_H */
