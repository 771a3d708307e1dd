// Workgroup variables of several shapes, laid out as Vulkan bounds them
// (standard storage buffer layout, one after another): vec3 a[10] takes 160
// bytes (stride 16), float b 4 more (164), struct { float x; vec2 y; } c is
// 8-aligned at 168 and 16 long: 184 bytes in all.
#version 450
layout(local_size_x = 16) in;
layout(set = 0, binding = 0) buffer Out { float o[]; };
layout(push_constant) uniform Params { uint num_iterations; uint block_size; } params;
struct S { float x; vec2 y; };
shared vec3 a[10];
shared float b;
shared S c;
void main() {
  uint l = gl_LocalInvocationID.x;
  if (l < 10u) a[l] = vec3(l);
  if (l == 0u) { b = 1.0; c.x = 2.0; c.y = vec2(3.0); }
  barrier();
  uint i = gl_GlobalInvocationID.x;
  if (i < params.num_iterations * params.block_size) o[i] = a[l % 10u].x + b + c.x + c.y.y;
}
