/* SPDX-License-Identifier: GPL-3.0-or-later */
/* detect.h -- recognise the one losetup request that is answered here.  */

#ifndef LC_DETECT_H
#define LC_DETECT_H

#include <stdbool.h>

/* Returns true when the util-linux losetup installed would read ARGV
   (ARGC entries) as exactly "list every used device, columns NAME then
   BACK-FILE, default table format".  Prints nothing and leaves ARGV as it
   was.  ARGV is parsed once with the grammar of each span of versions
   (ul_detection_spans).  PREPARE, unless NULL, is called once before the
   column names are compared (they may be compared in the locale, which it
   loads), and only when some grammar reads ARGV as options -l and -O
   only.  VERSION is called only when the spans disagree about ARGV, and
   then returns the version installed (a UL_VERSION value of
   ulversions.h; UL_VERSION_UNKNOWN: the newest).  */
bool is_list_request_at_run_time (int argc, char *const *argv,
                                  void (*prepare) (void),
                                  unsigned int (*version) (void));

/* Returns true when COLUMNS, the argument of -O, names exactly NAME then
   BACK-FILE, the names compared as losetup VERSION compares them: in the
   current locale up to 2.41.0, in ASCII from 2.41.1 on.  */
bool columns_are_name_back_file_in (unsigned int version,
                                    const char *columns);

#endif /* LC_DETECT_H */
