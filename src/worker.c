/* SPDX-License-Identifier: GPL-3.0-or-later */
/* worker.c -- work that may wait on a file system, in a child process
   that the caller waits for only so long (see DESIGN in worker.h).  */

#include "system.h"

#include "worker.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xalloc.h"
#include "xvasprintf.h"

/* Closes every descriptor from LOW on: with close_range(2) where the
   kernel (5.9) and any seccomp filter allow it, else by one pass over
   /proc/self/fd.  Returns false when neither works.  */
static bool
close_from (int low)
{
  DIR *d;
  struct dirent *e;

#ifdef SYS_close_range
  if (syscall (SYS_close_range, (unsigned int) low, ~0U, 0) == 0)
    return true;
#endif
  d = opendir ("/proc/self/fd");
  if (d == NULL)
    return false;
  /* The directory's position is a descriptor number: closing those
     already read moves nothing.  */
  while ((e = readdir (d)) != NULL)
    {
      int fd = atoi (e->d_name);
      if (fd >= low && fd != dirfd (d))
        close (fd);
    }
  closedir (d);
  return true;
}

bool
worker_start (struct worker *w, void (*fn) (void *arg), void *arg)
{
  int p[2];
  pid_t pid;

  if (pipe2 (p, O_CLOEXEC) != 0)
    return false;
  /* Standard descriptors the caller closed stay free: util-linux
     reports a closed stdout as a write error, and so must we.  */
  if (p[0] < 3)
    {
      int high = fcntl (p[0], F_DUPFD_CLOEXEC, 3);
      close (p[0]);
      p[0] = high;
    }
  pid = p[0] < 0 ? -1 : fork ();
  if (pid == 0)
    {
      for (int fd = 0; fd < 3; fd++)
        if (fd != p[1] && dup2 (p[1], fd) < 0)
          _exit (EXIT_FAILURE);
      if (!close_from (3))
        _exit (EXIT_FAILURE);
      fn (arg);
      _exit (EXIT_SUCCESS);
    }
  close (p[1]);
  if (pid < 0)
    {
      int e = errno;
      if (p[0] >= 0)
        close (p[0]);
      errno = e;
      return false;
    }
  w->pid = pid;
  w->fd = p[0];
  return true;
}

long long
worker_now_ms (void)
{
  struct timespec t;

  clock_gettime (CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

enum worker_end
worker_wait (struct worker *w, const atomic_uint *beat, long long deadline,
             void (*echo) (const char *bytes, size_t n))
{
  unsigned int last = atomic_load (beat);
  long long moved = worker_now_ms ();
  enum worker_end end;

  for (;;)
    {
      struct pollfd p = { .fd = w->fd, .events = POLLIN };
      long long now = worker_now_ms (), left, quiet;
      char buf[4096];
      ssize_t n = 1;
      int rc;

      if (atomic_load (beat) != last)
        {
          last = atomic_load (beat);
          moved = now;
        }
      left = deadline - now;
      quiet = WORKER_STALL_MS - (now - moved);
      if (left <= 0 || quiet <= 0)
        {
          end = left <= 0 ? WORKER_LATE : WORKER_STALLED;
          break;
        }
      rc = poll (&p, 1, (int) (left < quiet ? left : quiet));
      if (rc > 0)
        n = read (w->fd, buf, sizeof buf);
      if ((rc < 0 || n < 0) && errno != EINTR)
        {
          /* No bounded wait without poll and read.  */
          end = WORKER_LATE;
          break;
        }
      if (n == 0)
        {
          end = WORKER_ENDED;
          break;
        }
      if (rc > 0 && n > 0 && echo != NULL)
        echo (buf, n);
    }
  close (w->fd);
  if (end == WORKER_ENDED)
    while (waitpid (w->pid, NULL, 0) < 0 && errno == EINTR)
      continue;
  else
    kill (w->pid, SIGKILL);
  return end;
}

/* Reads /proc/PID/stat: stores the process's start time (in clock ticks
   since boot) in *START and returns its state letter, or returns 0 when
   there is no such process.  */
static char
process_state (pid_t pid, unsigned long long *start)
{
  char path[64], buf[1024], *p, state;
  int fd, n = 0;

  snprintf (path, sizeof path, "/proc/%jd/stat", (intmax_t) pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0)
    {
      n = read (fd, buf, sizeof buf - 1);
      close (fd);
    }
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  /* After the command's name in parentheses: the state (field 3), then
     18 fields to the start time (field 22).  */
  p = strrchr (buf, ')');
  if (p == NULL || sscanf (p + 1, " %c %*s %*s %*s %*s %*s %*s %*s %*s %*s "
                           "%*s %*s %*s %*s %*s %*s %*s %*s %*s %llu",
                           &state, start) != 2)
    return 0;
  return state;
}

void
worker_leave_marker (const struct worker *w, const char *key,
                     const char *text)
{
  char *path = xasprintf ("%s/%s", WORKER_MARKER_DIR, key);
  unsigned long long start;
  int fd = -1;

  if (process_state (w->pid, &start) != 0
      && (mkdir (WORKER_MARKER_DIR, 0700) == 0 || errno == EEXIST))
    fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
               0600);
  /* One written in part reads as no marker.  */
  if (fd >= 0)
    {
      dprintf (fd, "%jd %llu\n%s", (intmax_t) w->pid, start,
               text != NULL ? text : "");
      close (fd);
    }
  free (path);
}

/* Returns true when there is a marker for KEY: the directory is read
   once, so that a listing on a machine that once stalled costs no more
   than one elsewhere.  */
static bool
has_marker (const char *key)
{
  static struct dirent **markers;
  static int n = -2;

  if (n == -2)
    n = scandir (WORKER_MARKER_DIR, &markers, NULL, NULL);
  for (int i = 0; i < n; i++)
    if (strcmp (markers[i]->d_name, key) == 0)
      return true;
  return false;
}

pid_t
worker_marked (const char *key, const char *text)
{
  char buf[8192], *path, *nl;
  unsigned long long start, now_start = 0;
  intmax_t pid = 0;
  char state;
  ssize_t n = -1;
  int fd;

  if (!has_marker (key))
    return 0;
  path = xasprintf ("%s/%s", WORKER_MARKER_DIR, key);
  fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd >= 0)
    {
      n = read (fd, buf, sizeof buf - 1);
      close (fd);
    }
  if (n >= 0)
    {
      buf[n] = '\0';
      nl = strchr (buf, '\n');
      if (nl == NULL || sscanf (buf, "%jd %llu", &pid, &start) != 2
          || pid <= 0 || strcmp (nl + 1, text != NULL ? text : "") != 0)
        pid = 0;
      /* Gone, or dead and not reaped: it waits no more.  The marker is
         left for the next stall to replace: a listing changes nothing
         else.  */
      state = pid > 0 ? process_state (pid, &now_start) : 0;
      if (state == 0 || state == 'Z' || state == 'X' || now_start != start)
        pid = 0;
    }
  free (path);
  return pid;
}
