// Uses 64-bit floats and integers (capabilities Float64 and Int64), as a
// kernel translated from Wasm f64/i64 code would: d = x * 0.5, q = y * 3 + 2^40.
#version 450
#extension GL_ARB_gpu_shader_int64 : require
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer X { double x[]; };
layout(set = 0, binding = 1) readonly buffer Y { uint64_t y[]; };
layout(set = 0, binding = 2) writeonly buffer D { double d[]; };
layout(set = 0, binding = 3) writeonly buffer Q { uint64_t q[]; };
layout(push_constant) uniform Params { uint num_iterations; uint block_size; } params;
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= params.num_iterations * params.block_size) return;
  d[i] = x[i] * 0.5lf;
  q[i] = y[i] * 3ul + (1ul << 40);
}
