/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fd-leak.c -- run a command with many descriptors it did not ask for,
   as a careless caller leaves them to its children.

   Usage: fd-leak BELOW COMMAND [ARG]...

   Opens /dev/null, without close-on-exec, on every descriptor number
   below BELOW that is free (each open takes the lowest free number),
   then executes COMMAND (searched in PATH), which inherits them all:
   with 0, 1 and 2 open, "fd-leak 1018" leaks 1015 descriptors, 3 to
   1017, whatever the caller had open already.  Exit status: COMMAND's;
   125 when the descriptors cannot all be opened (the limit on open
   files is below BELOW), 126 or 127 when COMMAND cannot be executed
   or found, as env(1).  */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  char *end;
  long below;

  if (argc < 3)
    {
      fprintf (stderr, "usage: fd-leak BELOW COMMAND [ARG]...\n");
      return 125;
    }
  errno = 0;
  below = strtol (argv[1], &end, 10);
  if (errno != 0 || end == argv[1] || *end != '\0' || below < 0)
    {
      fprintf (stderr, "fd-leak: not a descriptor number: %s\n", argv[1]);
      return 125;
    }
  for (;;)
    {
      int fd = open ("/dev/null", O_RDONLY);
      struct rlimit lim;

      /* Every number below the limit in use, and BELOW is the limit.  */
      if (fd < 0 && errno == EMFILE && getrlimit (RLIMIT_NOFILE, &lim) == 0
          && lim.rlim_cur == (rlim_t) below)
        break;
      if (fd < 0)
        {
          fprintf (stderr, "fd-leak: descriptors below %ld: %s\n", below,
                   strerror (errno));
          return 125;
        }
      if (fd >= below)
        {
          close (fd);
          break;
        }
    }
  execvp (argv[2], argv + 2);
  fprintf (stderr, "fd-leak: %s: %s\n", argv[2], strerror (errno));
  return errno == ENOENT ? 127 : 126;
}
