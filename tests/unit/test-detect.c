/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-detect.c -- which argv forms are the intercepted request, in each
   util-linux version followed.

   The forms come from how util-linux losetup reads its options: each case
   says which versions of losetup read it as the request.  The pass-through
   tests check the other half (that what is not intercepted reaches losetup
   intact).  Run as "test-detect --forms VERSION", it prints the forms and
   what VERSION should make of them, for tests/losetup-container.detect/forms.sh,
   which proves each against a real losetup of that version.  */

#include <config.h>

#include <locale.h>
#include <stdbool.h>
#include <stdlib.h>

#include "detect.h"
#include "ulversions.h"
#include "check.h"

struct form
{
  /* Intercepted from version FROM (0: never) up to, not including, UNTIL
     (0: the newest too).  */
  unsigned int from, until;
  const char *why;
  const char *argv[8];
};

#define YES UL_VERSION_OLDEST, 0
#define NO 0, 0

static const struct form forms[] = {
  {YES, "the LINSTOR spelling", {"losetup", "-l", "-O", "NAME,BACK-FILE"}},
  {YES, "long options", {"losetup", "--list", "--output", "NAME,BACK-FILE"}},
  {YES, "--output= before --list",
   {"losetup", "--output=NAME,BACK-FILE", "--list"}},
  {YES, "bundled -lO with attached argument",
   {"losetup", "-lONAME,BACK-FILE"}},
  {YES, "bundled -lO, separate argument",
   {"losetup", "-lO", "NAME,BACK-FILE"}},
  {YES, "-O alone implies --list", {"losetup", "-O", "NAME,BACK-FILE"}},
  {YES, "lower-case column names", {"losetup", "-l", "-O", "name,back-file"}},
  {YES, "mixed-case column names", {"losetup", "-l", "-O", "Name,Back-File"}},
  {YES, "a trailing --", {"losetup", "-l", "-O", "NAME,BACK-FILE", "--"}},
  {YES, "repeated -l", {"losetup", "-l", "-l", "-O", "NAME,BACK-FILE"}},
  {YES, "the last -O wins",
   {"losetup", "-O", "BACK-FILE", "-l", "-O", "NAME,BACK-FILE"}},
  {YES, "unambiguous abbreviation --lis",
   {"losetup", "--lis", "-O", "NAME,BACK-FILE"}},
  {NO, "no arguments: default columns", {"losetup"}},
  {NO, "-l alone: default columns", {"losetup", "-l"}},
  {NO, "-a", {"losetup", "-a"}},
  {NO, "-n", {"losetup", "-l", "-n", "-O", "NAME,BACK-FILE"}},
  {NO, "--raw", {"losetup", "-l", "--raw", "-O", "NAME,BACK-FILE"}},
  {NO, "-J", {"losetup", "-l", "-J", "-O", "NAME,BACK-FILE"}},
  {NO, "-a with the columns", {"losetup", "-a", "-l", "-O", "NAME,BACK-FILE"}},
  {NO, "a device argument",
   {"losetup", "-l", "-O", "NAME,BACK-FILE", "/dev/loop0"}},
  {NO, "a device argument after --",
   {"losetup", "-l", "-O", "NAME,BACK-FILE", "--", "/dev/loop0"}},
  {NO, "reordered columns", {"losetup", "-l", "-O", "BACK-FILE,NAME"}},
  {NO, "one column", {"losetup", "-l", "-O", "NAME"}},
  {NO, "extra column", {"losetup", "-l", "-O", "NAME,BACK-FILE,RO"}},
  {NO, "appended columns", {"losetup", "-l", "-O", "+NAME,BACK-FILE"}},
  {NO, "trailing comma", {"losetup", "-l", "-O", "NAME,BACK-FILE,"}},
  {NO, "leading comma", {"losetup", "-l", "-O", ",NAME,BACK-FILE"}},
  {NO, "empty column list", {"losetup", "-l", "-O", ""}},
  {NO, "space in column list", {"losetup", "-l", "-O", "NAME, BACK-FILE"}},
  {NO, "prefix of a column", {"losetup", "-l", "-O", "NAM,BACK-FILE"}},
  {NO, "unknown option", {"losetup", "-l", "-O", "NAME,BACK-FILE", "-x"}},
  {NO, "unknown long option", {"losetup", "--lst", "-O", "NAME,BACK-FILE"}},
  {NO, "ambiguous --out (output, output-all)",
   {"losetup", "-l", "--out", "NAME,BACK-FILE"}},
  {UL_VERSION_OLDEST, UL_VERSION (2, 40),
   "--l: --list until --loop-ref came (2.40)",
   {"losetup", "--l", "-O", "NAME,BACK-FILE"}},
  {NO, "--lo: --loop-ref from 2.40, unknown before",
   {"losetup", "--lo", "x", "-O", "NAME,BACK-FILE"}},
  {NO, "--loop-ref", {"losetup", "--loop-ref", "x", "-O", "NAME,BACK-FILE"}},
  {NO, "-v (unknown from 2.42)", {"losetup", "-lv", "-O", "NAME,BACK-FILE"}},
  {NO, "-d: an option with or without argument",
   {"losetup", "-d", "-l", "-O", "NAME,BACK-FILE"}},
  {NO, "-c: an option with or without argument",
   {"losetup", "-l", "-O", "NAME,BACK-FILE", "-c"}},
  {NO, "--remove (2.42)", {"losetup", "-l", "-O", "NAME,BACK-FILE", "--remove"}},
  {NO, "--output-all", {"losetup", "-l", "--output-all"}},
  {NO, "-O without argument", {"losetup", "-l", "-O"}},
  {NO, "--list with an argument", {"losetup", "--list=x", "-O", "NAME,BACK-FILE"}},
  {NO, "--verbose", {"losetup", "--verbose", "-l", "-O", "NAME,BACK-FILE"}},
  {NO, "--help", {"losetup", "-l", "-O", "NAME,BACK-FILE", "--help"}},
  {NO, "--version", {"losetup", "-V", "-l", "-O", "NAME,BACK-FILE"}},
  {NO, "-j file", {"losetup", "-j", "/x", "-O", "NAME,BACK-FILE"}},
  {NO, "-O taking -l as its argument", {"losetup", "-O", "-l"}},
  {NO, "-o taking the columns", {"losetup", "-l", "-o", "NAME,BACK-FILE"}},
};

