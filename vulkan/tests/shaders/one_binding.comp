// Declares a single buffer: a caller with more buffers must be rejected.
#version 450
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) buffer A { uint a[]; };
layout(push_constant) uniform Params { uint num_iterations; uint block_size; } params;
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i < params.num_iterations * params.block_size) a[i] += 1u;
}
