// Every invocation below the total adds 1 to counts[0] with a Device-scope
// atomic: the validation layer refuses such shaders on a device that enables
// vulkanMemoryModel without vulkanMemoryModelDeviceScope.
#version 450
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) buffer Counts { uint counts[]; };
layout(push_constant) uniform Params { uint num_iterations; uint block_size; } params;
void main() {
  if (gl_GlobalInvocationID.x < params.num_iterations * params.block_size) atomicAdd(counts[0], 1u);
}
