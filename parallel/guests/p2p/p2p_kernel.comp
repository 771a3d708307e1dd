// p2p_kernel.comp: GLSL twin of p2p_kernel.c: one tile of the current
// anti-diagonal per invocation (block_size is 1), swept sequentially.
#version 450
layout(local_size_x = 64) in;

layout(std430, set = 0, binding = 0) readonly buffer Params { uint m; uint n; uint tile; uint diag; } params;
layout(std430, set = 0, binding = 1) buffer BufGrid { double grid[]; };

layout(push_constant) uniform Dispatch {
  uint num_iterations;
  uint block_size;
  uint base_invocation;  // wpvm: first invocation of this dispatch (launches split past the workgroup limit)
} dispatch;

void main() {
  uint id = gl_GlobalInvocationID.x + dispatch.base_invocation;
  if (id >= dispatch.num_iterations * dispatch.block_size) return;
  uint m = params.m, n = params.n, tile = params.tile, diag = params.diag;
  uint tile_rows = (m - 2u + tile) / tile, tile_cols = (n - 2u + tile) / tile;
  uint first = diag >= tile_cols ? diag - tile_cols + 1u : 0u;
  uint ti = first + id, tj = diag - ti;
  if (ti >= tile_rows || tj >= tile_cols) return;
  uint i0 = 1u + ti * tile, j0 = 1u + tj * tile;
  uint i1 = min(i0 + tile, m), j1 = min(j0 + tile, n);
  for (uint i = i0; i < i1; ++i) {
    for (uint j = j0; j < j1; ++j) {
      grid[i * n + j] = grid[(i - 1u) * n + j] + grid[i * n + j - 1u] - grid[(i - 1u) * n + j - 1u];
    }
  }
  if (i1 == m && j1 == n) grid[0] = -grid[(m - 1u) * n + n - 1u];
}
