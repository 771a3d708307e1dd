// A 2-D workgroup: every element would be handled by several invocations.
#version 450
layout(local_size_x = 8, local_size_y = 8) in;
layout(set = 0, binding = 0) buffer A { uint a[]; };
layout(push_constant) uniform Params { uint num_iterations; uint block_size; } params;
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i < params.num_iterations * params.block_size) a[i] = i;
}
