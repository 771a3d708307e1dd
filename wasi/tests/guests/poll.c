// Guest: poll_oneoff through poll() and nanosleep(): clock timeouts take
// (at least) their time, and a regular file is immediately readable/writable.
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

#include "check.h"

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(void) {
  long long t0 = now_ms();
  CHECK(poll(NULL, 0, 50) == 0);
  long long t1 = now_ms();
  CHECK(t1 - t0 >= 50);
  struct timespec d = {0, 30 * 1000000};
  CHECK(nanosleep(&d, NULL) == 0);
  CHECK(now_ms() - t1 >= 30);
  int fd = open("p.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0);
  CHECK(write(fd, "abc", 3) == 3);
  CHECK(lseek(fd, 0, SEEK_SET) == 0);
  struct pollfd p[2] = {{fd, POLLRDNORM, 0}, {fd, POLLWRNORM, 0}};
  CHECK(poll(p, 2, 1000) == 2);
  CHECK((p[0].revents & POLLRDNORM) && (p[1].revents & POLLWRNORM));
  close(fd);
  unlink("p.txt");
  // Many clock subscriptions at once: the earliest one fires first.
  __wasi_subscription_t subs[12];
  memset(subs, 0, sizeof subs);
  for (int i = 0; i < 12; ++i) {
    subs[i].userdata = 100 + i;
    subs[i].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[i].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    subs[i].u.u.clock.timeout = (i == 7 ? 5 : 500 + i) * 1000000ull;
  }
  __wasi_event_t events[12];
  size_t nevents = 0;
  CHECK(__wasi_poll_oneoff(subs, events, 12, &nevents) == 0);
  CHECK(nevents == 1 && events[0].userdata == 107 && events[0].error == 0);
  CHECK(events[0].type == __WASI_EVENTTYPE_CLOCK);
  // An fd subscription on a closed descriptor reports its error as an event.
  subs[0].u.tag = __WASI_EVENTTYPE_FD_READ;
  subs[0].u.u.fd_read.file_descriptor = 99;
  CHECK(__wasi_poll_oneoff(subs, events, 1, &nevents) == 0);
  CHECK(nevents == 1 && events[0].error == __WASI_ERRNO_BADF && events[0].userdata == 100);
  struct timespec res;
  CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0);
  CHECK(clock_getres(CLOCK_REALTIME, &res) == 0);
  CHECK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &res) == 0);
  puts("poll OK");
  return 0;
}
