// Traps inside a named function so `wpvm run` must print the trap and a backtrace.
#include <stdio.h>

__attribute__((noinline)) static int crash_here(volatile int depth) {
  if (depth == 0) __builtin_trap();
  return crash_here(depth - 1) + 1;
}

int main(void) {
  printf("about to trap\n");
  fflush(stdout);
  return crash_here(3);
}
