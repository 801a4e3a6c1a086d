#include "shard-lookup.h"

namespace shardline {

namespace {

inline uint64_t LoadBe64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
  return v;
}

inline HashKey128 LoadKey(const uint8_t* p) { return HashKey128{LoadBe64(p), LoadBe64(p + 8)}; }

inline bool Less(const HashKey128& a, const HashKey128& b) {
  return a.high < b.high || (a.high == b.high && a.low < b.low);
}

}  // namespace

void ShardLookup::Run(const uint8_t* hashes, uint32_t count, const uint8_t* ends, uint32_t shardCount,
                      uint32_t* out) {
  ends_.resize(shardCount);
  for (uint32_t s = 0; s < shardCount; s++) ends_[s] = LoadKey(ends + 16 * static_cast<size_t>(s));
  const HashKey128* table = ends_.data();
  for (uint32_t i = 0; i < count; i++) {
    HashKey128 key = LoadKey(hashes + 16 * static_cast<size_t>(i));
    // Lower bound: first end not less than the key.
    uint32_t low = 0;
    uint32_t high = shardCount;
    while (low < high) {
      uint32_t mid = low + (high - low) / 2;
      if (Less(table[mid], key)) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    out[i] = low;
  }
}

}  // namespace shardline
