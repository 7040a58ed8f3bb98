/* SPDX-License-Identifier: GPL-3.0-or-later */
/* worker.c -- work that may wait on a file system, in a child process
   that the caller waits for only so long (see DESIGN in worker.h).  */

#include "system.h"

#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
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

struct worker_in
{
  int fd;                       /* the job pipe */
  char *buf;
  size_t len, size, used;       /* USED: bytes of the last job handed */
};

struct worker
{
  pid_t pid;
  int results;                  /* the result pipe's read end */
  int jobs;                     /* the job pipe's write end, or -1 */
  char *buf;                    /* jobs not sent yet */
  size_t len, size;
  bool moved;                   /* run_beside moved the child: */
  cpu_set_t cpus;               /* the CPUs it had */
};

/* The descriptors of a child, in order.  */
enum { CHILD_RESULTS = 3, CHILD_KEEP, CHILD_JOBS, CHILD_FIRST_FREE };

/* In the child: stdin, stdout and stderr become /dev/null, the result
   pipe RESULTS becomes CHILD_RESULTS, KEEP (if any) CHILD_KEEP and JOBS
   (if any) CHILD_JOBS, and every other descriptor is closed.  */
static void
isolate (int results, int keep, int jobs)
{
  /* All moved above CHILD_FIRST_FREE first: any may be 3, 4 or 5 now.  */
  int r = fcntl (results, F_DUPFD, CHILD_FIRST_FREE);
  int k = keep >= 0 ? fcntl (keep, F_DUPFD, CHILD_FIRST_FREE) : -1;
  int j = jobs >= 0 ? fcntl (jobs, F_DUPFD, CHILD_FIRST_FREE) : -1;
  int null = open ("/dev/null", O_RDONLY | O_CLOEXEC);

  if (r < 0 || (keep >= 0 && k < 0) || (jobs >= 0 && j < 0) || null < 0
      || dup2 (r, CHILD_RESULTS) < 0
      || (k >= 0 ? dup2 (k, CHILD_KEEP) < 0 : (close (CHILD_KEEP), false))
      || (j >= 0 ? dup2 (j, CHILD_JOBS) < 0 : (close (CHILD_JOBS), false)))
    _exit (EXIT_FAILURE);
  for (int fd = 0; fd < 3; fd++)
    if (dup2 (null, fd) < 0)
      _exit (EXIT_FAILURE);
#ifdef SYS_close_range
  if (syscall (SYS_close_range, (unsigned int) CHILD_FIRST_FREE, ~0U, 0) == 0)
    return;
#endif
  for (int fd = CHILD_FIRST_FREE; fd < sysconf (_SC_OPEN_MAX); fd++)
    close (fd);
}

/* The child: never returns.  */
static _Noreturn void
child (worker_fn *work, void *data, int results, int keep, int jobs)
{
  static struct worker_out out = { .lock = PTHREAD_MUTEX_INITIALIZER };
  static struct worker_in in;
  pthread_t thread;

  isolate (results, keep, jobs);
  out.fd = CHILD_RESULTS;
  in.fd = CHILD_JOBS;
  if (pthread_create (&thread, NULL, flusher, &out) != 0)
    _exit (EXIT_FAILURE);
  work (data, keep >= 0 ? CHILD_KEEP : -1, &out, jobs >= 0 ? &in : NULL);
  pthread_mutex_lock (&out.lock);
  flush_locked (&out);
  _exit (EXIT_SUCCESS);
}