#undef YES
#undef NO

#define N_FORMS (sizeof forms / sizeof *forms)

/* Returns true when form F is intercepted in util-linux VERSION.  */
static bool
taken_in (const struct form *f, unsigned int version)
{
  return (f->from != 0 && version >= f->from
          && (f->until == 0 || version < f->until));
}

static int
count (const char *const *argv)
{
  int n = 0;
  while (argv[n] != NULL)
    n++;
  return n;
}

/* The stand-in for the run-time version: counts the calls.  */
static int asked;
static unsigned int asked_version;

static unsigned int
version_now (void)
{
  asked++;
  return asked_version;
}

/* What util-linux VERSION makes of ARGV (ARGC entries), asked the way
   the program asks: is_list_request_at_run_time, VERSION installed.  */
static bool
taken_at (unsigned int version, int argc, char **argv)
{
  asked_version = version;
  return is_list_request_at_run_time (argc, argv, NULL, version_now);
}

/* The stand-in for loading the locale: counts the calls.  */
static int prepared;

static void
prepare_now (void)
{
  prepared++;
}

/* The versions the run-time decision is checked with: each minor
   version, both sides of 2.41.1, and an unknown one (the newest).  */
static const unsigned int run_time_versions[] = {
  UL_VERSION (2, 36), UL_VERSION (2, 37), UL_VERSION (2, 38),
  UL_VERSION (2, 39), UL_VERSION (2, 40), UL_VERSION (2, 41),
  UL_RELEASE (2, 41, 1), UL_VERSION (2, 42), UL_RELEASE (2, 42, 4),
  UL_VERSION (2, 43), UL_VERSION_UNKNOWN
};

/* Checks is_list_request_at_run_time on form F for each version of
   run_time_versions: the answer is that version's, argv is left alone,
   and the locale is prepared at most once, once whenever some version
   takes F.  */
static void
check_run_time (const struct form *f, int n)
{
  for (size_t i = 0; i < sizeof run_time_versions / sizeof *run_time_versions;
       i++)
    {
      unsigned int v = run_time_versions[i];
      unsigned int as = (v == UL_VERSION_UNKNOWN ? UL_VERSION_NEWEST
                         : v < UL_VERSION_OLDEST ? UL_VERSION_OLDEST : v);
      bool any = false, got;
      char *copy[8];

      for (unsigned int w = UL_VERSION_OLDEST; w <= UL_VERSION_NEWEST;
           w += UL_VERSION (0, 1))
        any = any || taken_in (f, w);
      memcpy (copy, f->argv, sizeof copy);
      asked_version = v;
      prepared = 0;
      got = is_list_request_at_run_time (n, copy, prepare_now, version_now);
      CHECK (got == taken_in (f, as)
             && memcmp (copy, f->argv, sizeof copy) == 0
             && prepared <= 1 && (!any || prepared == 1),
             "%s: at run time with version %u, %s (locale prepared %d "
             "times)", f->why, v, got ? "intercepted" : "handed over",
             prepared);
    }
}

/* Prints one line per form: "yes" or "no" (intercepted by VERSION), a
   tab, the description, a tab, the arguments after argv[0], each quoted
   for the shell.  */
static int
print_forms (unsigned int version)
{
  for (size_t i = 0; i < N_FORMS; i++)
    {
      printf ("%s\t%s\t", taken_in (&forms[i], version) ? "yes" : "no",
              forms[i].why);
      for (int j = 1; forms[i].argv[j] != NULL; j++)
        {
          putchar ('\'');
          for (const char *p = forms[i].argv[j]; *p; p++)
            fputs (*p == '\'' ? "'\\''" : (char[]) {*p, '\0'}, stdout);
          fputs ("' ", stdout);
        }
      putchar ('\n');
    }
  return fflush (stdout) == 0 ? 0 : 1;
}

