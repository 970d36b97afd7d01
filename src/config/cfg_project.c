/* Project discovery (behaviour.md §2.1) and paths relative to the project
 * root (decisions.md D18). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cfg_int.h"
#include "hygge/alloc.h"
#include "hygge/buffer.h"

#define PROJECT_FILE "hygge.yml"

static bool has_project_file(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;
	int n = snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") == 0 ? "" : dir,
			 PROJECT_FILE);

	return n > 0 && (size_t)n < sizeof(path) && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Cuts the last component of an absolute path in place ("/a/b" -> "/a",
 * "/a" -> "/"); false at the root. */
static bool to_parent(char *dir)
{
	char *slash = strrchr(dir, '/');

	if (strcmp(dir, "/") == 0 || slash == NULL)
		return false;
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	return true;
}

int hy_cfg_find_project(const char *start_dir, char **root_out, struct hy_error *err)
{
	char *dir = NULL;
	struct hy_buf searched;
	struct hy_error scratch = {0};
	int rc = 0;

	*root_out = NULL;
	hy_buf_init(&searched, (size_t)16 * 1024);
	/* realpath() allocates with malloc(): copied into hy_ memory below. */
	dir = realpath(start_dir, NULL);
	if (dir == NULL)
		return hy_error_set_errno(err, errno == ENOMEM ? HY_ENOMEM : HY_ENOTFOUND, errno,
					  "cannot look for %s from '%s'", PROJECT_FILE, start_dir);
	do {
		if (has_project_file(dir)) {
			*root_out = hy_strdup(dir);
			if (*root_out == NULL)
				rc = hy__cfg_nomem(err);
			goto out;
		}
		/* Past the cap the list is only cut short. */
		if (hy_buf_appendf(&searched, &scratch, "\n  %s/%s",
				   strcmp(dir, "/") == 0 ? "" : dir, PROJECT_FILE) == HY_ENOMEM) {
			rc = hy__cfg_nomem(err);
			goto out;
		}
	} while (to_parent(dir));
	rc = HY_CFG_FAIL(err, HY_ECONFIG,
			 "No %s found in '%s' or any parent directory. Searched:%s\n"
			 "Create a project with: hygge init <project_name>",
			 PROJECT_FILE, start_dir,
			 searched.data != NULL ? (char *)searched.data : "");
out:
	free(dir);
	hy_buf_reset(&searched);
	return rc;
}

int hy_cfg_resolve_path(const char *root, const char *path, char **out, struct hy_error *err)
{
	size_t rlen = strlen(root);

	if (path[0] == '/') {
		*out = hy_strdup(path);
	} else {
		while (path[0] == '.' && path[1] == '/') {
			path += 2;
			while (path[0] == '/')
				path++;
		}
		if (strcmp(path, ".") == 0)
			path = "";
		while (rlen > 1 && root[rlen - 1] == '/')
			rlen--;
		if (path[0] == '\0')
			*out = hy_strndup(root, rlen);
		else
			*out = hy_asprintf("%.*s%s%s", (int)rlen, root,
					   (rlen == 1 && root[0] == '/') ? "" : "/", path);
	}
	if (*out == NULL)
		return hy__cfg_nomem(err);
	return 0;
}
