/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check.h -- the unit tests' reporting: one "PASS: " or "FAIL: " line per
   check (not TAP), read by lc_report in tests/lib/losetup-container.exp.  */

#ifndef LC_CHECK_H
#define LC_CHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int check_failures;

/* Evaluates COND once and prints "PASS: " or "FAIL: " followed by the
   printf-style message.  */
#define CHECK(cond, ...)                                        \
  do {                                                          \
    bool check_ok_ = (cond);                                    \
    fputs (check_ok_ ? "PASS: " : "FAIL: ", stdout);            \
    printf (__VA_ARGS__);                                       \
    putchar ('\n');                                             \
    if (!check_ok_)                                             \
      check_failures++;                                         \
  } while (0)

/* Compares two strings, either of which may be NULL.  */
static inline int
check_streq (const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return strcmp (a, b) == 0;
}

/* Failures are reported as FAIL lines; the exit status stays 0 so that
   only a crash (or a lost line of output) counts as one more failure.  */
#define CHECK_END() return (fflush (stdout) == 0 ? 0 : 1)

#endif /* LC_CHECK_H */
