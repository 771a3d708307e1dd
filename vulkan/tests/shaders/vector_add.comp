// c = a + b over uint elements: buffers a, b (in) and c (out).
#version 450
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) readonly buffer A { uint a[]; };
layout(set = 0, binding = 1) readonly buffer B { uint b[]; };
layout(set = 0, binding = 2) writeonly buffer C { uint c[]; };
layout(push_constant) uniform Params { uint num_iterations; uint block_size; } params;
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= params.num_iterations * params.block_size) return;
  c[i] = a[i] + b[i];
}
