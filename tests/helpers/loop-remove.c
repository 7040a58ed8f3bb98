/* SPDX-License-Identifier: GPL-3.0-or-later */
/* loop-remove.c -- remove an unused loop device, as LOOP_CTL_REMOVE does.

   Usage: loop-remove N

   Removes loop device N (which must not be in use) through
   /dev/loop-control.  For the tests that check that a listing creates
   no device: if one was created, the test removes it again.  Exit
   status 0 on success, 1 on failure.  */

#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  char *end;
  long n;
  int ctl, rc;

  if (argc != 2)
    {
      fprintf (stderr, "usage: loop-remove N\n");
      return 1;
    }
  n = strtol (argv[1], &end, 10);
  if (*end != '\0' || n < 0)
    {
      fprintf (stderr, "loop-remove: not a device number: %s\n", argv[1]);
      return 1;
    }
  ctl = open ("/dev/loop-control", O_RDWR | O_CLOEXEC);
  if (ctl < 0)
    {
      perror ("loop-remove: /dev/loop-control");
      return 1;
    }
  rc = ioctl (ctl, LOOP_CTL_REMOVE, (int) n);
  if (rc < 0)
    perror ("loop-remove: LOOP_CTL_REMOVE");
  close (ctl);
  return rc < 0;
}
