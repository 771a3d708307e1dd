// stencil_add_kernel.comp: GLSL twin of stencil_add_kernel.c.
#version 450
layout(local_size_x = 64) in;

layout(std430, set = 0, binding = 0) buffer BufIn { double grid_in[]; };

layout(push_constant) uniform Dispatch {
  uint num_iterations;
  uint block_size;
  uint base_invocation;  // wpvm: first invocation of this dispatch (launches split past the workgroup limit)
} dispatch;

void main() {
  uint e = gl_GlobalInvocationID.x + dispatch.base_invocation;
  if (e >= dispatch.num_iterations * dispatch.block_size || e >= uint(grid_in.length())) return;
  grid_in[e] += 1.0lf;
}
