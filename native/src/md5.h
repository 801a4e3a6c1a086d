// MD5 (RFC 1321), written for this addon so it needs no crypto library: the addon must load the same
// way under Node, Electron and on Windows, where OpenSSL symbols are not reliably exported.
#ifndef SHARDLINE_NATIVE_MD5_H_
#define SHARDLINE_NATIVE_MD5_H_

#include <cstddef>
#include <cstdint>

namespace shardline {

constexpr size_t kMd5DigestSize = 16;

// Digest of one contiguous byte range, written to out[0..16). Cheaper than the streaming form for
// the short inputs (partition keys) it is mostly used on: no state object, no intermediate copies of
// whole blocks.
void Md5Digest(const uint8_t* data, size_t length, uint8_t* out);

// Digests of `count` independent byte ranges: out[i][0..16) = MD5(data[i][0 .. length[i])). The same
// bytes as Md5Digest per range; where the CPU has AVX2 it runs eight ranges at once, one per 32-bit
// SIMD lane (MD5 is a serial chain within one message, so independent messages are the only
// parallelism it has).
void Md5DigestMany(const uint8_t* const* data, const size_t* length, uint8_t* const* out, size_t count);

}  // namespace shardline

#endif  // SHARDLINE_NATIVE_MD5_H_
