// Deduplicates byte strings (partition keys, explicit hash keys) without copying them: entries point
// into the caller's packed buffer, which outlives one encode call.
#ifndef SHARDLINE_NATIVE_SPAN_TABLE_H_
#define SHARDLINE_NATIVE_SPAN_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace shardline {

struct Span {
  const uint8_t* data;
  uint32_t length;
};

class SpanTable {
 public:
  // Empties the table and sizes it for up to `expected` distinct spans. Capacity is kept across calls,
  // so a steady stream of same-sized aggregates allocates nothing.
  void Reset(size_t expected);

  // Index of `span` in first-appearance order, adding it when new.
  uint32_t Intern(const uint8_t* data, uint32_t length);

  const std::vector<Span>& entries() const { return entries_; }

 private:
  std::vector<Span> entries_;
  std::vector<uint64_t> hashes_;
  // Open addressing with linear probing; a slot holds entry index + 1, zero means empty.
  std::vector<uint32_t> slots_;
  size_t mask_ = 0;
};

}  // namespace shardline

#endif  // SHARDLINE_NATIVE_SPAN_TABLE_H_
