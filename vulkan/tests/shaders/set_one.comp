// A buffer in descriptor set 1: kernels use set 0 only.
#version 450
layout(local_size_x = 64) in;
layout(set = 1, binding = 0) buffer A { uint a[]; };
layout(push_constant) uniform Params { uint num_iterations; uint block_size; } params;
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i < params.num_iterations * params.block_size) a[i] = i;
}
