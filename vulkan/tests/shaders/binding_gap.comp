// Bindings 0 and 2: buffer i must be binding i, without gaps.
#version 450
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer A { uint a[]; };
layout(set = 0, binding = 2) writeonly buffer C { uint c[]; };
layout(push_constant) uniform Params { uint num_iterations; uint block_size; } params;
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i < params.num_iterations * params.block_size) c[i] = a[i];
}
