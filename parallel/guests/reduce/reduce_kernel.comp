// reduce_kernel.comp: GLSL twin of reduce_kernel.c, one element index per
// invocation.
#version 450
layout(local_size_x = 64) in;

layout(std430, set = 0, binding = 0) readonly buffer Params { uint vectors; uint length_; } params;
layout(std430, set = 0, binding = 1) buffer BufVec { double vec[]; };

layout(push_constant) uniform Dispatch {
  uint num_iterations;
  uint block_size;
  uint base_invocation;  // wpvm: first invocation of this dispatch (launches split past the workgroup limit)
} dispatch;

void main() {
  uint i = gl_GlobalInvocationID.x + dispatch.base_invocation;
  uint vectors = params.vectors, len = params.length_;
  if (i >= dispatch.num_iterations * dispatch.block_size || i >= len) return;
  for (uint p = 0u; p < vectors; ++p) {
    vec[2u * p * len + i] = double(p + 1u);
    vec[(2u * p + 1u) * len + i] = double(p + 1u + vectors);
    vec[2u * p * len + i] += vec[(2u * p + 1u) * len + i];
  }
  for (uint p = 1u; p < vectors; ++p) vec[i] += vec[2u * p * len + i];
}
