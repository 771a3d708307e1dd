// Push constants in the wrong shape (a float second member).
#version 450
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) buffer A { float a[]; };
layout(push_constant) uniform Params { uint num_iterations; float scale; } params;
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i < params.num_iterations) a[i] *= params.scale;
}
