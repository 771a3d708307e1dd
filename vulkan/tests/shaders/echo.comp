// Writes what an invocation sees: out[i] = i + 1000 * num_iterations +
// 100000 * block_size, for i below the total only.
#version 450
layout(local_size_x = 16) in;
layout(set = 0, binding = 0) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint num_iterations; uint block_size; } params;
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= params.num_iterations * params.block_size) return;
  o[i] = i + 1000u * params.num_iterations + 100000u * params.block_size;
}
