/* SHA-256 as lower-case hex, and the run ids built from it.
 *
 * Run ids copy the reference byte for byte (behaviour.md §3.1, §3.18): the
 * first 32 hex digits of SHA-256 over parts joined with '|'. The time parts
 * are hy_time_format_iso() text, e.g. "2025-11-27T01:02:03.123456+00:00". */
#ifndef HYGGE_HASH_H
#define HYGGE_HASH_H

#include <stddef.h>

#include "hygge/status.h"

#define HY_SHA256_HEX_LEN 64
#define HY_RUN_ID_LEN     32

/* Writes 64 hex digits and a NUL. HY_ENOMEM/HY_EIO if libcrypto fails. */
int hy_sha256_hex(const void *data, size_t len, char out[HY_SHA256_HEX_LEN + 1],
		  struct hy_error *err) HY_WUR;

/* sha256("<coordinator_name>|<start_iso>")[:32] */
int hy_run_id_coordinator(const char *coordinator_name, const char *start_iso,
			  char out[HY_RUN_ID_LEN + 1], struct hy_error *err) HY_WUR;
/* sha256("<coordinator_name>|<base_flow>|<utc_iso>")[:32]; one per base flow per run. */
int hy_run_id_flow(const char *coordinator_name, const char *base_flow, const char *utc_iso,
		   char out[HY_RUN_ID_LEN + 1], struct hy_error *err) HY_WUR;
/* sha256("<coordinator_name>|<flow>|<entity>|<start_iso>")[:32]; the journal's entity_run_id. */
int hy_run_id_entity(const char *coordinator_name, const char *flow, const char *entity,
		     const char *start_iso, char out[HY_RUN_ID_LEN + 1],
		     struct hy_error *err) HY_WUR;

#endif /* HYGGE_HASH_H */
