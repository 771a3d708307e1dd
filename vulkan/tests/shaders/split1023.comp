// Workgroups of 1023 with base_invocation: counts how often each element
// runs (a plain increment: one invocation per element). A launch of 2^32 - 1 invocations rounds up past 2^32 here, where
// gl_GlobalInvocationID.x + base_invocation would wrap.
#version 450
layout(local_size_x = 1023) in;
layout(set = 0, binding = 0) buffer Counts { uint counts[]; };
layout(push_constant) uniform Params { uint num_iterations; uint block_size; uint base_invocation; } params;
void main() {
  uint i = gl_GlobalInvocationID.x + params.base_invocation;
  if (i < counts.length()) counts[i] += 1u;  // one invocation per element, unless IDs wrap
}
