/* Parquet value and level encodings (parquet.md section 6): decoders that
 * fill caller-provided typed arrays, and the encoders of the writer.
 *
 * Decoder contract, shared by every hy_pq_*_decode function:
 *  - `src`/`len` is the untrusted input; nothing past src + len is read.
 *  - `count` is the number of values wanted (from the page header); `out`
 *    holds at least `count` entries and exactly `count` are written on
 *    success. A decoder that runs out of input first is HY_EFORMAT; so is any
 *    malformed field, with a message naming the encoding and the fault.
 *  - `used`, when not NULL, receives the bytes consumed, so a following
 *    section (DELTA_LENGTH_BYTE_ARRAY's bytes, v1 def levels after rep levels)
 *    starts at src + *used.
 *  - No per-value allocation: fixed-width decoders allocate nothing;
 *    byte-array decoders reserve their bytes once in the caller's capped
 *    `struct hy_buf` (HY_ELIMIT past its max, HY_ENOMEM).
 *
 * Byte arrays come out Arrow-style: `offsets` has count + 1 entries,
 * offsets[0] = data->len on entry and value i is
 * data->data[offsets[i] .. offsets[i+1]). Values are appended to `data`; the
 * total must stay below INT32_MAX (HY_ELIMIT).
 *
 * Encoders append to a caller-owned `struct hy_buf` (whose max caps the
 * growth: HY_ELIMIT) and leave out->len unchanged on failure.
 *
 * Little-endian hosts only (x86-64, arm64): PLAIN fixed-width values are
 * copied as they are. */
#ifndef HY_PQ_ENCODING_H
#define HY_PQ_ENCODING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hygge/buffer.h"
#include "hygge/status.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "hygge's parquet encodings assume a little-endian host"
#endif

/* Largest DELTA_BINARY_PACKED block size accepted (values per block). The
 * spec sets no bound; writers use 128 (parquet-java, arrow) or 1024. Nothing is
 * allocated per block, the cap only rejects absurd headers early. */
#define HY_PQ_DELTA_MAX_BLOCK (1u << 20)

/* Largest bit width of the RLE/bit-packed hybrid (levels, dictionary
 * indices, booleans) and of BIT_PACKED. */
#define HY_PQ_RLE_MAX_WIDTH 32

/* ---- RLE / bit-packed hybrid (section 6.2), BIT_PACKED (6.3) ---- */

/* Decodes `count` values of `bit_width` (0..32) bits from a hybrid stream
 * without length prefix (v2 levels, dictionary indices after their width
 * byte). A run may extend past `count`; its surplus values are ignored, and
 * the trailing bytes of a final bit-packed run that only holds padding may be
 * missing. `used` counts the bytes of the runs consumed (capped at len). */
int hy_pq_rle_decode(const uint8_t *src, size_t len, unsigned bit_width, size_t count,
		     uint32_t *out, size_t *used, struct hy_error *err) HY_WUR;

/* Same with the u32 little-endian byte-length prefix (v1 levels, RLE
 * booleans); decoding stays inside the prefixed length and *used = 4 + it. */
int hy_pq_rle_decode_prefixed(const uint8_t *src, size_t len, unsigned bit_width, size_t count,
			      uint32_t *out, size_t *used, struct hy_error *err) HY_WUR;

/* Deprecated BIT_PACKED levels: MSB-first, ceil(count * bit_width / 8)
 * bytes, no header. */
int hy_pq_bit_packed_decode(const uint8_t *src, size_t len, unsigned bit_width, size_t count,
			    uint32_t *out, size_t *used, struct hy_error *err) HY_WUR;

/* Dictionary indices (PLAIN_DICTIONARY / RLE_DICTIONARY data pages): one bit
 * width byte (0..32) then hybrid runs to the end of the page. Every index is
 * checked against `dict_size` (HY_EFORMAT when >= it). */
int hy_pq_dict_indices_decode(const uint8_t *src, size_t len, size_t count, size_t dict_size,
			      uint32_t *out, struct hy_error *err) HY_WUR;

/* Bits needed to store `max_value` (0 for 0): the level and index width. */
unsigned hy_pq_bit_width(uint64_t max_value);

/* Appends the hybrid encoding of `values` (each < 2^bit_width, bit_width
 * 0..32): RLE runs for 8 or more repeats, bit-packed groups otherwise, the
 * last group zero-padded. No length prefix. A value too wide is HY_EINVAL. */
int hy_pq_rle_encode(const uint32_t *values, size_t count, unsigned bit_width, struct hy_buf *out,
		     struct hy_error *err) HY_WUR;

/* Same, preceded by the u32 LE byte length (v1 levels, RLE booleans). */
int hy_pq_rle_encode_prefixed(const uint32_t *values, size_t count, unsigned bit_width,
			      struct hy_buf *out, struct hy_error *err) HY_WUR;

/* A dictionary data page body: width byte = hy_pq_bit_width(dict_size - 1),
 * then the hybrid runs. Indices >= dict_size are HY_EINVAL. */
int hy_pq_dict_indices_encode(const uint32_t *indices, size_t count, size_t dict_size,
			      struct hy_buf *out, struct hy_error *err) HY_WUR;

/* ---- PLAIN (section 6.1) ---- */

/* BOOLEAN: 1 bit per value, LSB first; out[i] is 0 or 1. */
int hy_pq_plain_decode_bool(const uint8_t *src, size_t len, size_t count, uint8_t *out,
			    size_t *used, struct hy_error *err) HY_WUR;

/* Fixed-width values of `width` bytes (INT32 4, INT64 8, INT96 12, FLOAT 4,
 * DOUBLE 8, FIXED_LEN_BYTE_ARRAY type_length > 0) copied to out, which holds
 * count * width bytes. */
