/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-detect.c -- argv detection over any command line.

   The input, cut at NUL bytes, is argv after "losetup".
   is_list_request_at_run_time (the newest version) must leave argv
   exactly as it was (the original losetup gets it next), give the same
   answer when asked twice (getopt's state is reset), and only ever say
   yes to a line that names the columns.  columns_are_name_back_file_in,
   in a version that compares in the locale and in one that compares in
   ASCII, must accept exactly "NAME,BACK-FILE" in any case (the fuzzer
   runs in the C locale).  */

#include <config.h>

#include <string.h>
#include <strings.h>

#include "detect.h"
#include "fuzz.h"
#include "ulversions.h"

static unsigned int
newest (void)
{
  return UL_VERSION_NEWEST;
}

#define MAX_ARGS 64

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *buf = malloc (size + 1);
  char *argv[MAX_ARGS + 2], *saved[MAX_ARGS + 2], *copies[MAX_ARGS + 2];
  int argc = 0;
  bool first, second;

  memcpy (buf, data, size);
  buf[size] = '\0';
  argv[argc++] = (char *) "losetup";
  for (char *p = buf; p < buf + size && argc <= MAX_ARGS; p += strlen (p) + 1)
    argv[argc++] = p;
  argv[argc] = NULL;
  for (int i = 0; i < argc; i++)
    {
      saved[i] = argv[i];
      copies[i] = strdup (argv[i]);
    }

  first = is_list_request_at_run_time (argc, argv, NULL, newest);
  second = is_list_request_at_run_time (argc, argv, NULL, newest);
  FUZZ_ASSERT (first == second);
  for (int i = 0; i < argc; i++)
    FUZZ_ASSERT (argv[i] == saved[i] && strcmp (argv[i], copies[i]) == 0);
  FUZZ_ASSERT (argv[argc] == NULL);

  /* A yes needs the columns written somewhere.  The last word of a yes
     is an option or the columns themselves (the argument of the last -O):
     anything else would be a device name or another option's argument.  */
  if (first)
    {
      bool columns = false;
      for (int i = 1; i < argc; i++)
        if (strcasestr (argv[i], "name,back-file") != NULL)
          columns = true;
      FUZZ_ASSERT (columns);
      FUZZ_ASSERT (argc > 1);
      FUZZ_ASSERT (argv[argc - 1][0] == '-'
                   || strcasecmp (argv[argc - 1], "name,back-file") == 0);
    }

  for (int i = 1; i < argc; i++)
    {
      bool want = strcasecmp (argv[i], "name,back-file") == 0;
      FUZZ_ASSERT (columns_are_name_back_file_in (UL_VERSION_OLDEST, argv[i])
                   == want);
      FUZZ_ASSERT (columns_are_name_back_file_in (UL_VERSION_NEWEST, argv[i])
                   == want);
    }

  for (int i = 0; i < argc; i++)
    free (copies[i]);
  free (buf);
  return 0;
}
