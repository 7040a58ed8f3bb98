/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ul-has.c -- "ul-has FACT VERSION": whether a fact of src/ulversions.c
   holds for a util-linux version string ("2.39.4"), so that the test
   scripts learn a version boundary from the one place that records it.
   Exits 0 when it holds, 1 when not, 2 for an unknown FACT.  */

#include <config.h>

#include <stdio.h>
#include <string.h>

#include "ulversions.h"

/* The facts the scripts ask about, by the names they use.  */
static const struct
{
  const char *name;
  enum ul_fact fact;
} names[] = {
  {"lost-rows", UL_LOST_ROWS},
};

int
main (int argc, char **argv)
{
  if (argc == 3)
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
      if (strcmp (argv[1], names[i].name) == 0)
        return ul_has (ul_parse_version (argv[2]), names[i].fact) ? 0 : 1;
  fprintf (stderr, "usage: ul-has lost-rows VERSION\n");
  return 2;
}
