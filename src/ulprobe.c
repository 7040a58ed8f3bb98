/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ulprobe.c -- which util-linux release is installed here.

   libsmartcols comes from the same util-linux source as losetup and
   tells its version; it is loaded for the question and released after
   (listing.c, which prints with it, holds its own use).  */

#include "system.h"

#include "ulprobe.h"

#include <libsmartcols.h>

#include "dynlib.h"
#include "ulversions.h"

static __typeof__ (scols_get_library_version) *get_library_version;

static const struct dynlib_sym smartcols_syms[] = {
  DYNLIB_SYM (get_library_version, scols_get_library_version)
};

/* The note for this soname is listing.c's.  */
static struct dynlib smartcols = DYNLIB_INIT (SMARTCOLS_SONAME,
                                              smartcols_syms);

unsigned int
ul_installed_version (void)
{
  static unsigned int version;
  static bool known;
  const char *s = NULL, *why;

  if (!known)
    {
      if (dynlib_open (&smartcols, &why))
        {
          get_library_version (&s);
          version = ul_parse_version (s);
          dynlib_close (&smartcols);
        }
      else
        version = ul_parse_version (NULL);
      known = true;
    }
  return version;
}
