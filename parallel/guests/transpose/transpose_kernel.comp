// transpose_kernel.comp: GLSL twin of transpose_kernel.c; invocation e is
// element e % (tile*tile) of tile e / (tile*tile).
#version 450
layout(local_size_x = 64) in;

layout(std430, set = 0, binding = 0) readonly buffer Params { uint order; uint tile; } params;
layout(std430, set = 0, binding = 1) buffer BufA { double a[]; };
layout(std430, set = 0, binding = 2) buffer BufB { double b[]; };

layout(push_constant) uniform Dispatch {
  uint num_iterations;
  uint block_size;
  uint base_invocation;  // wpvm: first invocation of this dispatch (launches split past the workgroup limit)
} dispatch;

void main() {
  uint e = gl_GlobalInvocationID.x + dispatch.base_invocation;
  if (e >= dispatch.num_iterations * dispatch.block_size) return;
  uint order = params.order, tile = params.tile;
  uint tiles_per_row = (order + tile - 1u) / tile;
  uint t = e / (tile * tile), r = e % (tile * tile);
  uint i = (t / tiles_per_row) * tile + r / tile;
  uint j = (t % tiles_per_row) * tile + r % tile;
  if (i >= order || j >= order) return;
  b[i * order + j] += a[j * order + i];
  a[j * order + i] += 1.0lf;
}
