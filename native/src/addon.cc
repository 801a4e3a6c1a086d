// N-API surface of shardline_native. Every entry point validates its arguments completely before
// touching memory: a malformed call throws a JS exception and can never crash the process.
#include <napi.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "aggregate.h"
#include "allocator.h"
#include "args.h"
#include "base64.h"
#include "md5.h"
#include "packed.h"
#include "shard-lookup.h"

namespace shardline {

namespace {

// Bumped whenever an exported function's signature or semantics change, so the loader can reject a
// stale prebuild instead of calling it with the wrong arguments.
constexpr uint32_t kBindingAbi = 4;

std::string Prefixed(const char* function, const char* message) {
  return std::string(function) + ": " + message;
}

}  // namespace

// One instance per JS environment (main thread, each worker), holding scratch memory reused across
// calls so steady-state encoding allocates nothing.
class ShardlineNative : public Napi::Addon<ShardlineNative> {
 public:
  ShardlineNative(Napi::Env env, Napi::Object exports) {
    DefineAddon(exports, {
                             InstanceMethod("hashPackedKeys", &ShardlineNative::HashPackedKeys),
                             InstanceMethod("hashMessages", &ShardlineNative::HashMessages),
                             InstanceMethod("hashRanges", &ShardlineNative::HashRanges),
                             InstanceMethod("aggregateSize", &ShardlineNative::AggregateSize),
                             InstanceMethod("encodeAggregate", &ShardlineNative::EncodeAggregate),
                             InstanceMethod("encodeAggregates", &ShardlineNative::EncodeAggregates),
                             InstanceMethod("lookupShards", &ShardlineNative::LookupShards),
                             InstanceMethod("base64Encode", &ShardlineNative::Base64EncodeInto),
                             InstanceMethod("base64Decode", &ShardlineNative::Base64DecodeInto),
                             InstanceMethod("retainFreedMemory", &ShardlineNative::RetainFreedMemoryCall),
                             InstanceValue("abi", Napi::Number::New(env, kBindingAbi), napi_enumerable),
                         });
  }

 private:
  // hashPackedKeys(bytes: Uint8Array, offsets: Uint32Array, count: number, out: Uint8Array): undefined
  Napi::Value HashPackedKeys(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    PackedView keys;
    uint32_t count = 0;
    uint8_t* out = nullptr;
    size_t outLength = 0;
    if (!ReadPacked(info, 0, "keys", &keys) || !ReadUint32(info, 2, "count", &count) ||
        !ReadBytes(info, 3, "out", &out, &outLength)) {
      return env.Undefined();
    }
    if (const char* error = CheckPacked(keys, count)) {
      ThrowRange(env, Prefixed("hashPackedKeys", error).c_str());
      return env.Undefined();
    }
    if (outLength / kMd5DigestSize < count) {
      ThrowRange(env, "hashPackedKeys: out must hold 16 bytes per key");
      return env.Undefined();
    }
    // Keys go to Md5DigestMany in groups so independent keys share SIMD lanes.
    constexpr uint32_t kGroup = 64;
    const uint8_t* groupData[kGroup];
    size_t groupLength[kGroup];
    uint8_t* groupOut[kGroup];
    for (uint32_t first = 0; first < count; first += kGroup) {
      uint32_t n = count - first < kGroup ? count - first : kGroup;
      for (uint32_t j = 0; j < n; j++) {
        uint32_t start = 0;
        uint32_t length = 0;
        if (!keys.Get(first + j, &start, &length)) {
          // As before grouping: every key ahead of the bad one is hashed when the call throws.
          Md5DigestMany(groupData, groupLength, groupOut, j);
          ThrowRange(env, Prefixed("hashPackedKeys", kPackedChanged).c_str());
          return env.Undefined();
        }
        groupData[j] = keys.bytes + start;
        groupLength[j] = length;
        groupOut[j] = out + kMd5DigestSize * static_cast<size_t>(first + j);
      }
      Md5DigestMany(groupData, groupLength, groupOut, n);
    }
    return env.Undefined();
  }

