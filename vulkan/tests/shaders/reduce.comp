// Sum reduction with one partial per workgroup: partials[g] = sum of group
// g's 64 elements (elements past the total count as 0). Takes
// base_invocation, so a split launch still numbers its groups globally.
#version 450
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer Data { uint data[]; };
layout(set = 0, binding = 1) writeonly buffer Partials { uint partials[]; };
layout(push_constant) uniform Params { uint num_iterations; uint block_size; uint base_invocation; } params;
shared uint scratch[64];
void main() {
  uint i = gl_GlobalInvocationID.x + params.base_invocation;
  uint l = gl_LocalInvocationID.x;
  scratch[l] = i < params.num_iterations * params.block_size ? data[i] : 0u;
  barrier();
  for (uint stride = 32u; stride > 0u; stride >>= 1) {
    if (l < stride) scratch[l] += scratch[l + stride];
    barrier();
  }
  if (l == 0u) partials[params.base_invocation / 64u + gl_WorkGroupID.x] = scratch[0];
}
