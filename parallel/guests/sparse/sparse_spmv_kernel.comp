// sparse_spmv_kernel.comp: GLSL twin of sparse_spmv_kernel.c, one row per
// invocation.
#version 450
layout(local_size_x = 64) in;

layout(std430, set = 0, binding = 0) readonly buffer BufMatrix { double matrix[]; };
layout(std430, set = 0, binding = 1) readonly buffer BufColIndex { uint col_index[]; };
layout(std430, set = 0, binding = 2) readonly buffer BufVector { double vector_[]; };
layout(std430, set = 0, binding = 3) buffer BufResult { double result[]; };

layout(push_constant) uniform Dispatch {
  uint num_iterations;
  uint block_size;
  uint base_invocation;  // wpvm: first invocation of this dispatch (launches split past the workgroup limit)
} dispatch;

void main() {
  uint r = gl_GlobalInvocationID.x + dispatch.base_invocation;
  uint rows = uint(vector_.length());
  if (r >= dispatch.num_iterations * dispatch.block_size || r >= rows) return;
  uint stencil_size = uint(matrix.length()) / rows;
  double temp = 0.0lf;
  for (uint e = r * stencil_size; e < (r + 1u) * stencil_size; ++e) {
    temp += matrix[e] * vector_[col_index[e]];
  }
  result[r] += temp;
}
