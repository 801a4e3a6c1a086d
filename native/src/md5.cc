#include "md5.h"

#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SHARDLINE_MD5_X8 1
#endif

namespace shardline {

namespace {

inline uint32_t LoadLe32(const uint8_t* p) {
  // Byte-wise assembly is endian-independent; compilers fold it into one load on little-endian targets.
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}

inline void StoreLe32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v >> 16);
  p[3] = static_cast<uint8_t>(v >> 24);
}

inline uint32_t RotateLeft(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

// The four auxiliary functions of RFC 1321 section 3.4, in forms with fewer operations than the
// textbook ones but the same truth tables.
inline uint32_t F(uint32_t x, uint32_t y, uint32_t z) { return z ^ (x & (y ^ z)); }
// G as a sum of two disjoint masks: (y & ~z) does not depend on x, the newest value, which
// shortens the dependency chain by one operation per step.
inline uint32_t G(uint32_t x, uint32_t y, uint32_t z) { return (x & z) + (y & ~z); }
// Parenthesised so y ^ z, which does not need x, can be computed early.
inline uint32_t H(uint32_t x, uint32_t y, uint32_t z) { return x ^ (y ^ z); }
inline uint32_t I(uint32_t x, uint32_t y, uint32_t z) { return y ^ (x | ~z); }

template <uint32_t (*Fn)(uint32_t, uint32_t, uint32_t)>
inline void Step(uint32_t& a, uint32_t b, uint32_t c, uint32_t d, uint32_t word, uint32_t constant, int shift) {
  // Everything not derived from b (the previous step's result) is summed first, off the critical path.
  a += word + constant;
  a += Fn(b, c, d);
  a = b + RotateLeft(a, shift);
}

void ProcessBlock(uint32_t* state, const uint8_t* block) {
  uint32_t m[16];
  for (int i = 0; i < 16; i++) m[i] = LoadLe32(block + 4 * i);
  uint32_t a = state[0];
  uint32_t b = state[1];
  uint32_t c = state[2];
  uint32_t d = state[3];
  // Round 1.
  Step<F>(a, b, c, d, m[0], 0xd76aa478U, 7);
  Step<F>(d, a, b, c, m[1], 0xe8c7b756U, 12);
  Step<F>(c, d, a, b, m[2], 0x242070dbU, 17);
  Step<F>(b, c, d, a, m[3], 0xc1bdceeeU, 22);
  Step<F>(a, b, c, d, m[4], 0xf57c0fafU, 7);
  Step<F>(d, a, b, c, m[5], 0x4787c62aU, 12);
  Step<F>(c, d, a, b, m[6], 0xa8304613U, 17);
  Step<F>(b, c, d, a, m[7], 0xfd469501U, 22);
  Step<F>(a, b, c, d, m[8], 0x698098d8U, 7);
  Step<F>(d, a, b, c, m[9], 0x8b44f7afU, 12);
  Step<F>(c, d, a, b, m[10], 0xffff5bb1U, 17);
  Step<F>(b, c, d, a, m[11], 0x895cd7beU, 22);
  Step<F>(a, b, c, d, m[12], 0x6b901122U, 7);
  Step<F>(d, a, b, c, m[13], 0xfd987193U, 12);
  Step<F>(c, d, a, b, m[14], 0xa679438eU, 17);
  Step<F>(b, c, d, a, m[15], 0x49b40821U, 22);
  // Round 2.
  Step<G>(a, b, c, d, m[1], 0xf61e2562U, 5);
  Step<G>(d, a, b, c, m[6], 0xc040b340U, 9);
  Step<G>(c, d, a, b, m[11], 0x265e5a51U, 14);
  Step<G>(b, c, d, a, m[0], 0xe9b6c7aaU, 20);
  Step<G>(a, b, c, d, m[5], 0xd62f105dU, 5);
  Step<G>(d, a, b, c, m[10], 0x02441453U, 9);
  Step<G>(c, d, a, b, m[15], 0xd8a1e681U, 14);
  Step<G>(b, c, d, a, m[4], 0xe7d3fbc8U, 20);
  Step<G>(a, b, c, d, m[9], 0x21e1cde6U, 5);
  Step<G>(d, a, b, c, m[14], 0xc33707d6U, 9);
  Step<G>(c, d, a, b, m[3], 0xf4d50d87U, 14);
  Step<G>(b, c, d, a, m[8], 0x455a14edU, 20);
  Step<G>(a, b, c, d, m[13], 0xa9e3e905U, 5);
  Step<G>(d, a, b, c, m[2], 0xfcefa3f8U, 9);
  Step<G>(c, d, a, b, m[7], 0x676f02d9U, 14);
  Step<G>(b, c, d, a, m[12], 0x8d2a4c8aU, 20);
  // Round 3.
  Step<H>(a, b, c, d, m[5], 0xfffa3942U, 4);
  Step<H>(d, a, b, c, m[8], 0x8771f681U, 11);
  Step<H>(c, d, a, b, m[11], 0x6d9d6122U, 16);
  Step<H>(b, c, d, a, m[14], 0xfde5380cU, 23);
  Step<H>(a, b, c, d, m[1], 0xa4beea44U, 4);
  Step<H>(d, a, b, c, m[4], 0x4bdecfa9U, 11);
  Step<H>(c, d, a, b, m[7], 0xf6bb4b60U, 16);
  Step<H>(b, c, d, a, m[10], 0xbebfbc70U, 23);
  Step<H>(a, b, c, d, m[13], 0x289b7ec6U, 4);
  Step<H>(d, a, b, c, m[0], 0xeaa127faU, 11);
  Step<H>(c, d, a, b, m[3], 0xd4ef3085U, 16);
  Step<H>(b, c, d, a, m[6], 0x04881d05U, 23);
  Step<H>(a, b, c, d, m[9], 0xd9d4d039U, 4);
  Step<H>(d, a, b, c, m[12], 0xe6db99e5U, 11);
  Step<H>(c, d, a, b, m[15], 0x1fa27cf8U, 16);
  Step<H>(b, c, d, a, m[2], 0xc4ac5665U, 23);
  // Round 4.
  Step<I>(a, b, c, d, m[0], 0xf4292244U, 6);
  Step<I>(d, a, b, c, m[7], 0x432aff97U, 10);
  Step<I>(c, d, a, b, m[14], 0xab9423a7U, 15);
  Step<I>(b, c, d, a, m[5], 0xfc93a039U, 21);
  Step<I>(a, b, c, d, m[12], 0x655b59c3U, 6);
  Step<I>(d, a, b, c, m[3], 0x8f0ccc92U, 10);
  Step<I>(c, d, a, b, m[10], 0xffeff47dU, 15);
  Step<I>(b, c, d, a, m[1], 0x85845dd1U, 21);
  Step<I>(a, b, c, d, m[8], 0x6fa87e4fU, 6);
  Step<I>(d, a, b, c, m[15], 0xfe2ce6e0U, 10);
  Step<I>(c, d, a, b, m[6], 0xa3014314U, 15);
  Step<I>(b, c, d, a, m[13], 0x4e0811a1U, 21);
  Step<I>(a, b, c, d, m[4], 0xf7537e82U, 6);
  Step<I>(d, a, b, c, m[11], 0xbd3af235U, 10);
  Step<I>(c, d, a, b, m[2], 0x2ad7d2bbU, 15);
  Step<I>(b, c, d, a, m[9], 0xeb86d391U, 21);
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
}

// Padding of one message: its last partial block, 0x80, zeros and the bit length (64-bit little-endian),
// as one or two blocks; returns how many.
size_t PadTail(const uint8_t* data, size_t length, uint8_t* tail) {
  size_t full = length & ~static_cast<size_t>(63);
  size_t rest = length - full;
  if (rest > 0) std::memcpy(tail, data + full, rest);
  tail[rest] = 0x80;
  size_t tailLength = rest < 56 ? 64 : 128;
  std::memset(tail + rest + 1, 0, tailLength - rest - 1 - 8);
  uint64_t bits = static_cast<uint64_t>(length) << 3;
  StoreLe32(tail + tailLength - 8, static_cast<uint32_t>(bits));
  StoreLe32(tail + tailLength - 4, static_cast<uint32_t>(bits >> 32));
  return tailLength / 64;
}

}  // namespace

