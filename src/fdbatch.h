/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fdbatch.h -- close descriptors a batch at a time.

   A listing opens two files per device (a sysfs attribute, a /dev node)
   and needs none of them after one read or one ioctl.  Closing them one
   by one is a third of the system calls per device; here they are kept
   until FD_BATCH_MAX have gathered and each run of consecutive numbers is
   then closed with one close_range(2).  Only the numbers added are ever
   closed: a run never spans a descriptor that was not added.  */

#ifndef LC_FDBATCH_H
#define LC_FDBATCH_H

#include <stddef.h>

#define FD_BATCH_MAX 64

struct fd_batch
{
  int fds[FD_BATCH_MAX];
  size_t n;
};

/* An empty batch.  */
#define FD_BATCH_INIT { .n = 0 }

/* Adds FD (ignored when negative) to B, closing the batch first when it
   is full.  */
void fd_batch_add (struct fd_batch *b, int fd);

/* Closes every descriptor in B; B is empty after.  errno is kept.  */
void fd_batch_close (struct fd_batch *b);

#endif /* LC_FDBATCH_H */
