// 9000 uints of Workgroup memory: 36000 bytes, beyond lavapipe's 32768
// (maxComputeSharedMemorySize; Vulkan guarantees only 16384).
#version 450
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) buffer Out { uint o[]; };
layout(push_constant) uniform Params { uint num_iterations; uint block_size; } params;
shared uint tile[9000];
void main() {
  uint l = gl_LocalInvocationID.x;
  tile[l * 140u] = l;
  barrier();
  uint i = gl_GlobalInvocationID.x;
  if (i < params.num_iterations * params.block_size) o[i] = tile[(63u - l) * 140u];
}
