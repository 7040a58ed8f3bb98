/* SPDX-License-Identifier: GPL-3.0-or-later */
/* detect.c -- recognise "losetup -l -O NAME,BACK-FILE" in all its spellings.

   The decision is made with getopt_long over losetup's own option grammar,
   so that bundled short options, "--output=...", abbreviations and "--" are
   read as losetup reads them.  Anything else is left to the original.  */

#include "system.h"

#include "detect.h"

#include <getopt.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

#include "xalloc.h"

enum
{
  OPT_OUTPUT_ALL = CHAR_MAX + 1,
  OPT_SIZELIMIT,
  OPT_DIO,
  OPT_RAW,
  OPT_SHOW,
  OPT_LOOP_REF,
  OPT_REMOVE
};

/* losetup's options: the union of util-linux 2.38 to 2.41.  Taking the
   union means that an abbreviation ambiguous in any of those versions
   ("--l" is --list or --loop-ref since 2.40) is never taken for --list.  */
static const char short_options[] = "ab:c:d:Dfhj:JlLno:O:PrvV";

static const struct option long_options[] = {
  {"all", no_argument, NULL, 'a'},
  {"set-capacity", required_argument, NULL, 'c'},
  {"detach", required_argument, NULL, 'd'},
  {"detach-all", no_argument, NULL, 'D'},
  {"find", no_argument, NULL, 'f'},
  {"nooverlap", no_argument, NULL, 'L'},
  {"help", no_argument, NULL, 'h'},
  {"associated", required_argument, NULL, 'j'},
  {"json", no_argument, NULL, 'J'},
  {"list", no_argument, NULL, 'l'},
  {"sector-size", required_argument, NULL, 'b'},
  {"noheadings", no_argument, NULL, 'n'},
  {"offset", required_argument, NULL, 'o'},
  {"output", required_argument, NULL, 'O'},
  {"output-all", no_argument, NULL, OPT_OUTPUT_ALL},
  {"sizelimit", required_argument, NULL, OPT_SIZELIMIT},
  {"partscan", no_argument, NULL, 'P'},
  {"read-only", no_argument, NULL, 'r'},
  {"direct-io", optional_argument, NULL, OPT_DIO},
  {"raw", no_argument, NULL, OPT_RAW},
  {"loop-ref", required_argument, NULL, OPT_LOOP_REF},
  {"show", no_argument, NULL, OPT_SHOW},
  {"verbose", no_argument, NULL, 'v'},
  {"version", no_argument, NULL, 'V'},
  {"remove", no_argument, NULL, OPT_REMOVE},
  {NULL, 0, NULL, 0}
};

/* Returns true when the N bytes at S name the column NAME, compared as
   losetup compares them (strncasecmp, so in the current locale).  */
static bool
column_is (const char *s, size_t n, const char *name)
{
  return strncasecmp (s, name, n) == 0 && name[n] == '\0';
}

bool
columns_are_name_back_file (const char *columns)
{
  const char *comma = strchr (columns, ',');

  if (comma == NULL || comma == columns || strchr (comma + 1, ',') != NULL)
    return false;
  return (column_is (columns, comma - columns, "NAME")
          && comma[1] != '\0'
          && column_is (comma + 1, strlen (comma + 1), "BACK-FILE"));
}

bool
list_request_columns (int argc, char *const *argv, const char **columns_out)
{
  /* getopt_long permutes its array; work on a copy of the pointers so the
     original losetup gets ARGV exactly as we were given it.  */
  char **copy = xnmalloc (argc + 1, sizeof *copy);
  const char *columns = NULL;
  bool other = false;
  int c;

  memcpy (copy, argv, (argc + 1) * sizeof *copy);
  opterr = 0;
  optind = 0;                   /* 0: also reset getopt's internal state */
  while ((c = getopt_long (argc, copy, short_options, long_options, NULL))
         != -1)
    {
      if (c == 'O')
        columns = optarg;       /* the last -O wins, as in losetup */
      else if (c != 'l')
        other = true;           /* another option, or an error */
    }
  other = other || optind != argc;
  optind = 0;
  free (copy);

  *columns_out = columns;
  return !other && columns != NULL;
}

bool
is_list_request (int argc, char *const *argv)
{
  const char *columns;

  return (list_request_columns (argc, argv, &columns)
          && columns_are_name_back_file (columns));
}
