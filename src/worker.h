/* SPDX-License-Identifier: GPL-3.0-or-later */
/* worker.h -- work that may wait on a file system, in a child process
   that the caller waits for only so long.

   DESIGN.  A loop device's backing file lives on a file system that may
   stop answering (a FUSE server stopped or dead, an NFS server gone):
   LOOP_GET_STATUS64 asks that file system for the file's attributes, and
   stat() of a candidate path asks it too.  Once a FUSE server has read a
   request, the kernel waits for its answer uninterruptibly: no signal
   ends that call, and a process with such a thread is never reaped.  So
   that work runs in a child made with fork(), which holds none of the
   caller's descriptors (its stdin, stdout and stderr are /dev/null: the
   caller's read of our output ends when we exit, whatever the child
   does).  The child sends its results over a pipe, gathered into few
   writes: the main thread appends them to a buffer, which a second
   thread writes out every WORKER_FLUSH_MS (so that what was done before
   a call that blocks still arrives) and the main thread writes out at
   the end.  The parent reads with poll() up to WORKER_WAIT_MS in all; at
   that bound it kills the child with SIGKILL and does not wait for it
   (a child stuck in the kernel dies when the call ends; the caller's
   process has exited by then).  A child that sends nothing for
   WORKER_STALL_MS is taken for stuck on the item it works on and is
   killed the same way, so that the caller can start another for the
   items after that one, within the same bound: one dead file system
   costs its own devices their correction, not every device listed
   after them.

   A child may also be fed jobs through a second pipe while the parent is
   still scanning sysfs: the two then work side by side, one core each.
   For that the parent moves such a child off its own CPU while it feeds
   it: left to itself, the scheduler would keep the child on the
   parent's CPU, waiting for the scan to end.  */

#ifndef LC_WORKER_H
#define LC_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* How long the parent waits for the whole of the child's work, in
   milliseconds.  Documented in the man page and README.  */
#define WORKER_WAIT_MS 2000
/* How often the child's second thread writes out what has gathered.  */
#define WORKER_FLUSH_MS 20
/* A child that sends nothing for this long is taken for stuck on its
   current item: the caller may start another for the items after it.  */
#define WORKER_STALL_MS 400
/* Jobs fed to a child are sent when this many bytes have gathered.  */
#define WORKER_FEED_BATCH 4096

/* The child's end of the result pipe.  */
struct worker_out;
/* The child's end of the job pipe (a child that is fed).  */
struct worker_in;
/* The parent's handle on a child.  */
struct worker;

/* What a child runs: DATA as the parent had it at the fork, DEV_FD the
   descriptor kept (or -1), OUT for the results, IN for the jobs fed
   after the fork (NULL for a child that is not fed).  */
typedef void worker_fn (void *data, int dev_fd, struct worker_out *out,
                        struct worker_in *in);
/* What receives the child's messages in the parent, in the order sent;
   BYTES (LEN bytes) is NUL-terminated and lasts for the call.  */
typedef void worker_receive_fn (void *rdata, uint32_t index, uint32_t kind,
                                const char *bytes, size_t len);

/* In the child: appends one message (KIND and INDEX are the caller's;
   BYTES, LEN bytes, may be NULL when LEN is 0) to OUT, to be sent to the
   parent.  */
void worker_send (struct worker_out *out, uint32_t index, uint32_t kind,
                  const char *bytes, size_t len);

/* In the child: reads the next job the parent fed, waiting for it.
   Returns false at the end of the jobs.  *BYTES lasts until the next
   call.  */
bool worker_next (struct worker_in *in, uint32_t *index, uint32_t *kind,
                  const char **bytes, size_t *len);

/* Stores in *DEADLINE the time (CLOCK_MONOTONIC) WORKER_WAIT_MS from
   now: the end of the wait for all the children of one listing.  */
void worker_deadline (struct timespec *deadline);

/* Starts WORK (DATA, DEV_FD, OUT, IN) in a child process.  KEEP_FD (or
   -1) is a descriptor of the caller's that the child keeps, as DEV_FD;
   every other is closed there.  FED: jobs may be fed to it with
   worker_feed.  Returns the handle, or NULL with errno set when no child
   could be started.  */
struct worker *worker_start (worker_fn *work, void *data, int keep_fd,
                             bool fed);

/* Feeds W one job (sent in batches).  Never waits: returns false, and
   takes no more, once the child does not keep up (its pipe is full) or
   is not fed; the jobs not taken are the caller's to give another.  */
bool worker_feed (struct worker *w, uint32_t index, uint32_t kind,
                  const char *bytes, size_t len);

/* Sends W's last jobs, then reads its messages into RECEIVE (RDATA, ...)
   until it ends, DEADLINE passes, or it sends nothing for
   WORKER_STALL_MS; frees W.  Returns 0 when it ended; 1 at DEADLINE, 2
   when it stalled: it is then killed and not waited for, and what it had
   not sent is lost.  */
int worker_finish (struct worker *w, worker_receive_fn *receive,
                   void *rdata, const struct timespec *deadline);

#endif /* LC_WORKER_H */
