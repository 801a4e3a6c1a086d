#include "allocator.h"

#include <climits>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace shardline {

bool RetainFreedMemory(size_t trimThreshold) {
#if defined(__GLIBC__)
  if (trimThreshold > static_cast<size_t>(INT_MAX)) return false;
  // Setting either value turns off glibc's own adjustment of both, so both are set: with only the trim
  // threshold, every block of 128 KiB or more would get a mapping of its own again, unmapped on free.
  if (mallopt(M_MMAP_THRESHOLD, static_cast<int>(kHeapBlockCeiling)) != 1) return false;
  return mallopt(M_TRIM_THRESHOLD, static_cast<int>(trimThreshold)) == 1;
#else
  (void)trimThreshold;
  return false;
#endif
}

}  // namespace shardline
