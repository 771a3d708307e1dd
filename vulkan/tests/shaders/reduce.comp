// Sum reduction with one partial per workgroup: partials[g] = sum of the
// group's 64 elements (elements past the total count as 0).
#version 450
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer Data { uint data[]; };
layout(set = 0, binding = 1) writeonly buffer Partials { uint partials[]; };
layout(push_constant) uniform Params { uint num_iterations; uint block_size; } params;
shared uint scratch[64];
void main() {
  uint i = gl_GlobalInvocationID.x;
  uint l = gl_LocalInvocationID.x;
  scratch[l] = i < params.num_iterations * params.block_size ? data[i] : 0u;
  barrier();
  for (uint stride = 32u; stride > 0u; stride >>= 1) {
    if (l < stride) scratch[l] += scratch[l + stride];
    barrier();
  }
  if (l == 0u) partials[gl_WorkGroupID.x] = scratch[0];
}
