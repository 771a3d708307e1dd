// Guest: exits with the status given as argv[1]; "abort" traps instead.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  if (argc < 2) return 0;
  if (strcmp(argv[1], "abort") == 0) {
    puts("aborting");
    fflush(stdout);
    abort();
  }
  exit(atoi(argv[1]));
}