void Md5Digest(const uint8_t* data, size_t length, uint8_t* out) {
  uint32_t state[4] = {0x67452301U, 0xefcdab89U, 0x98badcfeU, 0x10325476U};
  size_t full = length & ~static_cast<size_t>(63);
  for (size_t at = 0; at < full; at += 64) ProcessBlock(state, data + at);
  uint8_t tail[128];
  size_t tailBlocks = PadTail(data, length, tail);
  ProcessBlock(state, tail);
  if (tailBlocks == 2) ProcessBlock(state, tail + 64);

  for (int i = 0; i < 4; i++) StoreLe32(out + 4 * i, state[i]);
}


#ifdef SHARDLINE_MD5_X8

namespace {

#define SL_F(x, y, z) _mm256_xor_si256(z, _mm256_and_si256(x, _mm256_xor_si256(y, z)))
#define SL_G(x, y, z) _mm256_or_si256(_mm256_and_si256(x, z), _mm256_andnot_si256(z, y))
#define SL_H(x, y, z) _mm256_xor_si256(x, _mm256_xor_si256(y, z))
#define SL_I(x, y, z) _mm256_xor_si256(y, _mm256_or_si256(x, _mm256_xor_si256(z, ones)))
#define SL_STEP(fn, a, b, c, d, k, t, s)                                                   \
  a = _mm256_add_epi32(a, _mm256_add_epi32(m[k], _mm256_set1_epi32(static_cast<int>(t)))); \
  a = _mm256_add_epi32(a, fn(b, c, d));                                                      \
  a = _mm256_or_si256(_mm256_slli_epi32(a, s), _mm256_srli_epi32(a, 32 - (s)));              \
  a = _mm256_add_epi32(a, b);

// Rows r[0..8) (lane i's eight consecutive words in r[i]) become columns (word j of every lane in r[j]).
__attribute__((target("avx2"))) inline void Transpose8(__m256i* r) {
  __m256i t0 = _mm256_unpacklo_epi32(r[0], r[1]);
  __m256i t1 = _mm256_unpackhi_epi32(r[0], r[1]);
  __m256i t2 = _mm256_unpacklo_epi32(r[2], r[3]);
  __m256i t3 = _mm256_unpackhi_epi32(r[2], r[3]);
  __m256i t4 = _mm256_unpacklo_epi32(r[4], r[5]);
  __m256i t5 = _mm256_unpackhi_epi32(r[4], r[5]);
  __m256i t6 = _mm256_unpacklo_epi32(r[6], r[7]);
  __m256i t7 = _mm256_unpackhi_epi32(r[6], r[7]);
  __m256i u0 = _mm256_unpacklo_epi64(t0, t2);
  __m256i u1 = _mm256_unpackhi_epi64(t0, t2);
  __m256i u2 = _mm256_unpacklo_epi64(t1, t3);
  __m256i u3 = _mm256_unpackhi_epi64(t1, t3);
  __m256i u4 = _mm256_unpacklo_epi64(t4, t6);
  __m256i u5 = _mm256_unpackhi_epi64(t4, t6);
  __m256i u6 = _mm256_unpacklo_epi64(t5, t7);
  __m256i u7 = _mm256_unpackhi_epi64(t5, t7);
  r[0] = _mm256_permute2x128_si256(u0, u4, 0x20);
  r[1] = _mm256_permute2x128_si256(u1, u5, 0x20);
  r[2] = _mm256_permute2x128_si256(u2, u6, 0x20);
  r[3] = _mm256_permute2x128_si256(u3, u7, 0x20);
  r[4] = _mm256_permute2x128_si256(u0, u4, 0x31);
  r[5] = _mm256_permute2x128_si256(u1, u5, 0x31);
  r[6] = _mm256_permute2x128_si256(u2, u6, 0x31);
  r[7] = _mm256_permute2x128_si256(u3, u7, 0x31);
}

// Eight messages at once. Lanes with fewer blocks than the longest keep their state once done (a
// per-lane mask), so lengths may differ freely; equal lengths waste nothing.
__attribute__((target("avx2"))) void Md5x8(const uint8_t* const* data, const size_t* length, uint8_t* const* out) {
  alignas(32) static const uint8_t kZeros[64] = {};
  uint8_t tails[8][128];
  size_t fullBlocks[8];
  size_t blocks[8];
  size_t maxBlocks = 0;
  for (int lane = 0; lane < 8; lane++) {
    fullBlocks[lane] = length[lane] / 64;
    blocks[lane] = fullBlocks[lane] + PadTail(data[lane], length[lane], tails[lane]);
    if (blocks[lane] > maxBlocks) maxBlocks = blocks[lane];
  }
  const __m256i ones = _mm256_set1_epi32(-1);
  __m256i sa = _mm256_set1_epi32(0x67452301);
  __m256i sb = _mm256_set1_epi32(static_cast<int>(0xefcdab89U));
  __m256i sc = _mm256_set1_epi32(static_cast<int>(0x98badcfeU));
  __m256i sd = _mm256_set1_epi32(0x10325476);
  for (size_t blk = 0; blk < maxBlocks; blk++) {
    const uint8_t* p[8];
    int activeBits[8];
    for (int lane = 0; lane < 8; lane++) {
      if (blk < fullBlocks[lane]) {
        p[lane] = data[lane] + 64 * blk;
      } else if (blk < blocks[lane]) {
        p[lane] = tails[lane] + 64 * (blk - fullBlocks[lane]);
      } else {
        p[lane] = kZeros;
      }
      activeBits[lane] = blk < blocks[lane] ? -1 : 0;
    }
    __m256i m[16];
    for (int lane = 0; lane < 8; lane++) {
      m[lane] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p[lane]));
      m[8 + lane] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p[lane] + 32));
    }
    Transpose8(m);
    Transpose8(m + 8);
    __m256i a = sa;
    __m256i b = sb;
    __m256i c = sc;
    __m256i d = sd;
    SL_STEP(SL_F, a, b, c, d, 0, 0xd76aa478U, 7)
    SL_STEP(SL_F, d, a, b, c, 1, 0xe8c7b756U, 12)
    SL_STEP(SL_F, c, d, a, b, 2, 0x242070dbU, 17)
    SL_STEP(SL_F, b, c, d, a, 3, 0xc1bdceeeU, 22)
    SL_STEP(SL_F, a, b, c, d, 4, 0xf57c0fafU, 7)
    SL_STEP(SL_F, d, a, b, c, 5, 0x4787c62aU, 12)
    SL_STEP(SL_F, c, d, a, b, 6, 0xa8304613U, 17)
    SL_STEP(SL_F, b, c, d, a, 7, 0xfd469501U, 22)
    SL_STEP(SL_F, a, b, c, d, 8, 0x698098d8U, 7)
    SL_STEP(SL_F, d, a, b, c, 9, 0x8b44f7afU, 12)
    SL_STEP(SL_F, c, d, a, b, 10, 0xffff5bb1U, 17)
    SL_STEP(SL_F, b, c, d, a, 11, 0x895cd7beU, 22)
    SL_STEP(SL_F, a, b, c, d, 12, 0x6b901122U, 7)
    SL_STEP(SL_F, d, a, b, c, 13, 0xfd987193U, 12)
    SL_STEP(SL_F, c, d, a, b, 14, 0xa679438eU, 17)
    SL_STEP(SL_F, b, c, d, a, 15, 0x49b40821U, 22)
    SL_STEP(SL_G, a, b, c, d, 1, 0xf61e2562U, 5)
    SL_STEP(SL_G, d, a, b, c, 6, 0xc040b340U, 9)
    SL_STEP(SL_G, c, d, a, b, 11, 0x265e5a51U, 14)
    SL_STEP(SL_G, b, c, d, a, 0, 0xe9b6c7aaU, 20)
    SL_STEP(SL_G, a, b, c, d, 5, 0xd62f105dU, 5)
    SL_STEP(SL_G, d, a, b, c, 10, 0x02441453U, 9)
    SL_STEP(SL_G, c, d, a, b, 15, 0xd8a1e681U, 14)
    SL_STEP(SL_G, b, c, d, a, 4, 0xe7d3fbc8U, 20)
    SL_STEP(SL_G, a, b, c, d, 9, 0x21e1cde6U, 5)
    SL_STEP(SL_G, d, a, b, c, 14, 0xc33707d6U, 9)
    SL_STEP(SL_G, c, d, a, b, 3, 0xf4d50d87U, 14)
    SL_STEP(SL_G, b, c, d, a, 8, 0x455a14edU, 20)
    SL_STEP(SL_G, a, b, c, d, 13, 0xa9e3e905U, 5)
    SL_STEP(SL_G, d, a, b, c, 2, 0xfcefa3f8U, 9)
    SL_STEP(SL_G, c, d, a, b, 7, 0x676f02d9U, 14)
    SL_STEP(SL_G, b, c, d, a, 12, 0x8d2a4c8aU, 20)
    SL_STEP(SL_H, a, b, c, d, 5, 0xfffa3942U, 4)
    SL_STEP(SL_H, d, a, b, c, 8, 0x8771f681U, 11)
    SL_STEP(SL_H, c, d, a, b, 11, 0x6d9d6122U, 16)
    SL_STEP(SL_H, b, c, d, a, 14, 0xfde5380cU, 23)
    SL_STEP(SL_H, a, b, c, d, 1, 0xa4beea44U, 4)
    SL_STEP(SL_H, d, a, b, c, 4, 0x4bdecfa9U, 11)
    SL_STEP(SL_H, c, d, a, b, 7, 0xf6bb4b60U, 16)
    SL_STEP(SL_H, b, c, d, a, 10, 0xbebfbc70U, 23)
    SL_STEP(SL_H, a, b, c, d, 13, 0x289b7ec6U, 4)
    SL_STEP(SL_H, d, a, b, c, 0, 0xeaa127faU, 11)
    SL_STEP(SL_H, c, d, a, b, 3, 0xd4ef3085U, 16)
    SL_STEP(SL_H, b, c, d, a, 6, 0x04881d05U, 23)
    SL_STEP(SL_H, a, b, c, d, 9, 0xd9d4d039U, 4)
    SL_STEP(SL_H, d, a, b, c, 12, 0xe6db99e5U, 11)
    SL_STEP(SL_H, c, d, a, b, 15, 0x1fa27cf8U, 16)
    SL_STEP(SL_H, b, c, d, a, 2, 0xc4ac5665U, 23)
    SL_STEP(SL_I, a, b, c, d, 0, 0xf4292244U, 6)
    SL_STEP(SL_I, d, a, b, c, 7, 0x432aff97U, 10)
    SL_STEP(SL_I, c, d, a, b, 14, 0xab9423a7U, 15)
    SL_STEP(SL_I, b, c, d, a, 5, 0xfc93a039U, 21)
    SL_STEP(SL_I, a, b, c, d, 12, 0x655b59c3U, 6)
    SL_STEP(SL_I, d, a, b, c, 3, 0x8f0ccc92U, 10)
    SL_STEP(SL_I, c, d, a, b, 10, 0xffeff47dU, 15)
    SL_STEP(SL_I, b, c, d, a, 1, 0x85845dd1U, 21)
    SL_STEP(SL_I, a, b, c, d, 8, 0x6fa87e4fU, 6)
    SL_STEP(SL_I, d, a, b, c, 15, 0xfe2ce6e0U, 10)
    SL_STEP(SL_I, c, d, a, b, 6, 0xa3014314U, 15)
    SL_STEP(SL_I, b, c, d, a, 13, 0x4e0811a1U, 21)
    SL_STEP(SL_I, a, b, c, d, 4, 0xf7537e82U, 6)
    SL_STEP(SL_I, d, a, b, c, 11, 0xbd3af235U, 10)
    SL_STEP(SL_I, c, d, a, b, 2, 0x2ad7d2bbU, 15)
    SL_STEP(SL_I, b, c, d, a, 9, 0xeb86d391U, 21)
    const __m256i active = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(activeBits));
    sa = _mm256_blendv_epi8(sa, _mm256_add_epi32(sa, a), active);
    sb = _mm256_blendv_epi8(sb, _mm256_add_epi32(sb, b), active);
    sc = _mm256_blendv_epi8(sc, _mm256_add_epi32(sc, c), active);
    sd = _mm256_blendv_epi8(sd, _mm256_add_epi32(sd, d), active);
  }
  alignas(32) uint32_t words[4][8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(words[0]), sa);
  _mm256_store_si256(reinterpret_cast<__m256i*>(words[1]), sb);
  _mm256_store_si256(reinterpret_cast<__m256i*>(words[2]), sc);
  _mm256_store_si256(reinterpret_cast<__m256i*>(words[3]), sd);
  for (int lane = 0; lane < 8; lane++) {
    for (int i = 0; i < 4; i++) StoreLe32(out[lane] + 4 * i, words[i][lane]);
  }
}

