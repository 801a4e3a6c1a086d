// KPL aggregated record: magic F3 89 9A C2, then the AggregatedRecord protobuf, then MD5 of the
// protobuf. Sizing and writing share one plan so the key tables are deduplicated once per encode.
#ifndef SHARDLINE_NATIVE_AGGREGATE_H_
#define SHARDLINE_NATIVE_AGGREGATE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "packed.h"
#include "span-table.h"

namespace shardline {

constexpr size_t kAggregateMagicSize = 4;
constexpr size_t kAggregateOverhead = kAggregateMagicSize + 16;

struct AggregateView {
  uint32_t count = 0;
  PackedView partitionKeys;
  bool hasExplicitHashKeys = false;
  PackedView explicitHashKeys;  // An empty entry means "no explicit hash key" for that record.
  PackedView data;
};

// Reusable across calls (one per addon instance) so its vectors keep their capacity.
class AggregatePlanner {
 public:
  // Validates the view's bounds and deduplicates its keys. Returns nullptr on success, else a static
  // message; nothing is read out of bounds either way.
  const char* Plan(const AggregateView& view);

  // Bytes of the complete aggregated record the last successful Plan describes.
  uint64_t TotalSize() const { return kAggregateOverhead + protobufSize_; }

  // Writes the record the last successful Plan described to out[0 .. TotalSize()). Reads the input
  // only through spans captured while planning, so it writes exactly TotalSize() bytes.
  void Write(uint8_t* out) const;

  // Write without the trailing MD5: returns where the 16-byte digest of out[4 .. returned) belongs, so
  // a caller encoding several aggregates can digest them all at once (Md5DigestMany).
  uint8_t* WriteUndigested(uint8_t* out) const;

 private:
  SpanTable partitionKeyTable_;
  SpanTable explicitHashKeyTable_;
  std::vector<uint32_t> partitionKeyIndex_;
  // UINT32_MAX marks a record without an explicit hash key.
  std::vector<uint32_t> explicitHashKeyIndex_;
  // Each record's data bounds as read (once) while planning; Write uses these, never the offsets again,
  // so it writes exactly the planned size even if the offsets change in between.
  std::vector<Span> data_;
  uint64_t protobufSize_ = 0;
};

}  // namespace shardline

#endif  // SHARDLINE_NATIVE_AGGREGATE_H_
