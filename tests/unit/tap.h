/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tap.h -- the unit tests' reporting: one "PASS: " or "FAIL: " line per
   check, read by lc_report in tests/lib/losetup-container.exp.  */

#ifndef LC_TAP_H
#define LC_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_failures;

#define CHECK(cond, ...)                                        \
  do {                                                          \
    printf ((cond) ? "PASS: " : "FAIL: ");                      \
    printf (__VA_ARGS__);                                       \
    putchar ('\n');                                             \
    if (!(cond))                                                \
      tap_failures++;                                           \
  } while (0)

/* Compares two strings, either of which may be NULL.  */
static inline int
tap_streq (const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return strcmp (a, b) == 0;
}

/* Failures are reported as FAIL lines; the exit status stays 0 so that
   only a crash counts as one more failure.  */
#define TAP_END() return (fflush (stdout) == 0 ? 0 : 1)

#endif /* LC_TAP_H */
