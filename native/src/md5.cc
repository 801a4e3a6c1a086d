#include "md5.h"

#include <cstring>

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

}  // namespace

void Md5Digest(const uint8_t* data, size_t length, uint8_t* out) {
  uint32_t state[4] = {0x67452301U, 0xefcdab89U, 0x98badcfeU, 0x10325476U};
  size_t full = length & ~static_cast<size_t>(63);
  for (size_t at = 0; at < full; at += 64) ProcessBlock(state, data + at);

  // Padding: 0x80, zeros, then the bit length as 64-bit little-endian, in one or two final blocks.
  uint8_t tail[128];
  size_t rest = length - full;
  if (rest > 0) std::memcpy(tail, data + full, rest);
  tail[rest] = 0x80;
  size_t tailLength = rest < 56 ? 64 : 128;
  std::memset(tail + rest + 1, 0, tailLength - rest - 1 - 8);
  uint64_t bits = static_cast<uint64_t>(length) << 3;
  StoreLe32(tail + tailLength - 8, static_cast<uint32_t>(bits));
  StoreLe32(tail + tailLength - 4, static_cast<uint32_t>(bits >> 32));
  ProcessBlock(state, tail);
  if (tailLength == 128) ProcessBlock(state, tail + 64);

  for (int i = 0; i < 4; i++) StoreLe32(out + 4 * i, state[i]);
}

}  // namespace shardline
