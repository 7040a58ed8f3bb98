/* SPDX-License-Identifier: GPL-3.0-or-later */
/* elf-needs.c -- "elf-needs SONAME FILE...": for each FILE, a line
   "yes FILE" when src/elfneeds.c finds SONAME among the libraries it
   needs, "no FILE" when not, so that a test can hold the answers against
   readelf's.  Exits 0, or 2 for a FILE that cannot be opened.  */

#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "elfneeds.h"

int
main (int argc, char **argv)
{
  int status = 0;

  if (argc < 2)
    {
      fprintf (stderr, "usage: elf-needs SONAME FILE...\n");
      return 2;
    }
  for (int i = 2; i < argc; i++)
    {
      int fd = open (argv[i], O_RDONLY | O_CLOEXEC);

      if (fd < 0)
        {
          perror (argv[i]);
          status = 2;
          continue;
        }
      printf ("%s %s\n", elf_fd_needs (fd, argv[1]) ? "yes" : "no", argv[i]);
      close (fd);
    }
  return status;
}
