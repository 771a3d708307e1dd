// stencil_kernel.comp: GLSL twin of stencil_kernel.c, one grid point per
// invocation (points outside the interior do nothing).
#version 450
layout(local_size_x = 64) in;

const uint kRadius = 2u;

layout(std430, set = 0, binding = 0) readonly buffer Params { uint n; } params;
layout(std430, set = 0, binding = 1) readonly buffer BufIn { double grid_in[]; };
layout(std430, set = 0, binding = 2) buffer BufOut { double grid_out[]; };

layout(push_constant) uniform Dispatch {
  uint num_iterations;
  uint block_size;
  uint base_invocation;  // wpvm: first invocation of this dispatch (launches split past the workgroup limit)
} dispatch;

void main() {
  uint e = gl_GlobalInvocationID.x + dispatch.base_invocation;
  uint n = params.n;
  if (e >= dispatch.num_iterations * dispatch.block_size || e >= n * n) return;
  uint i = e / n, j = e % n;
  if (i < kRadius || i >= n - kRadius || j < kRadius || j >= n - kRadius) return;
  double sum = 0.0lf;
  for (uint k = 1u; k <= kRadius; ++k) {
    double w = 1.0lf / (2.0lf * double(k) * double(kRadius));
    sum += w * (grid_in[(i + k) * n + j] - grid_in[(i - k) * n + j]);
    sum += w * (grid_in[i * n + j + k] - grid_in[i * n + j - k]);
  }
  grid_out[e] += sum;
}
