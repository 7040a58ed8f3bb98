/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ulversions.h -- what differs between the util-linux versions followed.

   Every fact about util-linux losetup and libsmartcols that this program
   copies, and that is not the same in all of 2.37 to 2.42, is one entry of
   the table in ulversions.c, with the versions it holds for.  Code asks
   ul_has (version, FACT) instead of testing version numbers itself.  */

#ifndef LC_ULVERSIONS_H
#define LC_ULVERSIONS_H

#include <stdbool.h>
#include <stddef.h>

/* A util-linux release as one number, major * 10000 + minor * 100 +
   release: 2.41.2 is UL_RELEASE (2, 41, 2); 2.41 and 2.41-rc1 are
   UL_VERSION (2, 41).  0 stands for "not known".  */
#define UL_RELEASE(major, minor, release) \
  ((major) * 10000 + (minor) * 100 + (release))
#define UL_VERSION(major, minor) UL_RELEASE (major, minor, 0)
#define UL_VERSION_UNKNOWN 0
/* The oldest and the newest release whose behaviour is recorded; an
   unknown version is taken for the newest.  */
#define UL_VERSION_OLDEST UL_VERSION (2, 37)
#define UL_VERSION_NEWEST UL_VERSION (2, 42)

enum ul_fact
{
  /* Holds in every version followed.  */
  UL_ALWAYS,
  /* losetup has --loop-ref (so "--l" is ambiguous).  */
  UL_LOOP_REF_OPTION,
  /* losetup has -v/--verbose.  */
  UL_VERBOSE_OPTION,
  /* -c/--set-capacity and -d/--detach take the device as their argument
     (later: as an operand).  */
  UL_CAPACITY_DETACH_ARGUMENT,
  /* losetup has --remove (long only).  */
  UL_REMOVE_OPTION,
  /* -O's column names are compared case-insensitively in ASCII
     (c_strncasecmp) rather than with strncasecmp in the current locale.  */
  UL_COLUMN_NAMES_ASCII,
  /* A bound device whose /dev node cannot be looked at (missing, or a
     /dev the user may not search) is listed, named "/dev/loopN (lost)",
     with the entry's own text; before, it is left out.  */
  UL_LOST_ROWS,
  /* The node's device number is taken whatever the node is (a character
     node 7:N lists block device 7:N's text); before, only a block node
     of major 7 is looked at (is_loopdev) and any other drops the
     entry.  */
  UL_NODE_ANY_TYPE,
  /* The BACK-FILE column has SCOLS_FL_NOEXTREMES (terminal fitting).  */
  UL_BACK_FILE_NOEXTREMES,
  UL_FACT_COUNT
};

/* Returns true when FACT holds for util-linux VERSION (a UL_VERSION
   value; UL_VERSION_UNKNOWN counts as UL_VERSION_NEWEST).  */
bool ul_has (unsigned int version, enum ul_fact fact);

/* Returns the UL_RELEASE value of a version string as libsmartcols and
   "losetup --version" give it ("2.38.1", "2.42-rc1" (2.42.0),
   "2.39.3-devel", "2.41"), or UL_VERSION_UNKNOWN when S is NULL or not
   such a string.  */
unsigned int ul_parse_version (const char *s);

/* The most spans ul_detection_spans can fill.  */
#define UL_DETECTION_SPANS_MAX (2 * UL_FACT_COUNT + 1)

/* Stores in SPANS the first version of each span of releases that decide
   the same way which calls are the request (option grammar, column
   names), newest first, and returns their number.  The spans are derived
   from the facts that bear on detection: UL_VERSION_OLDEST and each
   version where one of them begins or ends.  */
size_t ul_detection_spans (unsigned int spans[UL_DETECTION_SPANS_MAX]);

#endif /* LC_ULVERSIONS_H */
