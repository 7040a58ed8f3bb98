/* SPDX-License-Identifier: GPL-3.0-or-later */
/* worker.c -- work that may wait on a file system, in a child process
   that the caller waits for only so long (see DESIGN in worker.h).  */

#include "system.h"

#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "xalloc.h"

/* Each message: this header, then LEN bytes.  */
struct header
{
  uint32_t index, kind, len;
};

struct worker_out
{
  pthread_mutex_t lock;
  int fd;                       /* the pipe */
  char *buf;
  size_t len, size;
};

/* Writes out what OUT holds; OUT is locked.  The child ends when the
   parent is gone.  */
static void
flush_locked (struct worker_out *out)
{
  size_t done = 0;

  while (done < out->len)
    {
      ssize_t n = write (out->fd, out->buf + done, out->len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        _exit (EXIT_FAILURE);
      done += n;
    }
  out->len = 0;
}

void
worker_send (struct worker_out *out, uint32_t index, uint32_t kind,
             const char *bytes, size_t len)
{
  /* The bytes go with a NUL, which the parent checks and hands on.  */
  struct header h = { index, kind, len + 1 };

  pthread_mutex_lock (&out->lock);
  while (out->size - out->len < sizeof h + h.len)
    out->buf = x2nrealloc (out->buf, &out->size, 1);
  memcpy (out->buf + out->len, &h, sizeof h);
  if (len > 0)
    memcpy (out->buf + out->len + sizeof h, bytes, len);
  out->buf[out->len + sizeof h + len] = '\0';
  out->len += sizeof h + h.len;
  pthread_mutex_unlock (&out->lock);
}

/* The child's second thread: writes out what has gathered, every
   WORKER_FLUSH_MS, so that a main thread stuck in the kernel does not
   hold back what it did before.  */
static void *
flusher (void *arg)
{
  struct worker_out *out = arg;
  struct timespec pause = { 0, WORKER_FLUSH_MS * 1000000L };

  for (;;)
    {
      nanosleep (&pause, NULL);
      pthread_mutex_lock (&out->lock);
      flush_locked (out);
      pthread_mutex_unlock (&out->lock);
    }
  return NULL;
}

/* In the child: stdin, stdout and stderr become /dev/null, the pipe PIPE
   becomes descriptor 3 and KEEP (if any) 4, and every other descriptor
   is closed.  Returns the new number of KEEP (-1: none).  */
static int
isolate (int pipe_fd, int keep)
{
  /* Both moved above 4 first: either may be 3 or 4 now.  */
  int p = fcntl (pipe_fd, F_DUPFD, 5);
  int k = keep >= 0 ? fcntl (keep, F_DUPFD, 5) : -1;
  int null = open ("/dev/null", O_RDONLY | O_CLOEXEC);

  if (p < 0 || (keep >= 0 && k < 0) || null < 0 || dup2 (p, 3) < 0
      || (k >= 0 && dup2 (k, 4) < 0))
    _exit (EXIT_FAILURE);
  for (int fd = 0; fd < 3; fd++)
    if (dup2 (null, fd) < 0)
      _exit (EXIT_FAILURE);
#ifdef SYS_close_range
  if (syscall (SYS_close_range, keep >= 0 ? 5U : 4U, ~0U, 0) == 0)
    return keep >= 0 ? 4 : -1;
#endif
  for (int fd = keep >= 0 ? 5 : 4; fd < sysconf (_SC_OPEN_MAX); fd++)
    close (fd);
  return keep >= 0 ? 4 : -1;
}

/* The child: never returns.  */
static _Noreturn void
child (void (*work) (void *, int, struct worker_out *), void *data,
       int pipe_fd, int keep)
{
  static struct worker_out out = { .lock = PTHREAD_MUTEX_INITIALIZER };
  pthread_t thread;
  int dev_fd = isolate (pipe_fd, keep);

  out.fd = 3;
  if (pthread_create (&thread, NULL, flusher, &out) != 0)
    _exit (EXIT_FAILURE);
  work (data, dev_fd, &out);
  pthread_mutex_lock (&out.lock);
  flush_locked (&out);
  _exit (EXIT_SUCCESS);
}

/* Returns the milliseconds left until DEADLINE, 0 when it has passed.  */
static int
ms_left (const struct timespec *deadline)
{
  struct timespec now;
  long long ms;

  clock_gettime (CLOCK_MONOTONIC, &now);
  ms = ((deadline->tv_sec - now.tv_sec) * 1000LL
        + (deadline->tv_nsec - now.tv_nsec) / 1000000);
  return ms > 0 ? (int) ms : 0;
}

/* Hands each whole message at the start of BUF (*LEN bytes) to RECEIVE
   and keeps the rest at its start.  */
static void
deliver (char *buf, size_t *len,
         void (*receive) (void *, uint32_t, uint32_t, const char *, size_t),
         void *rdata)
{
  size_t at = 0;
  struct header h;

  while (*len - at >= sizeof h)
    {
      memcpy (&h, buf + at, sizeof h);
      if (*len - at - sizeof h < h.len)
        break;
      if (h.len > 0 && buf[at + sizeof h + h.len - 1] == '\0')
        receive (rdata, h.index, h.kind, buf + at + sizeof h, h.len - 1);
      at += sizeof h + h.len;
    }
  memmove (buf, buf + at, *len - at);
  *len -= at;
}

/* Reads the child's messages from FD until its end, DEADLINE, or
   WORKER_STALL_MS without a message.  Returns 0 at its end, 1 at
   DEADLINE, 2 when it stalled.  */
static int
read_messages (int fd, const struct timespec *deadline,
               void (*receive) (void *, uint32_t, uint32_t, const char *,
                                size_t),
               void *rdata)
{
  size_t size = 65536, len = 0;
  char *buf = xmalloc (size);
  int result;

  for (;;)
    {
      struct pollfd p = { .fd = fd, .events = POLLIN };
      int left = ms_left (deadline);
      ssize_t n;
      int rc = poll (&p, 1, left < WORKER_STALL_MS ? left : WORKER_STALL_MS);

      if (rc < 0 && errno == EINTR)
        continue;
      if (rc <= 0)
        {
          result = rc == 0 && left > WORKER_STALL_MS ? 2 : 1;
          break;
        }
      if (size - len < 65536)
        buf = x2realloc (buf, &size);
      n = read (fd, buf + len, size - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          result = 0;
          break;
        }
      len += n;
      deliver (buf, &len, receive, rdata);
    }
  free (buf);
  return result;
}

void
worker_deadline (struct timespec *deadline)
{
  clock_gettime (CLOCK_MONOTONIC, deadline);
  deadline->tv_sec += WORKER_WAIT_MS / 1000;
  deadline->tv_nsec += (WORKER_WAIT_MS % 1000) * 1000000L;
  if (deadline->tv_nsec >= 1000000000L)
    {
      deadline->tv_sec++;
      deadline->tv_nsec -= 1000000000L;
    }
}

int
worker_run (void (*work) (void *, int, struct worker_out *), void *data,
            int keep_fd,
            void (*receive) (void *, uint32_t, uint32_t, const char *,
                             size_t),
            void *rdata, const struct timespec *deadline)
{
  int fds[2], status, result;
  pid_t pid;

  if (ms_left (deadline) == 0)
    return 1;
  if (pipe2 (fds, O_CLOEXEC) != 0)
    return -1;
  pid = fork ();
  if (pid < 0)
    {
      int e = errno;
      close (fds[0]);
      close (fds[1]);
      errno = e;
      return -1;
    }
  if (pid == 0)
    child (work, data, fds[1], keep_fd);
  close (fds[1]);
  result = read_messages (fds[0], deadline, receive, rdata);
  close (fds[0]);
  if (result != 0)
    {
      /* Not waited for: it may be stuck in the kernel for good.  */
      kill (pid, SIGKILL);
      return result;
    }
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    continue;
  return 0;
}
