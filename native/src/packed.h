// Views of the packed inputs JavaScript hands over: raw pointers into TypedArray memory, read in place.
#ifndef SHARDLINE_NATIVE_PACKED_H_
#define SHARDLINE_NATIVE_PACKED_H_

#include <cstddef>
#include <cstdint>

namespace shardline {

// String i is bytes[offsets[i] .. offsets[i + 1]).
struct PackedView {
  const uint8_t* bytes = nullptr;
  size_t bytesLength = 0;
  const uint32_t* offsets = nullptr;
  size_t offsetsLength = 0;

  // Reads string i's bounds once and checks them against `bytes`. CheckPacked has validated the whole
  // table already, but the memory may be a SharedArrayBuffer that another thread rewrites meanwhile:
  // only bounds read and checked here, then used as read, are safe to dereference.
  bool Get(uint32_t i, uint32_t* start, uint32_t* length) const {
    uint32_t from = offsets[i];
    uint32_t to = offsets[i + 1];
    if (to < from || to > bytesLength) return false;
    *start = from;
    *length = to - from;
    return true;
  }
};

// Checks that `count` strings fit: count + 1 offsets, never decreasing, the last within `bytes`.
// Returns nullptr when valid, else a static message naming what is wrong. Callers must still read
// each string through PackedView::Get, which guards against the table changing under them.
const char* CheckPacked(const PackedView& view, uint32_t count);

// The message for a string whose bounds changed after CheckPacked accepted them.
extern const char* const kPackedChanged;

}  // namespace shardline

#endif  // SHARDLINE_NATIVE_PACKED_H_
