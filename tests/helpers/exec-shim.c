/* SPDX-License-Identifier: GPL-3.0-or-later */
/* exec-shim.c -- a compiled second shim in the tests, which may lead
   back to losetup-container: notes a round (a line in the file
   $SHIM_ROUNDS, when set), then runs $SHIM_NEXT with its own argv, by
   execv() or, with SHIM_CHILD set, as a child it waits for (exiting with
   the child's status).  Linked with nothing but the C library, as a
   static or Go or Rust shim would be.  */

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  const char *rounds = getenv ("SHIM_ROUNDS");
  const char *next = getenv ("SHIM_NEXT");
  pid_t pid;
  int status;

  (void) argc;
  if (rounds != NULL)
    {
      FILE *f = fopen (rounds, "a");
      if (f == NULL || fputs ("round\n", f) == EOF || fclose (f) != 0)
        return 99;
    }
  if (next == NULL)
    return 98;
  if (getenv ("SHIM_CHILD") == NULL)
    {
      execv (next, argv);
      return 97;
    }
  pid = fork ();
  if (pid == 0)
    {
      execv (next, argv);
      _exit (97);
    }
  if (pid < 0 || waitpid (pid, &status, 0) != pid)
    return 96;
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}
