/* Private to src/config/: helpers shared by the cfg_*.c files. */
#ifndef HYGGE_CFG_INT_H
#define HYGGE_CFG_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "hygge/config.h"

/* A new shared file name with one reference; NULL on allocation failure. */
struct hy_cfg_file *hy__cfg_file_create(const char *name);
struct hy_cfg_file *hy__cfg_file_ref(struct hy_cfg_file *file);
void hy__cfg_file_unref(struct hy_cfg_file *file);

/* Grows a MAP or SEQ node so that one more entry fits. */
int hy__cfg_node_grow(struct hy_cfg_node *node, struct hy_error *err);
/* Replaces a scalar's text with a copy of `text` (`len` bytes). */
int hy__cfg_node_set_text(struct hy_cfg_node *node, const char *text, size_t len,
			  struct hy_error *err);

/* YAML 1.1 resolution of a plain scalar, as PyYAML's safe loader does it:
 * sets kind and value of `node` from its text. `key` is true for a mapping
 * key (where '=' is a string). Returns 0, or HY_ECONFIG for text PyYAML
 * resolves but cannot construct ("0x_", "2024-13-45", a plain '='). */
int hy__cfg_resolve_plain(struct hy_cfg_node *node, bool key, struct hy_error *err);

/* strtod() for YAML's '.' whatever the locale's decimal point; may change
 * the '.' in `s`. */
double hy__cfg_strtod(char *s, char **end);

/* hy_error_set() and hy_cfg_error() as expressions whose value the static
 * analyser can see (it does not follow variadic calls): the failure code. */
#define HY_CFG_FAIL(err, code, ...) (hy_error_set((err), (code), __VA_ARGS__), (code))
#define HY_CFG_ERROR(err, at, path, ...)                                                           \
	(hy_cfg_error((err), (at), (path), __VA_ARGS__), HY_ECONFIG)

static inline int hy__cfg_nomem(struct hy_error *err)
{
	(void)hy_error_set(err, HY_ENOMEM, "out of memory");
	return HY_ENOMEM;
}

/* Case-insensitive ASCII comparison of C strings. */
bool hy__cfg_eq_nocase(const char *a, const char *b);

#endif /* HYGGE_CFG_INT_H */