bool
worker_next (struct worker_in *in, uint32_t *index, uint32_t *kind,
             const char **bytes, size_t *len)
{
  struct header h;

  memmove (in->buf, in->buf + in->used, in->len - in->used);
  in->len -= in->used;
  in->used = 0;
  for (;;)
    {
      ssize_t n;

      if (in->len >= sizeof h)
        {
          memcpy (&h, in->buf, sizeof h);
          if (in->len - sizeof h >= h.len && h.len > 0
              && in->buf[sizeof h + h.len - 1] == '\0')
            {
              *index = h.index;
              *kind = h.kind;
              *bytes = in->buf + sizeof h;
              *len = h.len - 1;
              in->used = sizeof h + h.len;
              return true;
            }
        }
      if (in->size - in->len < 4096)
        in->buf = x2nrealloc (in->buf, &in->size, 1);
      n = read (in->fd, in->buf + in->len, in->size - in->len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return false;           /* the end; a job cut short is dropped */
      in->len += n;
    }
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
deliver (char *buf, size_t *len, worker_receive_fn *receive, void *rdata)
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
               worker_receive_fn *receive, void *rdata)
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

/* Lets W's child run on any CPU this process may use but the one it
   runs on, when there is another, while it is fed: the scheduler starts
   a forked child on its parent's CPU, and wakes a pipe's reader on the
   writer's, so that on two cores a fed child would mostly wait for the
   parent's scan to end.  Once the feeding ends (worker_finish) the child
   gets every CPU back, so that a CPU taken by other work cannot hold it
   while this process only waits.  A hint only: when it cannot be given
   the child runs where the scheduler puts it.  This process's own CPUs
   are never changed.  */
static void
run_beside (struct worker *w)
{
  cpu_set_t set;
  int cpu = sched_getcpu ();

  if (cpu < 0 || cpu >= CPU_SETSIZE
      || sched_getaffinity (0, sizeof w->cpus, &w->cpus) != 0
      || !CPU_ISSET (cpu, &w->cpus) || CPU_COUNT (&w->cpus) < 2)
    return;
  set = w->cpus;
  CPU_CLR (cpu, &set);
  w->moved = sched_setaffinity (w->pid, sizeof set, &set) == 0;
}

struct worker *
worker_start (worker_fn *work, void *data, int keep_fd, bool fed)
{
  int results[2], jobs[2] = { -1, -1 };
  struct worker *w;
  pid_t pid;

  if (pipe2 (results, O_CLOEXEC) != 0)
    return NULL;
  if (fed && pipe2 (jobs, O_CLOEXEC) != 0)
    {
      int e = errno;
      close (results[0]);
      close (results[1]);
      errno = e;
      return NULL;
    }
  pid = fork ();
  if (pid == 0)
    child (work, data, results[1], keep_fd, jobs[0]);
  close (results[1]);
  if (fed)
    close (jobs[0]);
  if (pid < 0)
    {
      int e = errno;
      close (results[0]);
      if (fed)
        close (jobs[1]);
      errno = e;
      return NULL;
    }
  w = xzalloc (sizeof *w);
  w->pid = pid;
  w->results = results[0];
  w->jobs = jobs[1];
  /* The parent never waits to feed: a full pipe ends the feeding.  */
  if (fed)
    {
      run_beside (w);
      fcntl (jobs[1], F_SETFL, O_NONBLOCK);
    }
  return w;
}

/* Sends what W holds; stops feeding W when its pipe is full.  A child
   that is gone must not end this process with SIGPIPE: the signal is
   blocked meanwhile, and one it raised is taken back.  */
static void
send_jobs (struct worker *w)
{
  static const struct timespec now = { 0, 0 };
  sigset_t pipe_set, old;
  size_t done = 0;
  bool broken = false;

  if (w->jobs < 0 || w->len == 0)
    return;
  sigemptyset (&pipe_set);
  sigaddset (&pipe_set, SIGPIPE);
  sigprocmask (SIG_BLOCK, &pipe_set, &old);
  while (w->jobs >= 0 && done < w->len)
    {
      ssize_t n = write (w->jobs, w->buf + done, w->len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          /* The child does not keep up (or is gone): a job cut short is
             dropped there; the caller gives the rest to another.  */
          broken = n < 0 && errno == EPIPE;
          close (w->jobs);
          w->jobs = -1;
        }
      else
        done += n;
    }
  if (broken && !sigismember (&old, SIGPIPE))
    sigtimedwait (&pipe_set, NULL, &now);
  sigprocmask (SIG_SETMASK, &old, NULL);
  w->len = 0;
}

bool
worker_feed (struct worker *w, uint32_t index, uint32_t kind,
             const char *bytes, size_t len)
{
  struct header h = { index, kind, len + 1 };

  if (w->jobs < 0)
    return false;
  while (w->size - w->len < sizeof h + h.len)
    w->buf = x2nrealloc (w->buf, &w->size, 1);
  memcpy (w->buf + w->len, &h, sizeof h);
  memcpy (w->buf + w->len + sizeof h, bytes, len);
  w->buf[w->len + sizeof h + len] = '\0';
  w->len += sizeof h + h.len;
  if (w->len >= WORKER_FEED_BATCH)
    send_jobs (w);
  return w->jobs >= 0;
}

int
worker_finish (struct worker *w, worker_receive_fn *receive, void *rdata,
               const struct timespec *deadline)
{
  int status, result;

  send_jobs (w);
  if (w->jobs >= 0)
    close (w->jobs);
  if (w->moved)
    (void) sched_setaffinity (w->pid, sizeof w->cpus, &w->cpus);
  result = read_messages (w->results, deadline, receive, rdata);
  close (w->results);
  if (result != 0)
    /* Not waited for: it may be stuck in the kernel for good.  */
    kill (w->pid, SIGKILL);
  else
    while (waitpid (w->pid, &status, 0) < 0 && errno == EINTR)
      continue;
  free (w->buf);
  free (w);
  return result;
}
