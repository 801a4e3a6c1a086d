// Standard base64 (RFC 4648 alphabet, '=' padding) straight into caller memory, so a PutRecords body
// needs no intermediate JS string per aggregate. Header-only: it is compiled into addon.cc.
#ifndef SHARDLINE_NATIVE_BASE64_H_
#define SHARDLINE_NATIVE_BASE64_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

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

}  // namespace base64_detail

// Writes Base64Length(length) characters of `src` to `out`. Callers have checked both lengths.
inline void Base64Encode(const uint8_t* src, size_t length, uint8_t* out) {
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
