// nstream.comp: GLSL twin of nstream_kernel.c, one element per invocation.
#version 450
layout(local_size_x = 64) in;

layout(std430, set = 0, binding = 0) readonly buffer BufB { double b[]; };
layout(std430, set = 0, binding = 1) readonly buffer BufC { double c[]; };
layout(std430, set = 0, binding = 2) buffer BufA { double a[]; };

layout(push_constant) uniform Dispatch {
  uint num_iterations;
  uint block_size;
  uint base_invocation;  // wpvm: first invocation of this dispatch (launches split past the workgroup limit)
} dispatch;

void main() {
  uint i = gl_GlobalInvocationID.x + dispatch.base_invocation;
  if (i >= dispatch.num_iterations * dispatch.block_size || i >= uint(a.length())) return;
  a[i] += b[i] + 3.0lf * c[i];
}