  // hashMessages(messages: Uint8Array[], out: Uint8Array): undefined
  // Every entry is checked before any is hashed; no JS runs during the call, so the views stay valid.
  Napi::Value HashMessages(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsArray()) {
      ThrowType(env, "hashMessages: messages must be an array of Uint8Array");
      return env.Undefined();
    }
    Napi::Array messages = info[0].As<Napi::Array>();
    uint8_t* out = nullptr;
    size_t outLength = 0;
    if (!ReadBytes(info, 1, "out", &out, &outLength)) return env.Undefined();
    uint32_t count = messages.Length();
    if (outLength / kMd5DigestSize < count) {
      ThrowRange(env, "hashMessages: out must hold 16 bytes per message");
      return env.Undefined();
    }
    messageJobs_.resize(count);
    for (uint32_t i = 0; i < count; i++) {
      Napi::Value entry = messages.Get(i);
      if (env.IsExceptionPending()) return env.Undefined();
      if (!entry.IsTypedArray() || entry.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
        ThrowType(env, "hashMessages: every message must be a Uint8Array");
        return env.Undefined();
      }
      Napi::Uint8Array bytes = entry.As<Napi::Uint8Array>();
      messageJobs_[i] = {bytes.Data(), bytes.ByteLength(), out + kMd5DigestSize * static_cast<size_t>(i)};
    }
    // SIMD lanes run in lockstep until the longest message of their group ends: grouping messages of
    // similar length keeps lanes busy.
    std::sort(messageJobs_.begin(), messageJobs_.end(),
              [](const MessageJob& a, const MessageJob& b) { return a.length > b.length; });
    digestData_.resize(count);
    digestLength_.resize(count);
    digestOut_.resize(count);
    for (uint32_t i = 0; i < count; i++) {
      digestData_[i] = messageJobs_[i].data;
      digestLength_[i] = messageJobs_[i].length;
      digestOut_[i] = messageJobs_[i].out;
    }
    Md5DigestMany(digestData_.data(), digestLength_.data(), digestOut_.data(), count);
    return env.Undefined();
  }

  // hashRanges(bytes: Uint8Array, starts: Uint32Array, ends: Uint32Array, count, out: Uint8Array): undefined
  Napi::Value HashRanges(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    uint8_t* bytes = nullptr;
    size_t bytesLength = 0;
    uint32_t* starts = nullptr;
    size_t startsLength = 0;
    uint32_t* ends = nullptr;
    size_t endsLength = 0;
    uint32_t count = 0;
    uint8_t* out = nullptr;
    size_t outLength = 0;
    if (!ReadBytes(info, 0, "bytes", &bytes, &bytesLength) || !ReadUint32s(info, 1, "starts", &starts, &startsLength) ||
        !ReadUint32s(info, 2, "ends", &ends, &endsLength) || !ReadUint32(info, 3, "count", &count) ||
        !ReadBytes(info, 4, "out", &out, &outLength)) {
      return env.Undefined();
    }
    if (startsLength < count || endsLength < count) {
      ThrowRange(env, "hashRanges: starts and ends must hold count entries");
      return env.Undefined();
    }
    if (outLength / kMd5DigestSize < count) {
      ThrowRange(env, "hashRanges: out must hold 16 bytes per range");
      return env.Undefined();
    }
    digestData_.resize(count);
    digestLength_.resize(count);
    digestOut_.resize(count);
    for (uint32_t i = 0; i < count; i++) {
      // Each bound is read once: the arrays may be shared memory that changes under us.
      uint32_t start = starts[i];
      uint32_t end = ends[i];
      if (start > end || end > bytesLength) {
        ThrowRange(env, "hashRanges: a range lies outside bytes");
        return env.Undefined();
      }
      digestData_[i] = bytes + start;
      digestLength_[i] = end - start;
      digestOut_[i] = out + kMd5DigestSize * static_cast<size_t>(i);
    }
    Md5DigestMany(digestData_.data(), digestLength_.data(), digestOut_.data(), count);
    return env.Undefined();
  }

