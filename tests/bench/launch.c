/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tests/bench/launch.c -- bench.sh's launcher with a small descriptor table.

   Usage: launch [-p] [-w WARMUP] SCHEDULE CMD...

   Each CMD is one program with its arguments, separated by blanks
   ("/usr/sbin/losetup -l -O NAME,BACK-FILE").  SCHEDULE is a
   comma-separated list of CMD indices (from 0), in the order they are to
   run; the first WARMUP of them are run untimed.  Each run is what a
   program that calls losetup does: a pipe for the child's standard
   output, fork, exec, reading the pipe to its end, waiting for the child.
   For each timed run one line is printed when all runs are done:

       INDEX <TAB> wall seconds <TAB> user + system seconds of the child

   With -p, each CMD is run once and its output is copied to standard
   output instead (to see what a child launched this way sees).

   The kernel sizes a child's descriptor table for the highest descriptor
   its parent has open when it forks, and exec keeps that size.  A child of
   a shell gets a table of 256 (the shell holds fd 255 open); a program
   started by a service manager or a container runtime with only 0-2 open
   gets the smallest, 64.  This launcher closes every descriptor above 2
   first, so its children get that small table: the pipe it adds, at fd 3
   and 4, stays far below 64.  Standard input and standard error are
   passed on as they are.  */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 16
#define MAX_ARGS 16
#define MAX_RUNS 100000

static char *argvs[MAX_CMDS][MAX_ARGS + 1];
static int sched[MAX_RUNS];
static double wall[MAX_RUNS], cpu[MAX_RUNS];

static void
die (const char *what)
{
  fprintf (stderr, "launch: %s: %s\n", what, strerror (errno));
  exit (2);
}

static double
now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Every descriptor above 2 is closed: close_range where the kernel has
   it, else one at a time up to the limit.  */
static void
close_above_2 (void)
{
#ifdef SYS_close_range
  if (syscall (SYS_close_range, 3U, ~0U, 0U) == 0)
    return;
#endif
  for (long fd = 3, max = sysconf (_SC_OPEN_MAX); fd < max; fd++)
    close (fd);
}

/* Runs ARGV once, its standard output to a pipe read to the end (copied
   to ours when COPY), and returns its wall time in seconds; *CPU gets its
   user and system time.  Exits if the child did not exit with 0.  */
static double
run (char **argv, int copy, double *cpu)
{
  char buf[65536];
  int fds[2], status;
  struct rusage ru;
  ssize_t n;
  double t0 = now ();

  if (pipe2 (fds, O_CLOEXEC) < 0)
    die ("pipe");
  pid_t pid = fork ();
  if (pid < 0)
    die ("fork");
  if (pid == 0)
    {
      if (dup2 (fds[1], STDOUT_FILENO) < 0)
        _exit (126);
      execv (argv[0], argv);
      _exit (127);
    }
  close (fds[1]);
  while ((n = read (fds[0], buf, sizeof buf)) != 0)
    {
      if (n < 0 && errno != EINTR)
        die ("read");
      if (n > 0 && copy)
        fwrite (buf, 1, n, stdout);
    }
  close (fds[0]);
  while (wait4 (pid, &status, 0, &ru) < 0)
    if (errno != EINTR)
      die ("wait4");
  double t1 = now ();
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      fprintf (stderr, "launch: %s: exit status %d\n", argv[0],
               WIFEXITED (status) ? WEXITSTATUS (status) : 128);
      exit (1);
    }
  *cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6
         + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  return t1 - t0;
}

int
main (int argc, char **argv)
{
  int copy = 0, warmup = 0, opt, ncmds, nsched = 0;

  close_above_2 ();
  while ((opt = getopt (argc, argv, "pw:")) != -1)
    switch (opt)
      {
      case 'p': copy = 1; break;
      case 'w': warmup = atoi (optarg); break;
      default: return 2;
      }
  if (argc - optind < 2 || argc - optind - 1 > MAX_CMDS)
    {
      fprintf (stderr, "usage: launch [-p] [-w WARMUP] SCHEDULE CMD...\n");
      return 2;
    }
  for (char *s = strtok (argv[optind], ","); s; s = strtok (NULL, ","))
    if (nsched < MAX_RUNS)
      sched[nsched++] = atoi (s);
  ncmds = argc - optind - 1;
  for (int i = 0; i < ncmds; i++)
    {
      int k = 0;
      for (char *s = strtok (argv[optind + 1 + i], " \t"); s && k < MAX_ARGS;
           s = strtok (NULL, " \t"))
        argvs[i][k++] = s;
      if (k == 0)
        return 2;
    }

  if (copy)
    {
      double c;
      for (int i = 0; i < ncmds; i++)
        run (argvs[i], 1, &c);
      return fflush (stdout) == 0 ? 0 : 1;
    }
  for (int r = 0; r < nsched; r++)
    {
      if (sched[r] < 0 || sched[r] >= ncmds)
        return 2;
      wall[r] = run (argvs[sched[r]], 0, &cpu[r]);
    }
  for (int r = warmup; r < nsched; r++)
    printf ("%d\t%.9f\t%.9f\n", sched[r], wall[r], cpu[r]);
  return fflush (stdout) == 0 ? 0 : 1;
}
