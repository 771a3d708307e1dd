// y = 2 * x with one invocation per workgroup, so that a modest launch
// needs many workgroups; takes base_invocation, so the host may split it.
#version 450
layout(local_size_x = 1) in;
layout(set = 0, binding = 0) readonly buffer X { uint x[]; };
layout(set = 0, binding = 1) buffer Y { uint y[]; };
layout(push_constant) uniform Params { uint num_iterations; uint block_size; uint base_invocation; } params;
void main() {
  uint i = gl_GlobalInvocationID.x + params.base_invocation;
  if (i >= params.num_iterations * params.block_size) return;
  y[i] = 2u * x[i];
}
