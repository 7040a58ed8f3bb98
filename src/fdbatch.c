/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fdbatch.c -- close descriptors a batch at a time (see fdbatch.h).  */

#include "system.h"

#include "fdbatch.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>

static int
compare_ints (const void *a, const void *b)
{
  int x = *(const int *) a, y = *(const int *) b;

  return (x > y) - (x < y);
}

/* Closes FIRST to LAST with one system call where the kernel has
   close_range (Linux 5.9), else one by one.  */
static void
close_run (int first, int last)
{
#ifdef SYS_close_range
  if (first < last && syscall (SYS_close_range, (unsigned int) first,
                               (unsigned int) last, 0) == 0)
    return;
#endif
  for (int fd = first; fd <= last; fd++)
    close (fd);
}

void
fd_batch_close (struct fd_batch *b)
{
  int e = errno;
  size_t i = 0;

  qsort (b->fds, b->n, sizeof *b->fds, compare_ints);
  while (i < b->n)
    {
      size_t j = i;
      while (j + 1 < b->n && b->fds[j + 1] == b->fds[j] + 1)
        j++;
      close_run (b->fds[i], b->fds[j]);
      i = j + 1;
    }
  b->n = 0;
  errno = e;
}

void
fd_batch_add (struct fd_batch *b, int fd)
{
  if (fd < 0)
    return;
  if (b->n == FD_BATCH_MAX)
    fd_batch_close (b);
  b->fds[b->n++] = fd;
}
