#include "packed.h"

namespace shardline {

const char* const kPackedChanged = "offsets changed while being read (shared memory written concurrently?)";

const char* CheckPacked(const PackedView& view, uint32_t count) {
  if (view.offsetsLength < static_cast<size_t>(count) + 1) return "offsets must hold count + 1 entries";
  uint32_t previous = view.offsets[0];
  for (uint32_t i = 1; i <= count; i++) {
    uint32_t next = view.offsets[i];
    if (next < previous) return "offsets must never decrease";
    previous = next;
  }
  if (previous > view.bytesLength) return "offsets point past the end of the bytes";
  return nullptr;
}

}  // namespace shardline