/* The version strings libsmartcols and losetup give, and a few that are
   not versions.  */
static void
check_versions (void)
{
  static const struct
  {
    const char *s;
    unsigned int want;
  } cases[] = {
    {"2.38.1", UL_RELEASE (2, 38, 1)}, {"2.41", UL_VERSION (2, 41)},
    {"2.41.0", UL_VERSION (2, 41)}, {"2.42.4", UL_RELEASE (2, 42, 4)},
    {"2.42-rc1", UL_VERSION (2, 42)},
    {"2.39.3-devel", UL_RELEASE (2, 39, 3)},
    {"2.40.4+dfsg", UL_RELEASE (2, 40, 4)}, {"2.37~rc2", UL_VERSION (2, 37)},
    {"3.1", UL_VERSION (3, 1)}, {"", 0}, {"2", 0}, {"2.", 0}, {"2.41.", 0},
    {"v2.40", 0}, {".40", 0}, {"2.40x", 0}, {"2.40.1.2", 0}, {"0.0", 0},
    {"2.100", 0}, {"99999999999.1", 0}, {"2.99999999999", 0},
  };

  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    CHECK (ul_parse_version (cases[i].s) == cases[i].want,
           "version string \"%s\" reads as %u", cases[i].s, cases[i].want);
  CHECK (ul_parse_version (NULL) == UL_VERSION_UNKNOWN,
         "no version string: unknown");
  {
    /* From util-linux's history: 2.42 (no -v, flags -c/-d, --remove),
       2.41.1 (ASCII column names), 2.40 (--loop-ref), and 2.37.  */
    static const unsigned int want[] = {
      UL_VERSION (2, 42), UL_RELEASE (2, 41, 1), UL_VERSION (2, 40),
      UL_VERSION (2, 37)
    };
    unsigned int spans[UL_DETECTION_SPANS_MAX];
    size_t n = ul_detection_spans (spans);

    CHECK (n == sizeof want / sizeof *want
           && memcmp (spans, want, sizeof want) == 0,
           "the detection spans begin at 2.42, 2.41.1, 2.40, 2.37 (%zu)", n);
  }
  CHECK (ul_has (UL_VERSION_UNKNOWN, UL_LOST_ROWS)
         == ul_has (UL_VERSION_NEWEST, UL_LOST_ROWS)
         && ul_has (UL_VERSION_UNKNOWN, UL_VERBOSE_OPTION)
         == ul_has (UL_VERSION_NEWEST, UL_VERBOSE_OPTION),
         "an unknown version behaves as the newest");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C");
  if (argc == 3 && strcmp (argv[1], "--forms") == 0)
    return print_forms (ul_parse_version (argv[2]));
  check_versions ();
  for (size_t i = 0; i < N_FORMS; i++)
    {
      const struct form *f = &forms[i];
      int n = count (f->argv);
      char *copy[8];

      for (unsigned int v = UL_VERSION_OLDEST; v <= UL_VERSION_NEWEST;
           v += UL_VERSION (0, 1))
        {
          bool want = taken_in (f, v);
          memcpy (copy, f->argv, sizeof copy);
          CHECK (taken_at (v, n, copy) == want, "%s %s in 2.%u",
                 f->why, want ? "is intercepted" : "is handed over",
                 v / 100 % 100);
          CHECK (memcmp (copy, f->argv, sizeof copy) == 0,
                 "%s: argv left unchanged", f->why);
        }
      check_run_time (f, n);
    }
  /* The version is asked for only when the versions disagree.  */
  {
    char *same[] = { "losetup", "-l", "-O", "NAME,BACK-FILE", NULL };
    char *differ[] = { "losetup", "--l", "-O", "NAME,BACK-FILE", NULL };
    bool got;

    char *other[] = { "losetup", "-a", NULL };

    asked = 0;
    asked_version = UL_VERSION (2, 39);
    got = is_list_request_at_run_time (4, same, NULL, version_now);
    CHECK (got && asked == 0,
           "a form every version takes: the version is not asked for");
    got = is_list_request_at_run_time (4, differ, NULL, version_now);
    CHECK (got && asked == 1, "--l: the version is asked for, and 2.39 takes it");
    asked_version = UL_VERSION (2, 40);
    got = is_list_request_at_run_time (4, differ, NULL, version_now);
    CHECK (!got && asked == 2, "--l: 2.40 hands it over");
    prepared = 0;
    got = is_list_request_at_run_time (2, other, prepare_now, version_now);
    CHECK (!got && asked == 2 && prepared == 0,
           "-a: neither the version nor the locale is asked for");
  }
  /* Twice in a row: getopt's state must be reset between calls.  */
  {
    char *a[] = { "losetup", "-l", "-O", "NAME,BACK-FILE", NULL };
    char *b[] = { "losetup", "-l", NULL };
    CHECK (taken_at (UL_VERSION_NEWEST, 4, a)
           && !taken_at (UL_VERSION_NEWEST, 2, b)
           && taken_at (UL_VERSION_NEWEST, 4, a),
           "repeated calls are independent");
  }
  CHECK_END ();
}
