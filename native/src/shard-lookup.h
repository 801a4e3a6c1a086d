// Routes 128-bit hash keys to shards by binary search over the shards' ending hash keys.
#ifndef SHARDLINE_NATIVE_SHARD_LOOKUP_H_
#define SHARDLINE_NATIVE_SHARD_LOOKUP_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace shardline {

struct HashKey128 {
  uint64_t high;
  uint64_t low;
};

class ShardLookup {
 public:
  // For each of `count` 16-byte big-endian keys in `hashes`, out[i] = index of the first of the
  // `shardCount` ascending ends (16 bytes each) that is >= the key, or shardCount when none is.
  // Callers have checked every length.
  void Run(const uint8_t* hashes, uint32_t count, const uint8_t* ends, uint32_t shardCount, uint32_t* out);

 private:
  // The ends decoded once per call into native integers, so each probe is two 64-bit compares.
  std::vector<HashKey128> ends_;
};

}  // namespace shardline

#endif  // SHARDLINE_NATIVE_SHARD_LOOKUP_H_
