/* SPDX-License-Identifier: GPL-3.0-or-later */
/* detect.c -- recognise "losetup -l -O NAME,BACK-FILE" in all its spellings.

   The decision is made with getopt_long over losetup's own option grammar,
   so that bundled short options, "--output=...", abbreviations and "--" are
   read as losetup reads them.  Anything else is left to the original.
   The grammar is that of the util-linux version installed (ulversions.h):
   "--l" is --list up to 2.39 and ambiguous from 2.40 on, for instance.  */

#include "system.h"

#include "detect.h"

#include <c-strcase.h>
#include <getopt.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

#include "columns.h"
#include "xalloc.h"
#include "ulversions.h"

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

/* losetup's options, each with the fact of ulversions.h that must hold
   for the option to exist, and ARG_FACT, the one that must hold for it
   to take the argument OPT.has_arg says (else it takes none).  An option
   whose value is a character is also that short option: every short
   option of losetup has a long twin.  */
static const struct
{
  struct option opt;
  enum ul_fact fact;
  enum ul_fact arg_fact;
} options[] = {
  {{"all", no_argument, NULL, 'a'}, UL_ALWAYS, UL_ALWAYS},
  {{"set-capacity", required_argument, NULL, 'c'}, UL_ALWAYS,
   UL_CAPACITY_DETACH_ARGUMENT},
  {{"detach", required_argument, NULL, 'd'}, UL_ALWAYS,
   UL_CAPACITY_DETACH_ARGUMENT},
  {{"detach-all", no_argument, NULL, 'D'}, UL_ALWAYS, UL_ALWAYS},
  {{"find", no_argument, NULL, 'f'}, UL_ALWAYS, UL_ALWAYS},
  {{"nooverlap", no_argument, NULL, 'L'}, UL_ALWAYS, UL_ALWAYS},
  {{"help", no_argument, NULL, 'h'}, UL_ALWAYS, UL_ALWAYS},
  {{"associated", required_argument, NULL, 'j'}, UL_ALWAYS, UL_ALWAYS},
  {{"json", no_argument, NULL, 'J'}, UL_ALWAYS, UL_ALWAYS},
  {{"list", no_argument, NULL, 'l'}, UL_ALWAYS, UL_ALWAYS},
  {{"sector-size", required_argument, NULL, 'b'}, UL_ALWAYS, UL_ALWAYS},
  {{"noheadings", no_argument, NULL, 'n'}, UL_ALWAYS, UL_ALWAYS},
  {{"offset", required_argument, NULL, 'o'}, UL_ALWAYS, UL_ALWAYS},
  {{"output", required_argument, NULL, 'O'}, UL_ALWAYS, UL_ALWAYS},
  {{"output-all", no_argument, NULL, OPT_OUTPUT_ALL}, UL_ALWAYS, UL_ALWAYS},
  {{"sizelimit", required_argument, NULL, OPT_SIZELIMIT}, UL_ALWAYS,
   UL_ALWAYS},
  {{"partscan", no_argument, NULL, 'P'}, UL_ALWAYS, UL_ALWAYS},
  {{"read-only", no_argument, NULL, 'r'}, UL_ALWAYS, UL_ALWAYS},
  {{"direct-io", optional_argument, NULL, OPT_DIO}, UL_ALWAYS, UL_ALWAYS},
  {{"raw", no_argument, NULL, OPT_RAW}, UL_ALWAYS, UL_ALWAYS},
  {{"loop-ref", required_argument, NULL, OPT_LOOP_REF}, UL_LOOP_REF_OPTION,
   UL_ALWAYS},
  {{"show", no_argument, NULL, OPT_SHOW}, UL_ALWAYS, UL_ALWAYS},
  {{"verbose", no_argument, NULL, 'v'}, UL_VERBOSE_OPTION, UL_ALWAYS},
  {{"version", no_argument, NULL, 'V'}, UL_ALWAYS, UL_ALWAYS},
  {{"remove", no_argument, NULL, OPT_REMOVE}, UL_REMOVE_OPTION, UL_ALWAYS},
};

#define N_OPTIONS (sizeof options / sizeof *options)

/* The option grammar of one version, as getopt_long takes it: each short
   option with up to two colons.  */
struct grammar
{
  char short_options[3 * N_OPTIONS + 1];
  struct option long_options[N_OPTIONS + 1];
};

