// Standard base64 (RFC 4648 alphabet, '=' padding) straight into caller memory, both ways: a PutRecords
// body needs no intermediate JS string per aggregate, and the broker decodes record data from the
// request body into storage without one. Header-only: it is compiled into addon.cc.
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

// Character -> 6-bit value, 0xff for anything outside the standard alphabet ('=' included).
struct ValueTable {
  uint8_t values[256];
  ValueTable() {
    std::memset(values, 0xff, sizeof values);
    for (int i = 0; i < 64; i++) values[static_cast<uint8_t>(kAlphabet[i])] = static_cast<uint8_t>(i);
  }
};

inline const ValueTable& Values() {
  static const ValueTable table;
  return table;
}

#ifdef SHARDLINE_BASE64_AVX2

// 32 characters become 24 bytes per step. A character is valid when the class bits of its low nibble
// and of its high nibble share none: each high nibble has one class (2: '+' '/', 3: digits, 4 and 6:
// letters from 1, 5 and 7: letters up to 0xA, all others: nothing), and a low nibble carries the
// classes it is invalid in. Values come from adding a per-high-nibble offset ('/' shifted to row 1);
// two multiply-adds pack four 6-bit values into 24 bits per 32-bit lane. The loop keeps 12 characters
// in hand so that each 32-byte store stays inside the decoded length, and stops at a step holding an
// invalid character, which the scalar loop then reports. Returns the characters consumed.
__attribute__((target("avx2"))) inline size_t DecodeAvx2(const uint8_t* src, size_t length, uint8_t* out) {
  const __m256i lutHi = _mm256_setr_epi8(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10,
                                         0x10, 0x10, 0x10, 0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10,
                                         0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
  const __m256i lutLo = _mm256_setr_epi8(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1a, 0x1b,
                                         0x1b, 0x1b, 0x1a, 0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                         0x13, 0x1a, 0x1b, 0x1b, 0x1b, 0x1a);
  const __m256i lutRoll = _mm256_setr_epi8(0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 19, 4, -65,
                                           -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
  // Per 128-bit half: the three bytes of each lane, most significant first, then 4 unused.
  const __m256i pack = _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1, 2, 1, 0, 6, 5, 4, 10, 9,
                                        8, 14, 13, 12, -1, -1, -1, -1);
  const __m256i join = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 3, 7);
  const __m256i nibble = _mm256_set1_epi8(0x0f);
  const __m256i slash = _mm256_set1_epi8('/');
  size_t i = 0;
  for (; i + 44 <= length; i += 32) {
    __m256i in = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
    __m256i hi = _mm256_and_si256(_mm256_srli_epi32(in, 4), nibble);
    __m256i lo = _mm256_and_si256(in, nibble);
    if (!_mm256_testz_si256(_mm256_shuffle_epi8(lutLo, lo), _mm256_shuffle_epi8(lutHi, hi))) break;
    __m256i row = _mm256_add_epi8(hi, _mm256_cmpeq_epi8(in, slash));
    __m256i values = _mm256_add_epi8(in, _mm256_shuffle_epi8(lutRoll, row));
    __m256i pairs = _mm256_maddubs_epi16(values, _mm256_set1_epi32(0x01400140));
    __m256i lanes = _mm256_madd_epi16(pairs, _mm256_set1_epi32(0x00011000));
    __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(lanes, pack), join);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i / 4 * 3), bytes);
  }
  return i;
}

#endif  // SHARDLINE_BASE64_AVX2

}  // namespace base64_detail

// Trailing '=' of `length` characters of base64 that count as padding: up to two, at a length divisible by 4.
inline size_t Base64Padding(const uint8_t* src, size_t length) {
  if (length == 0 || length % 4 != 0 || src[length - 1] != '=') return 0;
  return src[length - 2] == '=' ? 2 : 1;
}

// Bytes that `length` characters of base64 decode to: three per four characters, less the padding.
inline uint64_t Base64DecodedLength(const uint8_t* src, size_t length) {
  return static_cast<uint64_t>(length - Base64Padding(src, length)) * 3 / 4;
}

// Decodes standard base64 (RFC 4648 alphabet) into `out`, which holds Base64DecodedLength bytes, and
// returns the bytes written, or -1 when the text is not canonical: a character outside the alphabet, a
// '=' other than padding, or a single character left over. Unpadded text is accepted, and so are set bits
// in the last character beyond the data (Buffer ignores them too). After -1, `out` holds partial output.
inline int64_t Base64Decode(const uint8_t* src, size_t length, uint8_t* out) {
  const size_t n = length - Base64Padding(src, length);
  if (n % 4 == 1) return -1;
  size_t i = 0;
  uint8_t* o = out;
#ifdef SHARDLINE_BASE64_AVX2
  if (n >= 44 && base64_detail::HasAvx2()) {
    i = base64_detail::DecodeAvx2(src, n, out);
    o += i / 4 * 3;
  }
#endif
  const uint8_t* values = base64_detail::Values().values;
  for (; i + 4 <= n; i += 4) {
    uint32_t a = values[src[i]], b = values[src[i + 1]], c = values[src[i + 2]], d = values[src[i + 3]];
    if (((a | b | c | d) & 0x80) != 0) return -1;
    uint32_t v = (a << 18) | (b << 12) | (c << 6) | d;
    o[0] = static_cast<uint8_t>(v >> 16);
    o[1] = static_cast<uint8_t>(v >> 8);
    o[2] = static_cast<uint8_t>(v);
    o += 3;
  }
  const size_t rest = n - i;
  if (rest > 0) {
    uint32_t a = values[src[i]], b = values[src[i + 1]], c = rest == 3 ? values[src[i + 2]] : 0;
    if (((a | b | c) & 0x80) != 0) return -1;
    uint32_t v = (a << 18) | (b << 12) | (c << 6);
    o[0] = static_cast<uint8_t>(v >> 16);
    if (rest == 3) o[1] = static_cast<uint8_t>(v >> 8);
    o += rest - 1;
  }
  return o - out;
}

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
