/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-detect.c -- which argv forms are the intercepted request.

   The forms come from how util-linux losetup reads its options: each case
   says what losetup would do with it.  The pass-through tests check the
   other half (that what is not intercepted reaches losetup intact).  */

#include <config.h>

#include <locale.h>
#include <stdbool.h>
#include <stdlib.h>

#include "detect.h"
#include "check.h"

struct form
{
  bool intercepted;
  const char *why;
  const char *argv[8];
};

static const struct form forms[] = {
  {true, "the LINSTOR spelling", {"losetup", "-l", "-O", "NAME,BACK-FILE"}},
  {true, "long options", {"losetup", "--list", "--output", "NAME,BACK-FILE"}},
  {true, "--output= before --list",
   {"losetup", "--output=NAME,BACK-FILE", "--list"}},
  {true, "bundled -lO with attached argument",
   {"losetup", "-lONAME,BACK-FILE"}},
  {true, "bundled -lO, separate argument",
   {"losetup", "-lO", "NAME,BACK-FILE"}},
  {true, "-O alone implies --list", {"losetup", "-O", "NAME,BACK-FILE"}},
  {true, "lower-case column names", {"losetup", "-l", "-O", "name,back-file"}},
  {true, "mixed-case column names", {"losetup", "-l", "-O", "Name,Back-File"}},
  {true, "a trailing --", {"losetup", "-l", "-O", "NAME,BACK-FILE", "--"}},
  {true, "repeated -l", {"losetup", "-l", "-l", "-O", "NAME,BACK-FILE"}},
  {true, "the last -O wins",
   {"losetup", "-O", "BACK-FILE", "-l", "-O", "NAME,BACK-FILE"}},
  {true, "unambiguous abbreviation --lis",
   {"losetup", "--lis", "-O", "NAME,BACK-FILE"}},
  {false, "no arguments: default columns", {"losetup"}},
  {false, "-l alone: default columns", {"losetup", "-l"}},
  {false, "-a", {"losetup", "-a"}},
  {false, "-n", {"losetup", "-l", "-n", "-O", "NAME,BACK-FILE"}},
  {false, "--raw", {"losetup", "-l", "--raw", "-O", "NAME,BACK-FILE"}},
  {false, "-J", {"losetup", "-l", "-J", "-O", "NAME,BACK-FILE"}},
  {false, "-a with the columns", {"losetup", "-a", "-l", "-O", "NAME,BACK-FILE"}},
  {false, "a device argument",
   {"losetup", "-l", "-O", "NAME,BACK-FILE", "/dev/loop0"}},
  {false, "a device argument after --",
   {"losetup", "-l", "-O", "NAME,BACK-FILE", "--", "/dev/loop0"}},
  {false, "reordered columns", {"losetup", "-l", "-O", "BACK-FILE,NAME"}},
  {false, "one column", {"losetup", "-l", "-O", "NAME"}},
  {false, "extra column", {"losetup", "-l", "-O", "NAME,BACK-FILE,RO"}},
  {false, "appended columns", {"losetup", "-l", "-O", "+NAME,BACK-FILE"}},
  {false, "trailing comma", {"losetup", "-l", "-O", "NAME,BACK-FILE,"}},
  {false, "leading comma", {"losetup", "-l", "-O", ",NAME,BACK-FILE"}},
  {false, "empty column list", {"losetup", "-l", "-O", ""}},
  {false, "space in column list", {"losetup", "-l", "-O", "NAME, BACK-FILE"}},
  {false, "prefix of a column", {"losetup", "-l", "-O", "NAM,BACK-FILE"}},
  {false, "unknown option", {"losetup", "-l", "-O", "NAME,BACK-FILE", "-x"}},
  {false, "unknown long option", {"losetup", "--lst", "-O", "NAME,BACK-FILE"}},
  {false, "ambiguous --out (output, output-all)",
   {"losetup", "-l", "--out", "NAME,BACK-FILE"}},
  {false, "ambiguous --l (list, loop-ref)",
   {"losetup", "--l", "-O", "NAME,BACK-FILE"}},
  {false, "--output-all", {"losetup", "-l", "--output-all"}},
  {false, "-O without argument", {"losetup", "-l", "-O"}},
  {false, "--list with an argument", {"losetup", "--list=x", "-O", "NAME,BACK-FILE"}},
  {false, "--verbose", {"losetup", "-v", "-l", "-O", "NAME,BACK-FILE"}},
  {false, "--help", {"losetup", "-l", "-O", "NAME,BACK-FILE", "--help"}},
  {false, "--version", {"losetup", "-V", "-l", "-O", "NAME,BACK-FILE"}},
  {false, "-j file", {"losetup", "-j", "/x", "-O", "NAME,BACK-FILE"}},
  {false, "-O taking -l as its argument", {"losetup", "-O", "-l"}},
  {false, "-o taking the columns", {"losetup", "-l", "-o", "NAME,BACK-FILE"}},
};

static int
count (const char *const *argv)
{
  int n = 0;
  while (argv[n] != NULL)
    n++;
  return n;
}

int
main (void)
{
  setlocale (LC_ALL, "C");
  for (size_t i = 0; i < sizeof forms / sizeof *forms; i++)
    {
      const struct form *f = &forms[i];
      int argc = count (f->argv);
      char *argv[8];
      bool got;

      memcpy (argv, f->argv, sizeof argv);
      got = is_list_request (argc, argv);
      CHECK (got == f->intercepted, "%s %s", f->why,
             f->intercepted ? "is intercepted" : "is handed over");
      CHECK (memcmp (argv, f->argv, sizeof argv) == 0,
             "%s: argv left unchanged", f->why);
    }
  /* Twice in a row: getopt's state must be reset between calls.  */
  {
    char *a[] = { "losetup", "-l", "-O", "NAME,BACK-FILE", NULL };
    char *b[] = { "losetup", "-l", NULL };
    CHECK (is_list_request (4, a) && !is_list_request (2, b)
           && is_list_request (4, a), "repeated calls are independent");
  }
  CHECK_END ();
}
