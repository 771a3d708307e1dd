// nstream-like triad, in place: a += b + 3 * c (floats with exact results).
#version 450
layout(local_size_x = 32) in;
layout(set = 0, binding = 0) readonly buffer B { float b[]; };
layout(set = 0, binding = 1) readonly buffer C { float c[]; };
layout(set = 0, binding = 2) buffer A { float a[]; };
layout(push_constant) uniform Params { uint num_iterations; uint block_size; } params;
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= params.num_iterations * params.block_size) return;
  a[i] += b[i] + 3.0 * c[i];
}
