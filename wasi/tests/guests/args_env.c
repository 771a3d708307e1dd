// Guest: argv and environment as given by `wpvm run ... --env`.
#include <stdio.h>
#include <stdlib.h>

extern char** environ;

int main(int argc, char** argv) {
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; ++i) printf("argv[%d]=%s\n", i, argv[i]);
  int n = 0;
  for (char** e = environ; *e; ++e) ++n;
  printf("envc=%d\n", n);
  const char* v = getenv("GREETING");
  printf("GREETING=%s\n", v ? v : "(unset)");
  return 0;
}
