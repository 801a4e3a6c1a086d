// Standard base64 (RFC 4648 alphabet, '=' padding) straight into caller memory, so a PutRecords body
// needs no intermediate JS string per aggregate. Header-only: it is compiled into addon.cc.
#ifndef SHARDLINE_NATIVE_BASE64_H_
#define SHARDLINE_NATIVE_BASE64_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SHARDLINE_BASE64_AVX2 1
#endif

namespace shardline {

// Characters written for `length` input bytes: 4 per started group of 3.
inline uint64_t Base64Length(uint64_t length) { return (length + 2) / 3 * 4; }

namespace base64_detail {

inline constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Two output characters per 12 input bits: one lookup replaces two shifts, masks and loads.
struct PairTable {
  uint8_t pairs[4096][2];
  PairTable() {
    for (int i = 0; i < 4096; i++) {
      pairs[i][0] = static_cast<uint8_t>(kAlphabet[i >> 6]);
      pairs[i][1] = static_cast<uint8_t>(kAlphabet[i & 63]);
    }
  }
};

inline const PairTable& Pairs() {
  static const PairTable table;
  return table;
}

#ifdef SHARDLINE_BASE64_AVX2

// 24 input bytes become 32 characters per step: each 128-bit half takes 12 bytes, spreads every 3 of
// them over 4 bytes, cuts the 24 bits into four 6-bit indexes with two multiplies, and turns indexes
// into characters by adding a per-range offset looked up with one byte shuffle. Reads stop 4 bytes
// short of the 28 the loads touch, so nothing past src + length is read. Returns the bytes consumed.
__attribute__((target("avx2"))) inline size_t EncodeAvx2(const uint8_t* src, size_t length, uint8_t* out) {
  const __m256i spread = _mm256_setr_epi8(1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10, 1, 0, 2, 1, 4, 3, 5, 4, 7,
                                          6, 8, 7, 10, 9, 11, 10);
  const __m256i offsets = _mm256_setr_epi8(71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -19, -16, 65, 0, 0, 71, -4, -4,
                                           -4, -4, -4, -4, -4, -4, -4, -4, -19, -16, 65, 0, 0);
  size_t i = 0;
  for (; i + 28 <= length; i += 24) {
    __m128i low = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    __m128i high = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 12));
    __m256i in = _mm256_inserti128_si256(_mm256_castsi128_si256(low), high, 1);
    in = _mm256_shuffle_epi8(in, spread);
    __m256i ac = _mm256_mulhi_epu16(_mm256_and_si256(in, _mm256_set1_epi32(0x0fc0fc00)), _mm256_set1_epi32(0x04000040));
    __m256i bd = _mm256_mullo_epi16(_mm256_and_si256(in, _mm256_set1_epi32(0x003f03f0)), _mm256_set1_epi32(0x01000010));
    __m256i indexes = _mm256_or_si256(ac, bd);
    // 0..25 -> 13, 26..51 -> 0, 52..61 -> 1..10, 62 -> 11, 63 -> 12: the row of `offsets` to add.
    __m256i row = _mm256_subs_epu8(indexes, _mm256_set1_epi8(51));
    row = _mm256_or_si256(row, _mm256_and_si256(_mm256_cmpgt_epi8(_mm256_set1_epi8(26), indexes), _mm256_set1_epi8(13)));
    __m256i chars = _mm256_add_epi8(indexes, _mm256_shuffle_epi8(offsets, row));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), chars);
    out += 32;
  }
  return i;
}

inline bool HasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2") != 0;
  return has;
}

#endif  // SHARDLINE_BASE64_AVX2

}  // namespace base64_detail

// Writes Base64Length(length) characters of `src` to `out`. Callers have checked both lengths.
inline void Base64Encode(const uint8_t* src, size_t length, uint8_t* out) {
#ifdef SHARDLINE_BASE64_AVX2
  if (length >= 28 && base64_detail::HasAvx2()) {
    size_t done = base64_detail::EncodeAvx2(src, length, out);
    src += done;
    length -= done;
    out += done / 3 * 4;
  }
#endif
  const auto& pairs = base64_detail::Pairs().pairs;
  size_t whole = length - length % 3;
  size_t i = 0;
  for (; i < whole; i += 3) {
    uint32_t v = (static_cast<uint32_t>(src[i]) << 16) | (static_cast<uint32_t>(src[i + 1]) << 8) | src[i + 2];
    std::memcpy(out, pairs[v >> 12], 2);
    std::memcpy(out + 2, pairs[v & 4095], 2);
    out += 4;
  }
  size_t rest = length - whole;
  if (rest == 0) return;
  uint32_t v = static_cast<uint32_t>(src[i]) << 16;
  if (rest == 2) v |= static_cast<uint32_t>(src[i + 1]) << 8;
  out[0] = static_cast<uint8_t>(base64_detail::kAlphabet[v >> 18]);
  out[1] = static_cast<uint8_t>(base64_detail::kAlphabet[(v >> 12) & 63]);
  out[2] = rest == 2 ? static_cast<uint8_t>(base64_detail::kAlphabet[(v >> 6) & 63]) : '=';
  out[3] = '=';
}

}  // namespace shardline

#endif  // SHARDLINE_NATIVE_BASE64_H_
