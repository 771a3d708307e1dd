// Tiny check helpers shared by the WASI guest programs: a failed check prints
// its line and exits with status 1, so the meson test sees a non-zero status.
#pragma once
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (!(cond)) {                                                               \
      printf("FAIL %s:%d: %s (errno %d %s)\n", __FILE__, __LINE__, #cond, errno, \
             strerror(errno));                                                   \
      exit(1);                                                                   \
    }                                                                            \
  } while (0)

// The call must fail with one of the listed errno values (0-terminated).
#define CHECK_FAILS(call, ...)                                                       \
  do {                                                                               \
    errno = 0;                                                                       \
    long r_ = (long)(call);                                                          \
    int ok_ = 0;                                                                     \
    const int allowed_[] = {__VA_ARGS__, 0};                                         \
    for (int i_ = 0; allowed_[i_]; ++i_) ok_ |= (errno == allowed_[i_]);             \
    if (r_ >= 0 || !ok_) {                                                           \
      printf("FAIL %s:%d: %s returned %ld, errno %d %s\n", __FILE__, __LINE__, #call, \
             r_, errno, strerror(errno));                                            \
      exit(1);                                                                       \
    }                                                                                \
  } while (0)
