/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-bind-mounts.c -- LOSETUP_CONTAINER_BIND_MOUNTS as anyone may set it.

   The input, up to its first NUL byte (an environment string ends
   there), is the variable's value.  split_bind_mounts must return exactly
   the non-empty pieces between ':' and newline separators, in order, each
   one a fresh string; has_dot_component must agree with a plain reading
   of the piece one '/'-separated component at a time.  */

#include <config.h>

#include <stdbool.h>
#include <string.h>

#include "resolve.h"
#include "fuzz.h"

/* The reference: true when a component of the N bytes at P is "." or
   "..".  Components are what lies between slashes, the ends included.  */
static bool
reference_has_dot (const char *p, size_t n)
{
  size_t start = 0;

  for (size_t i = 0; i <= n; i++)
    if (i == n || p[i] == '/')
      {
        size_t len = i - start;
        if ((len == 1 && p[start] == '.')
            || (len == 2 && p[start] == '.' && p[start + 1] == '.'))
          return true;
        start = i + 1;
      }
  return false;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *list = malloc (size + 1);
  size_t n, k = 0, len, start = 0;
  char **v;
  static const struct resolver_ops ops = { 0 };

  memcpy (list, data, size);
  list[size] = '\0';
  len = strlen (list);

  v = split_bind_mounts (list, &n);
  for (size_t i = 0; i <= len; i++)
    if (i == len || list[i] == ':' || list[i] == '\n')
      {
        if (i > start)
          {
            /* The next piece must be this one, whole and alone.  */
            FUZZ_ASSERT (k < n);
            FUZZ_ASSERT (strlen (v[k]) == i - start);
            FUZZ_ASSERT (memcmp (v[k], list + start, i - start) == 0);
            FUZZ_ASSERT (has_dot_component (v[k])
                         == reference_has_dot (v[k], i - start));
            k++;
          }
        start = i + 1;
      }
  FUZZ_ASSERT (k == n);
  FUZZ_ASSERT (n > 0 || v == NULL);
  for (size_t i = 0; i < n; i++)
    free (v[i]);
  free (v);

  /* The whole value, slashes and separators together.  */
  FUZZ_ASSERT (has_dot_component (list) == reference_has_dot (list, len));

  /* The way the listing takes it: set up and torn down without a leak.  */
  resolver_free (resolver_new (&ops, list));

  free (list);
  return 0;
}
