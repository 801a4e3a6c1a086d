#include "span-table.h"

#include <algorithm>
#include <cstring>

namespace shardline {

namespace {

constexpr uint64_t kMultiplier = 0x9e3779b97f4a7c15ULL;

inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline uint64_t Mix(uint64_t h) {
  h ^= h >> 32;
  h *= 0xd6e8feb86659fd93ULL;
  h ^= h >> 32;
  return h;
}

// Not a cryptographic hash: keys come from the process's own producer. Mixing in the length keeps
// prefixes of each other apart.
uint64_t HashBytes(const uint8_t* p, uint32_t length) {
  uint64_t h = (static_cast<uint64_t>(length) + 1) * kMultiplier;
  uint32_t i = 0;
  for (; i + 8 <= length; i += 8) h = (h ^ Load64(p + i)) * kMultiplier;
  if (i < length) {
    uint64_t tail = 0;
    std::memcpy(&tail, p + i, length - i);
    h = (h ^ tail) * kMultiplier;
  }
  return Mix(h);
}

}  // namespace

void SpanTable::Reset(size_t expected) {
  entries_.clear();
  hashes_.clear();
  size_t want = 16;
  // Load factor at most 1/2 keeps linear probes short.
  while (want < expected * 2) want <<= 1;
  if (slots_.size() != want) {
    slots_.assign(want, 0);
  } else {
    std::fill(slots_.begin(), slots_.end(), 0);
  }
  mask_ = want - 1;
}

uint32_t SpanTable::Intern(const uint8_t* data, uint32_t length) {
  uint64_t hash = HashBytes(data, length);
  size_t slot = static_cast<size_t>(hash) & mask_;
  for (;;) {
    uint32_t held = slots_[slot];
    if (held == 0) break;
    uint32_t index = held - 1;
    const Span& span = entries_[index];
    if (hashes_[index] == hash && span.length == length && (length == 0 || std::memcmp(span.data, data, length) == 0)) {
      return index;
    }
    slot = (slot + 1) & mask_;
  }
  uint32_t index = static_cast<uint32_t>(entries_.size());
  entries_.push_back(Span{data, length});
  hashes_.push_back(hash);
  slots_[slot] = index + 1;
  return index;
}

}  // namespace shardline
