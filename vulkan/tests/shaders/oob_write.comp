// Stores far past the end of its first buffer (4 Mi elements on): with
// robustBufferAccess those stores stay inside that buffer or are dropped,
// and the second buffer, the host and the process are untouched.
#version 450
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) buffer Small { uint small[]; };
layout(set = 0, binding = 1) buffer Other { uint other[]; };
layout(push_constant) uniform Params { uint num_iterations; uint block_size; } params;
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= params.num_iterations * params.block_size) return;
  small[i + 4194304u] = 0xdeadbeefu;
  other[i] += 1u;
}
