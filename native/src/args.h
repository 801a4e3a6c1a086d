// Reads N-API arguments in place (TypedArray memory is borrowed, never copied) and throws a JS
// TypeError/RangeError on anything malformed. Each reader returns false with the exception pending.
#ifndef SHARDLINE_NATIVE_ARGS_H_
#define SHARDLINE_NATIVE_ARGS_H_

#include <napi.h>

#include <cstddef>
#include <cstdint>

#include "packed.h"

namespace shardline {

bool ThrowType(Napi::Env env, const char* message);
bool ThrowRange(Napi::Env env, const char* message);

bool ReadBytes(const Napi::CallbackInfo& info, size_t index, const char* name, uint8_t** data, size_t* length);
bool ReadUint32s(const Napi::CallbackInfo& info, size_t index, const char* name, uint32_t** data, size_t* length);

// A JS number that is an integer in 0 .. 2^32 - 1.
bool ReadUint32(const Napi::CallbackInfo& info, size_t index, const char* name, uint32_t* value);

// A JS number that is an integer in 0 .. 2^53 - 1.
bool ReadIndex(const Napi::CallbackInfo& info, size_t index, const char* name, size_t* value);

// A (bytes: Uint8Array, offsets: Uint32Array) pair starting at argument `index`.
bool ReadPacked(const Napi::CallbackInfo& info, size_t index, const char* name, PackedView* view);

}  // namespace shardline

#endif  // SHARDLINE_NATIVE_ARGS_H_
