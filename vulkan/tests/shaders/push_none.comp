// Declares no push constants: guards by its buffer's length instead.
#version 450
layout(local_size_x = 32) in;
layout(set = 0, binding = 0) writeonly buffer Out { uint o[]; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i < o.length()) o[i] = 3u * i + 1u;
}
