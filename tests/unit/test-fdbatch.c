/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-fdbatch.c -- descriptors closed a batch at a time: every one added
   is closed, and none that was not added, even one between two that
   were (a caller's descriptor in a hole of the numbers).  */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <unistd.h>

#include "fdbatch.h"
#include "check.h"

#define OPENED 200

/* Returns true when FD is an open descriptor.  */
static bool
is_open (int fd)
{
  return fcntl (fd, F_GETFD) != -1 || errno != EBADF;
}

int
main (void)
{
  static int fds[OPENED];
  struct fd_batch b = FD_BATCH_INIT;
  int kept = 0, closed = 0, wrong = 0;

  for (int i = 0; i < OPENED; i++)
    {
      fds[i] = open ("/dev/null", O_RDONLY | O_CLOEXEC);
      if (fds[i] < 0)
        {
          CHECK (false, "open /dev/null %d times", OPENED);
          CHECK_END ();
        }
    }
  /* Every seventh is the caller's: never added.  More than a batch is
     added, so that a full batch is closed on the way.  */
  for (int i = 0; i < OPENED; i++)
    if (i % 7 != 3)
      fd_batch_add (&b, fds[i]);
  fd_batch_add (&b, -1);
  errno = EINTR;
  fd_batch_close (&b);
  CHECK (errno == EINTR, "errno is kept by fd_batch_close");
  for (int i = 0; i < OPENED; i++)
    {
      bool open_now = is_open (fds[i]);
      if (i % 7 == 3)
        {
          kept += open_now;
          wrong += !open_now;
          close (fds[i]);
        }
      else
        {
          closed += !open_now;
          wrong += open_now;
        }
    }
  CHECK (wrong == 0, "every descriptor added is closed, no other one "
         "(%d kept, %d closed, %d wrong)", kept, closed, wrong);
  CHECK (b.n == 0, "the batch is empty after fd_batch_close");
  CHECK_END ();
}