  // aggregateSize(pkBytes, pkOffsets, ehkBytes | null, ehkOffsets | null, data, dataOffsets, count): number
  Napi::Value AggregateSize(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    AggregateView view;
    if (!ReadAggregate(info, "aggregateSize", &view)) return env.Undefined();
    return Napi::Number::New(env, static_cast<double>(planner_.TotalSize()));
  }

  // encodeAggregate(pkBytes, pkOffsets, ehkBytes | null, ehkOffsets | null, data, dataOffsets, count,
  //                 out: Uint8Array, offset: number): number of bytes written
  Napi::Value EncodeAggregate(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    uint8_t* out = nullptr;
    size_t outLength = 0;
    size_t offset = 0;
    // Arguments first, so a bad `out` fails before the (comparatively costly) planning pass.
    if (!ReadBytes(info, 7, "out", &out, &outLength) || !ReadIndex(info, 8, "offset", &offset)) {
      return env.Undefined();
    }
    if (offset > outLength) {
      ThrowRange(env, "encodeAggregate: offset is past the end of out");
      return env.Undefined();
    }
    AggregateView view;
    if (!ReadAggregate(info, "encodeAggregate", &view)) return env.Undefined();
    uint64_t size = planner_.TotalSize();
    if (size > outLength - offset) {
      ThrowRange(env, "encodeAggregate: out is too small for the aggregated record");
      return env.Undefined();
    }
    planner_.Write(out + offset);
    return Napi::Number::New(env, static_cast<double>(size));
  }

  // encodeAggregates(pkBytes, pkOffsets, ehkBytes | null, ehkOffsets | null, data, dataOffsets,
  //                  bounds: Uint32Array, aggregateCount, out: Uint8Array, offset, sizes: Uint32Array): bytes
  // Aggregate j is records bounds[j] .. bounds[j + 1] - 1 of the packed columns, written back to back
  // from out[offset], its length stored in sizes[j]. Each aggregate is the bytes encodeAggregate writes
  // for it; the MD5 trailers are computed together at the end, several aggregates per SIMD pass.
  Napi::Value EncodeAggregates(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    uint32_t* bounds = nullptr;
    size_t boundsLength = 0;
    uint32_t aggregateCount = 0;
    uint8_t* out = nullptr;
    size_t outLength = 0;
    size_t offset = 0;
    uint32_t* sizes = nullptr;
    size_t sizesLength = 0;
    if (!ReadUint32s(info, 6, "bounds", &bounds, &boundsLength) ||
        !ReadUint32(info, 7, "aggregateCount", &aggregateCount) || !ReadBytes(info, 8, "out", &out, &outLength) ||
        !ReadIndex(info, 9, "offset", &offset) || !ReadUint32s(info, 10, "sizes", &sizes, &sizesLength)) {
      return env.Undefined();
    }
    if (boundsLength < static_cast<size_t>(aggregateCount) + 1) {
      ThrowRange(env, "encodeAggregates: bounds must hold aggregateCount + 1 entries");
      return env.Undefined();
    }
    if (sizesLength < aggregateCount) {
      ThrowRange(env, "encodeAggregates: sizes must hold one entry per aggregate");
      return env.Undefined();
    }
    if (offset > outLength) {
      ThrowRange(env, "encodeAggregates: offset is past the end of out");
      return env.Undefined();
    }
    AggregateView all;
    if (!ReadPacked(info, 0, "partition keys", &all.partitionKeys)) return env.Undefined();
    Napi::Value hashKeys = info[2];
    all.hasExplicitHashKeys = !hashKeys.IsUndefined() && !hashKeys.IsNull();
    if (all.hasExplicitHashKeys && !ReadPacked(info, 2, "explicit hash keys", &all.explicitHashKeys)) {
      return env.Undefined();
    }
    if (!ReadPacked(info, 4, "data", &all.data)) return env.Undefined();
    digestData_.resize(aggregateCount);
    digestLength_.resize(aggregateCount);
    digestOut_.resize(aggregateCount);
    size_t at = offset;
    for (uint32_t j = 0; j < aggregateCount; j++) {
      // Each bound is read once: the array may be shared memory that changes under us.
      uint32_t from = bounds[j];
      uint32_t to = bounds[j + 1];
      if (to < from) {
        ThrowRange(env, "encodeAggregates: bounds must never decrease");
        return env.Undefined();
      }
      AggregateView view;
      view.count = to - from;
      view.hasExplicitHashKeys = all.hasExplicitHashKeys;
      // A sub-view starts at offsets[from]; a `from` past an offsets array leaves that view empty, which
      // Plan's CheckPacked then refuses (it needs count + 1 entries).
      view.partitionKeys = Slice(all.partitionKeys, from);
      if (all.hasExplicitHashKeys) view.explicitHashKeys = Slice(all.explicitHashKeys, from);
      view.data = Slice(all.data, from);
      if (const char* error = planner_.Plan(view)) {
        ThrowRange(env, Prefixed("encodeAggregates", error).c_str());
        return env.Undefined();
      }
      uint64_t size = planner_.TotalSize();
      if (size > outLength - at || size > 0xffffffffULL) {
        ThrowRange(env, "encodeAggregates: out is too small for the aggregated records");
        return env.Undefined();
      }
      uint8_t* digest = planner_.WriteUndigested(out + at);
      digestData_[j] = out + at + kAggregateMagicSize;
      digestLength_[j] = static_cast<size_t>(digest - digestData_[j]);
      digestOut_[j] = digest;
      sizes[j] = static_cast<uint32_t>(size);
      at += static_cast<size_t>(size);
    }
    Md5DigestMany(digestData_.data(), digestLength_.data(), digestOut_.data(), aggregateCount);
    return Napi::Number::New(env, static_cast<double>(at - offset));
  }

