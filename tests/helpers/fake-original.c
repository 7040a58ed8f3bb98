/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fake-original.c -- a stand-in for util-linux losetup in the tests.

   Prints its process ID and its argv, one "argv[N]=..." line each; with
   FAKE_ORIGINAL_ENV set, its whole environment, one "env:..." line each;
   with FAKE_ORIGINAL_CAT set, copies its standard input.  Then ends the
   way FAKE_ORIGINAL_END says: "exit:N" exits with N, "signal:N" dies by
   signal N; unset exits 0.  */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int
main (int argc, char **argv)
{
  const char *end = getenv ("FAKE_ORIGINAL_END");

  printf ("pid=%ld\n", (long) getpid ());
  for (int i = 0; i < argc; i++)
    printf ("argv[%d]=%s\n", i, argv[i]);
  if (getenv ("FAKE_ORIGINAL_ENV") != NULL)
    for (char **e = environ; *e != NULL; e++)
      printf ("env:%s\n", *e);
  if (getenv ("FAKE_ORIGINAL_CAT") != NULL)
    {
      int c;
      while ((c = getchar ()) != EOF)
        putchar (c);
    }
  fflush (stdout);
  if (end != NULL && strncmp (end, "exit:", 5) == 0)
    return atoi (end + 5);
  if (end != NULL && strncmp (end, "signal:", 7) == 0)
    {
      int sig = atoi (end + 7);
      signal (sig, SIG_DFL);
      raise (sig);
      return 99;
    }
  return 0;
}
