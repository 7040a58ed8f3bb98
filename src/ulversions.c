/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ulversions.c -- the one record of util-linux's differences by version.

   Each entry was read from util-linux's own history (sys-utils/losetup.c,
   lib/loopdev.c, libsmartcols) between the tags v2.37 and v2.42.2.  The
   version that matters is the one installed beside this program, learnt
   at run time (listing.c asks the libsmartcols it loads: libsmartcols and
   losetup are built from the same util-linux source).  */

#include "system.h"

#include "ulversions.h"

#include <c-ctype.h>
#include <limits.h>

/* FACT holds from SINCE up to, not including, UNTIL (0: still holds).  */
static const struct
{
  unsigned int since;
  unsigned int until;
} facts[UL_FACT_COUNT] = {
  [UL_ALWAYS] = {0, 0},
  /* 2.40 added --loop-ref, for setting lo_file_name at attach time.  */
  [UL_LOOP_REF_OPTION] = {UL_VERSION (2, 40), 0},
  /* 2.42 dropped --verbose, which did nothing.  */
  [UL_VERBOSE_OPTION] = {0, UL_VERSION (2, 42)},
  /* 2.42 made -c and -d flags; the device became an operand.  */
  [UL_CAPACITY_DETACH_ARGUMENT] = {0, UL_VERSION (2, 42)},
  /* 2.42 added --remove, a long option only.  */
  [UL_REMOVE_OPTION] = {UL_VERSION (2, 42), 0},
  /* 2.41.1 stopped comparing ASCII names in the locale.  */
  [UL_COLUMN_NAMES_ASCII] = {UL_RELEASE (2, 41, 1), 0},
  /* 2.40 began reporting loop devices whose node is gone.  */
  [UL_LOST_ROWS] = {UL_VERSION (2, 40), 0},
  /* 2.39 keeps extreme widths out of BACK-FILE's width on a terminal.  */
  [UL_BACK_FILE_NOEXTREMES] = {UL_VERSION (2, 39), 0},
};

/* Newest first: 2.42 (no -v, flags -c/-d, --remove), 2.41.1 (ASCII
   column names), 2.40 (--loop-ref), 2.37.  */
const unsigned int ul_detection_versions[] = {
  UL_VERSION (2, 42), UL_RELEASE (2, 41, 1), UL_VERSION (2, 40),
  UL_VERSION (2, 37), UL_VERSION_UNKNOWN
};

bool
ul_has (unsigned int version, enum ul_fact fact)
{
  if (version == UL_VERSION_UNKNOWN)
    version = UL_VERSION_NEWEST;
  return (version >= facts[fact].since
          && (facts[fact].until == 0 || version < facts[fact].until));
}

/* Reads the decimal number at *S, at most MAX, and advances *S past it.
   Returns false when there is no digit at *S or the number is larger.  */
static bool
read_number (const char **s, unsigned int max, unsigned int *n)
{
  const char *p = *s;

  *n = 0;
  if (!c_isdigit (*p))
    return false;
  for (; c_isdigit (*p); p++)
    {
      *n = *n * 10 + (*p - '0');
      if (*n > max)
        return false;
    }
  *s = p;
  return true;
}

unsigned int
ul_parse_version (const char *s)
{
  unsigned int major, minor, release = 0;

  if (s == NULL || !read_number (&s, 99, &major) || *s++ != '.'
      || !read_number (&s, 99, &minor) || major == 0)
    return UL_VERSION_UNKNOWN;
  /* "2.41.2"; "2.41" is 2.41.0.  */
  if (*s == '.' && !read_number ((s++, &s), 99, &release))
    return UL_VERSION_UNKNOWN;
  /* What may follow: "-rc1", "-devel", "~rc1", "+dfsg" or nothing.  */
  if (*s != '\0' && *s != '-' && *s != '~' && *s != '+')
    return UL_VERSION_UNKNOWN;
  return UL_RELEASE (major, minor, release);
}