  static PackedView Slice(const PackedView& view, uint32_t from) {
    PackedView slice;
    slice.bytes = view.bytes;
    slice.bytesLength = view.bytesLength;
    if (from < view.offsetsLength) {
      slice.offsets = view.offsets + from;
      slice.offsetsLength = view.offsetsLength - from;
    } else {
      slice.offsets = view.offsets;
      slice.offsetsLength = 0;
    }
    return slice;
  }

  // lookupShards(hashes: Uint8Array, count, ends: Uint8Array, shardCount, out: Uint32Array): undefined
  Napi::Value LookupShards(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    uint8_t* hashes = nullptr;
    size_t hashesLength = 0;
    uint32_t count = 0;
    uint8_t* ends = nullptr;
    size_t endsLength = 0;
    uint32_t shardCount = 0;
    uint32_t* out = nullptr;
    size_t outLength = 0;
    if (!ReadBytes(info, 0, "hashes", &hashes, &hashesLength) || !ReadUint32(info, 1, "count", &count) ||
        !ReadBytes(info, 2, "ends", &ends, &endsLength) || !ReadUint32(info, 3, "shardCount", &shardCount) ||
        !ReadUint32s(info, 4, "out", &out, &outLength)) {
      return env.Undefined();
    }
    if (hashesLength / 16 < count) {
      ThrowRange(env, "lookupShards: hashes must hold 16 bytes per key");
    } else if (endsLength / 16 < shardCount) {
      ThrowRange(env, "lookupShards: ends must hold 16 bytes per shard");
    } else if (outLength < count) {
      ThrowRange(env, "lookupShards: out must hold one entry per key");
    } else {
      lookup_.Run(hashes, count, ends, shardCount, out);
    }
    return env.Undefined();
  }

  // The arguments base64Encode and base64Decode share: (src, srcOffset, length, out, outOffset).
  struct ByteRanges {
    const uint8_t* src = nullptr;
    size_t length = 0;
    uint8_t* out = nullptr;
    size_t outRoom = 0;
  };

