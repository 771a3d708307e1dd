// sparse_fill_kernel.comp: GLSL twin of sparse_fill_kernel.c.
#version 450
layout(local_size_x = 64) in;

layout(std430, set = 0, binding = 0) buffer BufVector { double vector_[]; };

layout(push_constant) uniform Dispatch {
  uint num_iterations;
  uint block_size;
  uint base_invocation;  // wpvm: first invocation of this dispatch (launches split past the workgroup limit)
} dispatch;

void main() {
  uint r = gl_GlobalInvocationID.x + dispatch.base_invocation;
  if (r >= dispatch.num_iterations * dispatch.block_size || r >= uint(vector_.length())) return;
  vector_[r] += double(r) + 1.0lf;
}
