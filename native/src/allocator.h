// Process-wide tuning of the C allocator for servers that receive and keep large amounts of data.
#ifndef SHARDLINE_NATIVE_ALLOCATOR_H_
#define SHARDLINE_NATIVE_ALLOCATOR_H_

#include <cstddef>

namespace shardline {

// Largest block glibc may still serve from its heap instead of a private mapping (its own ceiling on
// 64-bit systems).
constexpr size_t kHeapBlockCeiling = 32 * 1024 * 1024;

// Lets the allocator keep up to `trimThreshold` bytes of freed heap memory for reuse instead of
// returning it to the kernel, and serves blocks up to kHeapBlockCeiling from that heap. Returns false
// where the allocator has no such settings (non-glibc) or refuses them; nothing changes then.
bool RetainFreedMemory(size_t trimThreshold);

}  // namespace shardline

#endif  // SHARDLINE_NATIVE_ALLOCATOR_H_
