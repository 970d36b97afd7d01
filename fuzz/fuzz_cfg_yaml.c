/* Fuzz target: bytes -> YAML node tree -> copy, merge, ${VAR} expansion,
 * typed getters -> destroy. Any crash, leak or sanitizer report is a bug. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hygge/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Results are ignored: any outcome but a crash is fine. */
static volatile int sink;

static const char *lookup(const char *name, void *user)
{
	(void)user;
	return name[0] == 'A' ? NULL : "v";
}

static void read_values(const struct hy_cfg_node *map)
{
	static const char *const codecs[] = {"snappy", "gzip", "lz4", "brotli", "zstd", NULL};
	struct hy_cfg_path path;
	struct hy_error err = {0};
	int64_t i;
	double d;
	bool b;
	int e;

	hy_cfg_path_init(&path, "root");
	for (size_t k = 0; k < map->count && k < 64; k++) {
		const char *key = map->keys[k]->text;
		const char *s;

		hy_error_init(&err);
		sink |= hy_cfg_get_int(map, key, &path, 0, -5, 1000, &i, &err);
		hy_error_init(&err);
		sink |= hy_cfg_get_float(map, key, &path, 0, &d, &err);
		hy_error_init(&err);
		sink |= hy_cfg_get_bool(map, key, &path, false, &b, &err);
		hy_error_init(&err);
		sink |= hy_cfg_get_str(map, key, &path, NULL, &s, &err);
		hy_error_init(&err);
		sink |= hy_cfg_get_enum(map, key, &path, codecs, 0, &e, &err);
		(void)hy_cfg_suggest(key, codecs);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hy_cfg_node *root = NULL, *copy = NULL;
	struct hy_error err = {0};

	if (hy_cfg_parse((const char *)data, size, "fuzz.yml", &root, &err) != 0)
		return 0;
	if (root->kind == HY_CFG_MAP)
		read_values(root);
	if (hy_cfg_node_copy(root, &copy, &err) == 0) {
		sink |= hy_cfg_merge(&copy, root, &err);
		hy_error_init(&err);
		sink |= hy_cfg_expand_env(copy, lookup, NULL, &err);
		hy_cfg_node_destroy(copy);
	}
	hy_cfg_node_destroy(root);
	return 0;
}
