/* SPDX-License-Identifier: GPL-3.0-or-later */
/* loop-attach.c -- attach a loop device the way container runtimes do.

   Usage: loop-attach FILE NAME [raw]

   Takes a free device with LOOP_CTL_GET_FREE, binds FILE with LOOP_SET_FD
   and sets lo_file_name to NAME with LOOP_SET_STATUS64 (NAME may be
   relative, non-canonical or empty, as a runtime may pass it).  With
   "raw", the first 64 bytes of NAME are stored with no terminating NUL.
   Prints the device.  Exit status 0 on success, 1 on failure.  */

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int
attach (int file, const char *name, int raw, char *dev, size_t devsize)
{
  for (int attempt = 0; attempt < 100; attempt++)
    {
      struct loop_info64 info;
      int ctl = open ("/dev/loop-control", O_RDWR | O_CLOEXEC);
      int n = ctl < 0 ? -1 : ioctl (ctl, LOOP_CTL_GET_FREE);
      int fd;

      if (ctl >= 0)
        close (ctl);
      if (n < 0)
        return -1;
      snprintf (dev, devsize, "/dev/loop%d", n);
      fd = open (dev, O_RDWR | O_CLOEXEC);
      if (fd < 0)
        return -1;
      if (ioctl (fd, LOOP_SET_FD, file) != 0)
        {
          close (fd);
          if (errno == EBUSY)
            continue;           /* taken meanwhile: try another */
          return -1;
        }
      memset (&info, 0, sizeof info);
      if (raw)
        memcpy (info.lo_file_name, name, LO_NAME_SIZE);
      else
        strncpy ((char *) info.lo_file_name, name, LO_NAME_SIZE - 1);
      if (ioctl (fd, LOOP_SET_STATUS64, &info) != 0)
        {
          ioctl (fd, LOOP_CLR_FD, 0);
          close (fd);
          return -1;
        }
      close (fd);
      return 0;
    }
  errno = EBUSY;
  return -1;
}

int
main (int argc, char **argv)
{
  char dev[64];
  int file;
  int raw = argc == 4 && strcmp (argv[3], "raw") == 0;

  if (argc < 3 || argc > 4 || (argc == 4 && !raw)
      || (raw && strlen (argv[2]) < LO_NAME_SIZE))
    {
      fprintf (stderr, "usage: loop-attach FILE NAME [raw]\n"
               "  (with raw, NAME has at least 64 bytes)\n");
      return 1;
    }
  file = open (argv[1], O_RDWR | O_CLOEXEC);
  if (file < 0 || attach (file, argv[2], raw, dev, sizeof dev) != 0)
    {
      perror ("loop-attach");
      return 1;
    }
  printf ("%s\n", dev);
  return 0;
}
