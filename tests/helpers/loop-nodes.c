/* SPDX-License-Identifier: GPL-3.0-or-later */
/* loop-nodes.c -- make unbound loop devices, and remove them again.

   Usage: loop-nodes add FIRST COUNT
          loop-nodes remove N...

   "add" makes COUNT loop devices with LOOP_CTL_ADD, at the lowest
   numbers from FIRST on that no device has (a number taken meanwhile is
   skipped), and prints each number made on a line of its own as soon
   as it is made: a caller that records them loses none, even when
   stopped halfway.  They stay unbound: listings must skip them.

   "remove" removes each device N with LOOP_CTL_REMOVE.  The kernel
   refuses while a device is open (a listing of someone else's looking
   at it): that is tried again for two seconds.  A device still refused
   then is bound (someone else took the free device) and is kept.  One
   that no longer exists counts as removed.  A removal waits for the
   kernel for tens of milliseconds, mostly idle: up to 16 processes
   remove at once.

   Exit status 0 when every device was made or removed, 1 otherwise
   (with a message for each), 2 on a usage error.  */

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MAX_NUMBER = 1 << 20, PROCESSES = 16, BUSY_TRIES = 40 };

/* Reads a device number from S into *N; false if S is not one.  */
static bool
number (const char *s, long *n)
{
  char *end;

  errno = 0;
  *n = strtol (s, &end, 10);
  return errno == 0 && end != s && *end == '\0' && *n >= 0
         && *n < MAX_NUMBER;
}

static int
open_control (void)
{
  int ctl = open ("/dev/loop-control", O_RDWR | O_CLOEXEC);

  if (ctl < 0)
    perror ("loop-nodes: /dev/loop-control");
  return ctl;
}

static int
add (long first, long count)
{
  int ctl = open_control ();
  long made = 0;

  if (ctl < 0)
    return 1;
  for (long n = first; made < count && n < MAX_NUMBER; n++)
    {
      if (ioctl (ctl, LOOP_CTL_ADD, (int) n) < 0)
        {
          if (errno == EEXIST)
            continue;
          fprintf (stderr, "loop-nodes: LOOP_CTL_ADD %ld: %s\n", n,
                   strerror (errno));
          break;
        }
      made++;
      if (printf ("%ld\n", n) < 0 || fflush (stdout) != 0)
        break;
    }
  close (ctl);
  return made == count ? 0 : 1;
}

/* Removes device N through CTL; returns false when it is kept.  */
static bool
remove_one (int ctl, long n)
{
  struct timespec pause = { 0, 50 * 1000000L };

  for (int i = 0; i < BUSY_TRIES; i++)
    {
      if (ioctl (ctl, LOOP_CTL_REMOVE, (int) n) == 0
          || errno == ENODEV || errno == ENXIO)
        return true;
      if (errno != EBUSY)
        break;
      nanosleep (&pause, NULL);
    }
  fprintf (stderr, "loop-nodes: loop%ld kept: %s\n", n, strerror (errno));
  return false;
}

/* Removes the devices ARGV[I] for I = FROM, FROM + STEP, ... < ARGC.  */
static int
remove_share (int argc, char **argv, int from, int step)
{
  int ctl = open_control (), rc = 0;

  if (ctl < 0)
    return 1;
  for (int i = from; i < argc; i += step)
    {
      long n;
      if (!number (argv[i], &n) || !remove_one (ctl, n))
        rc = 1;
    }
  close (ctl);
  return rc;
}

static int
remove_all (int argc, char **argv)
{
  int rc = 0, status;
  int procs = argc < PROCESSES ? argc : PROCESSES;

  for (int p = 0; p < procs; p++)
    {
      pid_t pid = fork ();
      if (pid == 0)
        _exit (remove_share (argc, argv, p, procs));
      if (pid < 0)
        rc |= remove_share (argc, argv, p, procs);
    }
  while (wait (&status) > 0)
    if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
      rc = 1;
  return rc;
}

int
main (int argc, char **argv)
{
  long first, count;

  if (argc == 4 && strcmp (argv[1], "add") == 0
      && number (argv[2], &first) && number (argv[3], &count))
    return add (first, count);
  if (argc >= 2 && strcmp (argv[1], "remove") == 0)
    {
      for (int i = 2; i < argc; i++)
        if (!number (argv[i], &first))
          {
            fprintf (stderr, "loop-nodes: not a device number: %s\n",
                     argv[i]);
            return 2;
          }
      return remove_all (argc - 2, argv + 2);
    }
  fprintf (stderr, "usage: loop-nodes add FIRST COUNT\n"
           "       loop-nodes remove N...\n");
  return 2;
}
