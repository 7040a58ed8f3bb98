/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ulversions.c -- the one record of util-linux's differences by version.

   Each entry was read from util-linux's own history (sys-utils/losetup.c,
   lib/loopdev.c, libsmartcols) between the tags v2.37 and v2.42.2.  The
   version that matters is the one installed beside this program, learnt
   at run time (listing.c asks the libsmartcols it loads: libsmartcols and
   losetup are built from the same util-linux source).

   Facts that hold in every version followed, and that loopdev.c relies
   on (read at v2.37 and v2.42.2 alike): with /sys available losetup
   never opens a node to list devices (loopcxt_init sets
   LOOPDEV_FL_NOIOCTL), so it creates no device; it reads the text of the
   device whose number stat() of the node gives, through
   /sys/dev/block/MAJ:MIN (sysfs_devname_to_devno), and leaves the entry
   out when that device has no loop/ directory (a partition, a minor
   with no device, an unbound device).  */

#include "system.h"

#include "ulversions.h"

#include <c-ctype.h>
#include <limits.h>

/* FACT holds from SINCE up to, not including, UNTIL (0: still holds).
   DETECTION: it bears on which calls are the request.  */
static const struct
{
  unsigned int since;
  unsigned int until;
  bool detection;
} facts[UL_FACT_COUNT] = {
  [UL_ALWAYS] = {0, 0, false},
  /* 2.40 added --loop-ref, for setting lo_file_name at attach time.  */
  [UL_LOOP_REF_OPTION] = {UL_VERSION (2, 40), 0, true},
  /* 2.42 dropped --verbose, which did nothing.  */
  [UL_VERBOSE_OPTION] = {0, UL_VERSION (2, 42), true},
  /* 2.42 made -c and -d flags; the device became an operand.  */
  [UL_CAPACITY_DETACH_ARGUMENT] = {0, UL_VERSION (2, 42), true},
  /* 2.42 added --remove, a long option only.  */
  [UL_REMOVE_OPTION] = {UL_VERSION (2, 42), 0, true},
  /* 2.41.1 stopped comparing ASCII names in the locale.  */
  [UL_COLUMN_NAMES_ASCII] = {UL_RELEASE (2, 41, 1), 0, true},
  /* 2.40 began reporting loop devices whose node is gone (commit
     a6ca0456cc6d "loopdev: report lost loop devices": the device number
     comes from sysfs when stat() of the node fails, and access() names
     the row lost).  */
  [UL_LOST_ROWS] = {UL_VERSION (2, 40), 0, false},
  /* The same commit dropped is_loopdev() from the scan: from 2.40 the
     number stat() gives for the node, of any type, picks the sysfs
     entry read.  */
  [UL_NODE_ANY_TYPE] = {UL_VERSION (2, 40), 0, false},
  /* 2.39 keeps extreme widths out of BACK-FILE's width on a terminal.  */
  [UL_BACK_FILE_NOEXTREMES] = {UL_VERSION (2, 39), 0, false},
};

/* Returns the newest version below BELOW where a fact that bears on
   detection begins or ends, UL_VERSION_OLDEST when there is none above
   it, or UL_VERSION_UNKNOWN when BELOW is UL_VERSION_OLDEST or older.  */
static unsigned int
detection_boundary_below (unsigned int below)
{
  unsigned int best = (below > UL_VERSION_OLDEST ? UL_VERSION_OLDEST
                       : UL_VERSION_UNKNOWN);

  for (size_t i = 0; i < UL_FACT_COUNT; i++)
    if (facts[i].detection)
      for (int end = 0; end < 2; end++)
        {
          unsigned int b = end ? facts[i].until : facts[i].since;
          if (b > best && b < below)
            best = b;
        }
  return best;
}

size_t
ul_detection_spans (unsigned int spans[UL_DETECTION_SPANS_MAX])
{
  size_t n = 0;

  for (unsigned int v = detection_boundary_below (UINT_MAX);
       v != UL_VERSION_UNKNOWN; v = detection_boundary_below (v))
    spans[n++] = v;
  return n;
}

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
  if (*s == '.')
    {
      s++;
      if (!read_number (&s, 99, &release))
        return UL_VERSION_UNKNOWN;
    }
  /* What may follow: "-rc1", "-devel", "~rc1", "+dfsg" or nothing.  */
  if (*s != '\0' && *s != '-' && *s != '~' && *s != '+')
    return UL_VERSION_UNKNOWN;
  return UL_RELEASE (major, minor, release);
}
