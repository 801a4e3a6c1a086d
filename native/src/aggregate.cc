#include "aggregate.h"

#include <cstring>

#include "md5.h"

namespace shardline {

namespace {

constexpr uint32_t kNoKey = 0xffffffffU;

// Field tags: (field number << 3) | wire type; 0 = varint, 2 = length-delimited.
constexpr uint8_t kTagPartitionKeyTable = 0x0a;
constexpr uint8_t kTagExplicitHashKeyTable = 0x12;
constexpr uint8_t kTagRecords = 0x1a;
constexpr uint8_t kTagPartitionKeyIndex = 0x08;
constexpr uint8_t kTagExplicitHashKeyIndex = 0x10;
constexpr uint8_t kTagData = 0x1a;

constexpr uint8_t kMagic[kAggregateMagicSize] = {0xf3, 0x89, 0x9a, 0xc2};

inline uint64_t VarintSize(uint64_t value) {
  uint64_t size = 1;
  while (value >= 0x80) {
    value >>= 7;
    size++;
  }
  return size;
}

inline uint8_t* WriteVarint(uint8_t* p, uint64_t value) {
  while (value >= 0x80) {
    *p++ = static_cast<uint8_t>(value | 0x80);
    value >>= 7;
  }
  *p++ = static_cast<uint8_t>(value);
  return p;
}

inline uint64_t LengthDelimitedSize(uint64_t length) { return 1 + VarintSize(length) + length; }

inline uint64_t RecordBodySize(uint32_t partitionKeyIndex, uint32_t explicitHashKeyIndex, uint32_t dataLength) {
  uint64_t size = 1 + VarintSize(partitionKeyIndex) + LengthDelimitedSize(dataLength);
  if (explicitHashKeyIndex != kNoKey) size += 1 + VarintSize(explicitHashKeyIndex);
  return size;
}

uint8_t* WriteTable(uint8_t* p, uint8_t tag, const std::vector<Span>& entries) {
  for (const Span& span : entries) {
    *p++ = tag;
    p = WriteVarint(p, span.length);
    if (span.length > 0) std::memcpy(p, span.data, span.length);
    p += span.length;
  }
  return p;
}

}  // namespace

const char* AggregatePlanner::Plan(const AggregateView& view) {
  const uint32_t count = view.count;
  if (count == 0) return "an aggregated record needs at least one user record";
  if (const char* error = CheckPacked(view.partitionKeys, count)) return error;
  if (view.hasExplicitHashKeys) {
    if (const char* error = CheckPacked(view.explicitHashKeys, count)) return error;
  }
  if (const char* error = CheckPacked(view.data, count)) return error;

  partitionKeyTable_.Reset(count);
  partitionKeyIndex_.resize(count);
  explicitHashKeyIndex_.resize(count);
  data_.resize(count);
  explicitHashKeyTable_.Reset(view.hasExplicitHashKeys ? count : 0);

  uint64_t size = 0;
  const PackedView& keys = view.partitionKeys;
  const PackedView& hashKeys = view.explicitHashKeys;
  for (uint32_t i = 0; i < count; i++) {
    uint32_t start = 0;
    uint32_t length = 0;
    if (!keys.Get(i, &start, &length)) return kPackedChanged;
    size_t known = partitionKeyTable_.entries().size();
    uint32_t index = partitionKeyTable_.Intern(keys.bytes + start, length);
    if (index == known) size += LengthDelimitedSize(length);
    partitionKeyIndex_[i] = index;

    uint32_t hashKeyIndex = kNoKey;
    if (view.hasExplicitHashKeys) {
      if (!hashKeys.Get(i, &start, &length)) return kPackedChanged;
      if (length > 0) {
        size_t knownHashKeys = explicitHashKeyTable_.entries().size();
        hashKeyIndex = explicitHashKeyTable_.Intern(hashKeys.bytes + start, length);
        if (hashKeyIndex == knownHashKeys) size += LengthDelimitedSize(length);
      }
    }
    explicitHashKeyIndex_[i] = hashKeyIndex;

    if (!view.data.Get(i, &start, &length)) return kPackedChanged;
    data_[i] = Span{view.data.bytes + start, length};
    size += LengthDelimitedSize(RecordBodySize(index, hashKeyIndex, length));
  }
  protobufSize_ = size;
  return nullptr;
}

void AggregatePlanner::Write(uint8_t* out) const {
  uint8_t* const protobuf = out + kAggregateMagicSize;
  uint8_t* p = WriteUndigested(out);
  Md5Digest(protobuf, static_cast<size_t>(p - protobuf), p);
}

uint8_t* AggregatePlanner::WriteUndigested(uint8_t* out) const {
  std::memcpy(out, kMagic, kAggregateMagicSize);
  uint8_t* const protobuf = out + kAggregateMagicSize;
  uint8_t* p = protobuf;
  p = WriteTable(p, kTagPartitionKeyTable, partitionKeyTable_.entries());
  p = WriteTable(p, kTagExplicitHashKeyTable, explicitHashKeyTable_.entries());

  const size_t count = data_.size();
  for (size_t i = 0; i < count; i++) {
    uint32_t index = partitionKeyIndex_[i];
    uint32_t hashKeyIndex = explicitHashKeyIndex_[i];
    const Span& data = data_[i];
    *p++ = kTagRecords;
    p = WriteVarint(p, RecordBodySize(index, hashKeyIndex, data.length));
    *p++ = kTagPartitionKeyIndex;
    p = WriteVarint(p, index);
    if (hashKeyIndex != kNoKey) {
      *p++ = kTagExplicitHashKeyIndex;
      p = WriteVarint(p, hashKeyIndex);
    }
    *p++ = kTagData;
    p = WriteVarint(p, data.length);
    if (data.length > 0) std::memcpy(p, data.data, data.length);
    p += data.length;
  }
  return p;
}

}  // namespace shardline
