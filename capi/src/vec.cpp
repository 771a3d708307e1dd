// Byte vectors (and so names and messages).
#include "vec.h"

namespace {

void copy_byte(wasm_byte_t* out, const wasm_byte_t* in) { *out = *in; }
void delete_byte(wasm_byte_t*) {}

}  // namespace

CAPI_DEFINE_VEC(byte, copy_byte, delete_byte)