/* Fills *G with losetup's options in util-linux VERSION.  */
static void
grammar_for (unsigned int version, struct grammar *g)
{
  char *out = g->short_options;
  size_t n = 0;

  for (size_t i = 0; i < N_OPTIONS; i++)
    if (ul_has (version, options[i].fact))
      {
        struct option *o = &g->long_options[n++];

        *o = options[i].opt;
        if (!ul_has (version, options[i].arg_fact))
          o->has_arg = no_argument;
        if (o->val > CHAR_MAX)
          continue;
        *out++ = o->val;
        if (o->has_arg != no_argument)
          *out++ = ':';
        if (o->has_arg == optional_argument)
          *out++ = ':';
      }
  *out = '\0';
  memset (&g->long_options[n], 0, sizeof g->long_options[n]);
}

/* Returns true when the N bytes at S name the column NAME, compared as
   losetup VERSION compares them: strncasecmp in the current locale, or
   in ASCII.  */
static bool
column_is (unsigned int version, const char *s, size_t n, const char *name)
{
  int diff = (ul_has (version, UL_COLUMN_NAMES_ASCII)
              ? c_strncasecmp (s, name, n) : strncasecmp (s, name, n));

  return diff == 0 && name[n] == '\0';
}

bool
columns_are_name_back_file_in (unsigned int version, const char *columns)
{
  const char *comma = strchr (columns, ',');

  if (comma == NULL || comma == columns || strchr (comma + 1, ',') != NULL)
    return false;
  return (column_is (version, columns, comma - columns,
                     lc_column_info (LC_COLUMN_NAME)->name)
          && comma[1] != '\0'
          && column_is (version, comma + 1, strlen (comma + 1),
                        lc_column_info (LC_COLUMN_BACK_FILE)->name));
}

/* Returns true when util-linux VERSION's grammar reads ARGV as options
   -l and -O only, no operand, at least one -O, and stores the last -O's
   argument (a pointer into ARGV) in *COLUMNS.  */
static bool
columns_in (unsigned int version, int argc, char *const *argv,
            const char **columns_out)
{
  /* getopt_long permutes its array; work on a copy of the pointers so the
     original losetup gets ARGV exactly as we were given it.  The copy of
     a short ARGV, every call in practice, is on the stack: a call handed
     over then never starts malloc (three system calls of its own).  */
  char *small[16];
  char **copy = ((size_t) argc < sizeof small / sizeof *small ? small
                 : xnmalloc (argc + 1, sizeof *copy));
  const char *columns = NULL;
  struct grammar g;
  bool other = false;
  int c;

  grammar_for (version, &g);
  memcpy (copy, argv, (argc + 1) * sizeof *copy);
  opterr = 0;
  optind = 0;                   /* 0: also reset getopt's internal state */
  while ((c = getopt_long (argc, copy, g.short_options, g.long_options,
                           NULL)) != -1)
    {
      if (c == 'O')
        columns = optarg;       /* the last -O wins, as in losetup */
      else if (c != 'l')
        other = true;           /* another option, or an error */
    }
  other = other || optind != argc;
  optind = 0;
  if (copy != small)
    free (copy);

  *columns_out = columns;
  return !other && columns != NULL;
}

bool
is_list_request_at_run_time (int argc, char *const *argv,
                             void (*prepare) (void),
                             unsigned int (*version) (void))
{
  unsigned int spans[UL_DETECTION_SPANS_MAX], v;
  const char *columns[UL_DETECTION_SPANS_MAX];
  bool verdicts[UL_DETECTION_SPANS_MAX], any = false;
  size_t n = ul_detection_spans (spans), i;

  for (i = 0; i < n; i++)
    {
      verdicts[i] = columns_in (spans[i], argc, argv, &columns[i]);
      any = any || verdicts[i];
    }
  if (any && prepare != NULL)
    prepare ();
  for (i = 0; i < n; i++)
    verdicts[i] = (verdicts[i]
                   && columns_are_name_back_file_in (spans[i], columns[i]));
  /* Most calls read the same in every version: then the version is not
     needed, nor the library that tells it.  */
  for (i = 1; i < n && verdicts[i] == verdicts[0]; i++)
    continue;
  if (i == n)
    return verdicts[0];
  /* The span that holds the version: the newest that begins at or below
     it (an unknown version is the newest, an older one the oldest).  */
  v = version ();
  for (i = 0; v != UL_VERSION_UNKNOWN && i + 1 < n && spans[i] > v; i++)
    continue;
  return verdicts[i];
}
