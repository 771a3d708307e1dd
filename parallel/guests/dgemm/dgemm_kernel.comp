// dgemm_kernel.comp: GLSL twin of dgemm_kernel.c, one element of C per
// invocation.
#version 450
layout(local_size_x = 64) in;

layout(std430, set = 0, binding = 0) readonly buffer Params { uint order; } params;
layout(std430, set = 0, binding = 1) readonly buffer BufA { double a[]; };
layout(std430, set = 0, binding = 2) readonly buffer BufB { double b[]; };
layout(std430, set = 0, binding = 3) buffer BufC { double c[]; };

layout(push_constant) uniform Dispatch {
  uint num_iterations;
  uint block_size;
  uint base_invocation;  // wpvm: first invocation of this dispatch (launches split past the workgroup limit)
} dispatch;

void main() {
  uint e = gl_GlobalInvocationID.x + dispatch.base_invocation;
  uint n = params.order;
  if (e >= dispatch.num_iterations * dispatch.block_size || e >= n * n) return;
  uint i = e / n, j = e % n;
  double sum = 0.0lf;
  for (uint k = 0u; k < n; ++k) sum += a[i * n + k] * b[k * n + j];
  c[e] += sum;
}
