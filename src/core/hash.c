/* SHA-256 hex through libcrypto's EVP interface, and run ids. */
#include "hygge/hash.h"

#include <string.h>

#include <openssl/evp.h>

#include "hygge/buffer.h"

/* Run id inputs are names and timestamps; anything longer is a bug upstream. */
#define RUN_ID_INPUT_MAX 4096

int hy_sha256_hex(const void *data, size_t len, char out[HY_SHA256_HEX_LEN + 1],
		  struct hy_error *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	EVP_MD_CTX *ctx;
	int rc = 0;

	out[0] = 0;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		return hy_error_set(err, HY_ENOMEM, "out of memory creating a SHA-256 context");
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, data, len) != 1 || EVP_DigestFinal_ex(ctx, md, &md_len) != 1 ||
	    md_len != 32) {
		rc = hy_error_set(err, HY_EIO, "libcrypto failed to compute SHA-256");
		goto out;
	}
	for (size_t i = 0; i < md_len; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[HY_SHA256_HEX_LEN] = 0;
out:
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* Joins the parts with '|' and keeps the first 32 hex digits of the hash. */
static int run_id(const char *const *parts, size_t n, char out[HY_RUN_ID_LEN + 1],
		  struct hy_error *err)
{
	char joined[RUN_ID_INPUT_MAX];
	char hex[HY_SHA256_HEX_LEN + 1];
	size_t len = 0;

	out[0] = 0;
	for (size_t i = 0; i < n; i++) {
		size_t plen = strlen(parts[i]);

		if (plen + 1 > sizeof(joined) - len)
			return hy_error_set(err, HY_ELIMIT, "run id input is longer than %d bytes",
					    RUN_ID_INPUT_MAX);
		if (i > 0)
			joined[len++] = '|';
		memcpy(joined + len, parts[i], plen);
		len += plen;
	}
	HY_TRY(hy_sha256_hex(joined, len, hex, err));
	memcpy(out, hex, HY_RUN_ID_LEN);
	out[HY_RUN_ID_LEN] = 0;
	return 0;
}

int hy_run_id_coordinator(const char *coordinator_name, const char *start_iso,
			  char out[HY_RUN_ID_LEN + 1], struct hy_error *err)
{
	const char *parts[] = {coordinator_name, start_iso};

	return run_id(parts, 2, out, err);
}

int hy_run_id_flow(const char *coordinator_name, const char *base_flow, const char *utc_iso,
		   char out[HY_RUN_ID_LEN + 1], struct hy_error *err)
{
	const char *parts[] = {coordinator_name, base_flow, utc_iso};

	return run_id(parts, 3, out, err);
}

int hy_run_id_entity(const char *coordinator_name, const char *flow, const char *entity,
		     const char *start_iso, char out[HY_RUN_ID_LEN + 1], struct hy_error *err)
{
	const char *parts[] = {coordinator_name, flow, entity, start_iso};

	return run_id(parts, 4, out, err);
}
