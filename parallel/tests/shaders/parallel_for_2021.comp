// GPU twin of prog2021.wat's kernel (table index 1), with a different value so
// a test can tell which device ran: word i = i * 10 + 7.
#version 450
layout(local_size_x = 32) in;
layout(std430, set = 0, binding = 0) buffer Out { uint v[]; };
layout(push_constant) uniform Dispatch {
  uint num_iterations;
  uint block_size;
} dispatch;

void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= dispatch.num_iterations * dispatch.block_size || i >= uint(v.length())) return;
  v[i] = i * 10u + 7u;
}
