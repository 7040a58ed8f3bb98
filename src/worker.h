/* SPDX-License-Identifier: GPL-3.0-or-later */
/* worker.h -- work that may wait on a file system, in a child process
   that the caller waits for only so long.

   DESIGN.  A loop device's backing file lives on a file system that may
   stop answering (a FUSE server stopped or dead, an NFS server gone):
   LOOP_GET_STATUS64 asks that file system for the file's attributes, and
   stat() of a candidate path asks it too.  Once a FUSE server has read
   such a request, the kernel waits for its answer uninterruptibly: no
   signal ends the call.  So that work runs in one child made with
   fork(), with no thread.  It holds none of the caller's descriptors:
   its standard input, output and error are the write end of a pipe
   whose read end the parent keeps, so that the caller's read of our
   output ends when we exit, whatever the child does, and no /dev/null is
   needed.  The pipe carries only what the child writes to stderr (the
   trace); results go through memory the two share (listing.c), and the
   child's progress through a counter there, which the parent watches
   without a system call per device.

   The parent waits WORKER_WAIT_MS in all.  A child whose counter does not
   move for WORKER_STALL_MS is taken for stuck on the item it works on.
   Either way it is killed with SIGKILL and not waited for: a child stuck
   in the kernel dies only when the call ends.  Such a child is recorded
   in a marker under WORKER_MARKER_DIR (worker_leave_marker), so that
   later listings leave its item alone (worker_marked) instead of leaving
   one more process waiting on it each time.  */

#ifndef LC_WORKER_H
#define LC_WORKER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <sys/types.h>

/* How long the parent waits for all of its children, in milliseconds,
   and how long for one that makes no progress.  Both documented in the
   man page and README.  */
#define WORKER_WAIT_MS 2000
#define WORKER_STALL_MS 400

/* Where the markers of children left waiting are kept (a tmpfs).  */
#define WORKER_MARKER_DIR "/run/losetup-container"

struct worker
{
  pid_t pid;
  int fd;                       /* the pipe's read end */
};

/* Starts FN (ARG) in a child process: its descriptors 0, 1 and 2 are the
   write end of a pipe, every other is closed.  Returns false, with errno
   set, when no child could be started.  */
bool worker_start (struct worker *w, void (*fn) (void *arg), void *arg);

enum worker_end
{
  WORKER_ENDED,                 /* the child ended by itself */
  WORKER_STALLED,               /* BEAT did not move for WORKER_STALL_MS */
  WORKER_LATE                   /* DEADLINE passed */
};

/* Waits for W's child until it ends, DEADLINE (worker_now_ms) passes,
   or BEAT, which the child bumps as it works, stays unchanged for
   WORKER_STALL_MS.  What it writes to the pipe goes to ECHO (N bytes at
   BYTES), or nowhere when ECHO is NULL.  A child that did not end is
   killed and not waited for.  W's pipe is closed.  */
enum worker_end worker_wait (struct worker *w, const atomic_uint *beat,
                             long long deadline,
                             void (*echo) (const char *bytes, size_t n));

/* Returns the time of CLOCK_MONOTONIC in milliseconds.  */
long long worker_now_ms (void);

/* Records that W's child, killed while it worked on the item KEY (a file
   name) whose state was TEXT, may still wait in the kernel.  Nothing is
   recorded where WORKER_MARKER_DIR cannot be written.  */
void worker_leave_marker (const struct worker *w, const char *key,
                          const char *text);

/* Returns the process of an earlier listing that still waits on the item
   KEY, marked with the same TEXT, or 0.  A marker whose process is gone,
   or whose TEXT differs, counts for nothing (and is left as it is).  */
pid_t worker_marked (const char *key, const char *text);

#endif /* LC_WORKER_H */
