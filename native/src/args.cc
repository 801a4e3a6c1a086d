#include "args.h"

#include <cmath>
#include <string>

namespace shardline {

namespace {

bool ReadTypedArray(const Napi::CallbackInfo& info, size_t index, const char* name, napi_typedarray_type wanted,
                    const char* wantedName, void** data, size_t* length) {
  napi_env env = info.Env();
  napi_value value = info[index];
  bool isTypedArray = false;
  napi_typedarray_type type = napi_int8_array;
  size_t elements = 0;
  void* pointer = nullptr;
  if (napi_is_typedarray(env, value, &isTypedArray) != napi_ok || !isTypedArray ||
      napi_get_typedarray_info(env, value, &type, &elements, &pointer, nullptr, nullptr) != napi_ok ||
      type != wanted) {
    std::string message = std::string(name) + " must be a " + wantedName;
    return ThrowType(info.Env(), message.c_str());
  }
  // A detached or empty array may report a null pointer; callers never dereference it when length is 0.
  *data = pointer;
  *length = pointer == nullptr ? 0 : elements;
  return true;
}

bool ReadInteger(const Napi::CallbackInfo& info, size_t index, const char* name, double max, double* value) {
  Napi::Value arg = info[index];
  if (!arg.IsNumber()) {
    std::string message = std::string(name) + " must be a number";
    return ThrowType(info.Env(), message.c_str());
  }
  double number = arg.As<Napi::Number>().DoubleValue();
  if (!(number >= 0) || number > max || std::floor(number) != number) {
    std::string message = std::string(name) + " must be a non-negative integer in range";
    return ThrowRange(info.Env(), message.c_str());
  }
  *value = number;
  return true;
}

}  // namespace

bool ThrowType(Napi::Env env, const char* message) {
  Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
  return false;
}

bool ThrowRange(Napi::Env env, const char* message) {
  Napi::RangeError::New(env, message).ThrowAsJavaScriptException();
  return false;
}

bool ReadBytes(const Napi::CallbackInfo& info, size_t index, const char* name, uint8_t** data, size_t* length) {
  void* pointer = nullptr;
  if (!ReadTypedArray(info, index, name, napi_uint8_array, "Uint8Array", &pointer, length)) return false;
  *data = static_cast<uint8_t*>(pointer);
  return true;
}

bool ReadUint32s(const Napi::CallbackInfo& info, size_t index, const char* name, uint32_t** data, size_t* length) {
  void* pointer = nullptr;
  if (!ReadTypedArray(info, index, name, napi_uint32_array, "Uint32Array", &pointer, length)) return false;
  *data = static_cast<uint32_t*>(pointer);
  return true;
}

bool ReadUint32(const Napi::CallbackInfo& info, size_t index, const char* name, uint32_t* value) {
  double number = 0;
  if (!ReadInteger(info, index, name, 4294967295.0, &number)) return false;
  *value = static_cast<uint32_t>(number);
  return true;
}

bool ReadIndex(const Napi::CallbackInfo& info, size_t index, const char* name, size_t* value) {
  double number = 0;
  if (!ReadInteger(info, index, name, 9007199254740991.0, &number)) return false;
  *value = static_cast<size_t>(number);
  return true;
}

bool ReadPacked(const Napi::CallbackInfo& info, size_t index, const char* name, PackedView* view) {
  std::string bytesName = std::string(name) + " bytes";
  std::string offsetsName = std::string(name) + " offsets";
  uint8_t* bytes = nullptr;
  uint32_t* offsets = nullptr;
  if (!ReadBytes(info, index, bytesName.c_str(), &bytes, &view->bytesLength)) return false;
  if (!ReadUint32s(info, index + 1, offsetsName.c_str(), &offsets, &view->offsetsLength)) return false;
  view->bytes = bytes;
  view->offsets = offsets;
  return true;
}

}  // namespace shardline
