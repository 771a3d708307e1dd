// Declares only the first push constant, num_iterations (a prefix of the
// convention): out[i] = i + 7 for i below it.
#version 450
layout(local_size_x = 16) in;
layout(set = 0, binding = 0) writeonly buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint num_iterations; } params;
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i < params.num_iterations) o[i] = i + 7u;
}