int hy_pq_plain_decode_fixed(const uint8_t *src, size_t len, size_t count, size_t width, void *out,
			     size_t *used, struct hy_error *err) HY_WUR;

/* BYTE_ARRAY: u32 LE length + bytes per value, each length checked against
 * the bytes left before anything is copied. */
int hy_pq_plain_decode_byte_array(const uint8_t *src, size_t len, size_t count, int32_t *offsets,
				  struct hy_buf *data, size_t *used, struct hy_error *err) HY_WUR;

int hy_pq_plain_encode_bool(const uint8_t *values, size_t count, struct hy_buf *out,
			    struct hy_error *err) HY_WUR;
int hy_pq_plain_encode_fixed(const void *values, size_t count, size_t width, struct hy_buf *out,
			     struct hy_error *err) HY_WUR;
/* Value i is data[offsets[i] .. offsets[i+1]). */
int hy_pq_plain_encode_byte_array(const int32_t *offsets, const uint8_t *data, size_t count,
				  struct hy_buf *out, struct hy_error *err) HY_WUR;

/* ---- DELTA_BINARY_PACKED (6.5), DELTA_LENGTH_BYTE_ARRAY (6.6),
 *      DELTA_BYTE_ARRAY (6.7) ---- */

/* Reads only the header's total value count (to size the output before
 * decoding, and for DELTA_BYTE_ARRAY's all-null pages). */
int hy_pq_delta_peek_count(const uint8_t *src, size_t len, uint64_t *total,
			   struct hy_error *err) HY_WUR;

/* The stream's total_count must equal `count`. INT32 accepts miniblock
 * widths up to 32, INT64 up to 64; arithmetic wraps (mod 2^32 / 2^64).
 * *used ends after the last used miniblock. */
int hy_pq_delta_decode_int32(const uint8_t *src, size_t len, size_t count, int32_t *out,
			     size_t *used, struct hy_error *err) HY_WUR;
int hy_pq_delta_decode_int64(const uint8_t *src, size_t len, size_t count, int64_t *out,
			     size_t *used, struct hy_error *err) HY_WUR;

/* Lengths (DBP) then the concatenated bytes. Lengths are decoded into
 * offsets[1..count] and turned into offsets in place. */
int hy_pq_delta_length_decode(const uint8_t *src, size_t len, size_t count, int32_t *offsets,
			      struct hy_buf *data, size_t *used, struct hy_error *err) HY_WUR;

/* Prefix lengths (DBP) then DELTA_LENGTH_BYTE_ARRAY suffixes; the previous
 * value starts empty (at each page). `scratch` holds `count` int32 (the
 * prefix lengths). `fixed_len` > 0 (FIXED_LEN_BYTE_ARRAY) requires every
 * value to have that length; 0 for BYTE_ARRAY. */
int hy_pq_delta_byte_array_decode(const uint8_t *src, size_t len, size_t count, size_t fixed_len,
				  int32_t *offsets, int32_t *scratch, struct hy_buf *data,
				  size_t *used, struct hy_error *err) HY_WUR;

/* Block of 128 values, 4 miniblocks of 32 (what parquet-java, arrow and
 * arrow-rs write). */
int hy_pq_delta_encode_int32(const int32_t *values, size_t count, struct hy_buf *out,
			     struct hy_error *err) HY_WUR;
int hy_pq_delta_encode_int64(const int64_t *values, size_t count, struct hy_buf *out,
			     struct hy_error *err) HY_WUR;

/* ---- BYTE_STREAM_SPLIT (6.8) ---- */

/* `width` = 4 (FLOAT, INT32), 8 (DOUBLE, INT64), 2 (FLOAT16) or the FLBA
 * type_length; len must be exactly width * count. out holds count * width
 * bytes, values back to back. */
int hy_pq_bss_decode(const uint8_t *src, size_t len, size_t count, size_t width, void *out,
		     struct hy_error *err) HY_WUR;
int hy_pq_bss_encode(const void *values, size_t count, size_t width, struct hy_buf *out,
		     struct hy_error *err) HY_WUR;

/* ---- internal, shared by the pq_*.c encoding files ---- */

/* ULEB128 into *v (at most 10 bytes, the 10th holding one bit); HY_EFORMAT
 * naming `what` on truncation or overflow. */
int hy__pq_uleb_read(const uint8_t *src, size_t len, size_t *pos, uint64_t *v, const char *what,
		     struct hy_error *err) HY_WUR;
int hy__pq_uleb_write(struct hy_buf *out, uint64_t v, struct hy_error *err) HY_WUR;
/* Unpacks `n` LSB-first values of `width` (0..64) bits starting at bit 0 of
 * src, which holds at least ceil(n * width / 8) bytes. */
void hy__pq_unpack64(const uint8_t *src, unsigned width, size_t n, uint64_t *out);
/* Packs `n` values (masked to `width` bits, 0..64) LSB-first into dst, which
 * holds ceil(n * width / 8) zeroed bytes. */
void hy__pq_pack64(const uint64_t *values, unsigned width, size_t n, uint8_t *dst);

/* Reserves `total` more value bytes in `data`, HY_ELIMIT when they would
 * not fit 32-bit offsets; `what` names the encoding in the message. */
int hy__pq_bytes_reserve(struct hy_buf *data, size_t total, const char *what,
			 struct hy_error *err) HY_WUR;

/* Drops what an encoder appended after `len`, keeping the NUL terminator. */
static inline void hy__pq_buf_truncate(struct hy_buf *out, size_t len)
{
	out->len = len;
	if (out->data != NULL)
		out->data[len] = 0;
}

#endif /* HY_PQ_ENCODING_H */