#undef SL_F
#undef SL_G
#undef SL_H
#undef SL_I
#undef SL_STEP

bool HasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2") != 0;
  return has;
}

}  // namespace

#endif  // SHARDLINE_MD5_X8

void Md5DigestMany(const uint8_t* const* data, const size_t* length, uint8_t* const* out, size_t count) {
  size_t i = 0;
#ifdef SHARDLINE_MD5_X8
  if (HasAvx2()) {
    for (; i + 8 <= count; i += 8) Md5x8(data + i, length + i, out + i);
    // A short last group still beats that many scalar digests from three messages on: idle lanes
    // hash an empty message into scratch.
    size_t rest = count - i;
    if (rest >= 3) {
      static const uint8_t kEmpty[1] = {0};
      const uint8_t* lanesData[8];
      size_t lanesLength[8];
      uint8_t scratch[8][kMd5DigestSize];
      uint8_t* lanesOut[8];
      for (size_t lane = 0; lane < 8; lane++) {
        bool used = lane < rest;
        lanesData[lane] = used ? data[i + lane] : kEmpty;
        lanesLength[lane] = used ? length[i + lane] : 0;
        lanesOut[lane] = used ? out[i + lane] : scratch[lane];
      }
      Md5x8(lanesData, lanesLength, lanesOut);
      return;
    }
  }
#endif
  for (; i < count; i++) Md5Digest(data[i], length[i], out[i]);
}

}  // namespace shardline