  // Reads them and checks the source range; `outRoom` is what `out` holds from `outOffset` on.
  static bool ReadByteRanges(const Napi::CallbackInfo& info, const char* function, ByteRanges* ranges) {
    uint8_t* src = nullptr;
    size_t srcLength = 0;
    size_t srcOffset = 0;
    uint8_t* out = nullptr;
    size_t outLength = 0;
    size_t outOffset = 0;
    if (!ReadBytes(info, 0, "src", &src, &srcLength) || !ReadIndex(info, 1, "srcOffset", &srcOffset) ||
        !ReadIndex(info, 2, "length", &ranges->length) || !ReadBytes(info, 3, "out", &out, &outLength) ||
        !ReadIndex(info, 4, "outOffset", &outOffset)) {
      return false;
    }
    if (srcOffset > srcLength || ranges->length > srcLength - srcOffset) {
      return ThrowRange(info.Env(), Prefixed(function, "srcOffset + length is past the end of src").c_str());
    }
    if (outOffset > outLength) {
      return ThrowRange(info.Env(), Prefixed(function, "outOffset is past the end of out").c_str());
    }
    ranges->src = src + srcOffset;
    ranges->out = out + outOffset;
    ranges->outRoom = outLength - outOffset;
    return true;
  }

  // base64Encode(src: Uint8Array, srcOffset, length, out: Uint8Array, outOffset): characters written
  Napi::Value Base64EncodeInto(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    ByteRanges r;
    if (!ReadByteRanges(info, "base64Encode", &r)) return env.Undefined();
    uint64_t written = Base64Length(r.length);
    if (written > r.outRoom) {
      ThrowRange(env, "base64Encode: out is too small for the encoded bytes");
      return env.Undefined();
    }
    Base64Encode(r.src, r.length, r.out);
    return Napi::Number::New(env, static_cast<double>(written));
  }

  // base64Decode(src: Uint8Array, srcOffset, length, out: Uint8Array, outOffset): bytes written, or -1
  // when the text is not canonical standard base64
  Napi::Value Base64DecodeInto(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    ByteRanges r;
    if (!ReadByteRanges(info, "base64Decode", &r)) return env.Undefined();
    uint64_t decoded = Base64DecodedLength(r.src, r.length);
    if (decoded > r.outRoom) {
      ThrowRange(env, "base64Decode: out is too small for the decoded bytes");
      return env.Undefined();
    }
    // A target sharing memory with the text could overwrite characters before they are read.
    if (decoded > 0 && r.out < r.src + r.length && r.src < r.out + decoded) {
      ThrowRange(env, "base64Decode: src and out overlap");
      return env.Undefined();
    }
    return Napi::Number::New(env, static_cast<double>(Base64Decode(r.src, r.length, r.out)));
  }

  // retainFreedMemory(trimThreshold: number): boolean, whether the allocator took the settings
  Napi::Value RetainFreedMemoryCall(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    size_t trimThreshold = 0;
    if (!ReadIndex(info, 0, "trimThreshold", &trimThreshold)) return env.Undefined();
    return Napi::Boolean::New(env, RetainFreedMemory(trimThreshold));
  }

  bool ReadAggregate(const Napi::CallbackInfo& info, const char* function, AggregateView* view) {
    Napi::Env env = info.Env();
    if (!ReadPacked(info, 0, "partition keys", &view->partitionKeys)) return false;
    Napi::Value hashKeys = info[2];
    view->hasExplicitHashKeys = !hashKeys.IsUndefined() && !hashKeys.IsNull();
    if (view->hasExplicitHashKeys && !ReadPacked(info, 2, "explicit hash keys", &view->explicitHashKeys)) return false;
    if (!ReadPacked(info, 4, "data", &view->data)) return false;
    if (!ReadUint32(info, 6, "count", &view->count)) return false;
    if (const char* error = planner_.Plan(*view)) return ThrowRange(env, Prefixed(function, error).c_str());
    return true;
  }

  AggregatePlanner planner_;
  ShardLookup lookup_;
  struct MessageJob {
    const uint8_t* data;
    size_t length;
    uint8_t* out;
  };
  std::vector<MessageJob> messageJobs_;
  // encodeAggregates' and hashMessages' digest jobs, kept across calls so their capacity is reused.
  std::vector<const uint8_t*> digestData_;
  std::vector<size_t> digestLength_;
  std::vector<uint8_t*> digestOut_;
};

}  // namespace shardline

// The registration macro pastes its argument into an identifier, so it needs an unqualified name.
using ShardlineNativeAddon = shardline::ShardlineNative;
NODE_API_ADDON(ShardlineNativeAddon)
