/* SPDX-License-Identifier: GPL-3.0-or-later */
/* detect.h -- recognise the one losetup request that is answered here.  */

#ifndef LC_DETECT_H
#define LC_DETECT_H

#include <stdbool.h>
#include <stddef.h>

/* Returns true when util-linux losetup VERSION (a UL_VERSION value of
   ulversions.h; UL_VERSION_UNKNOWN: the newest) would read ARGV (ARGC
   entries) as exactly "list every used device, columns NAME then
   BACK-FILE, default table format".  Prints nothing and leaves ARGV as it
   was.  */
bool is_list_request_in (unsigned int version, int argc, char *const *argv);

/* is_list_request_in for the version that VERSION returns, called only
   when the versions followed disagree about ARGV.  */
bool is_list_request_at_run_time (int argc, char *const *argv,
                                  unsigned int (*version) (void));

/* is_list_request_in for the newest version followed.  */
bool is_list_request (int argc, char *const *argv);

/* The cheap first check, which needs neither the locale nor the version:
   returns true when the grammar of some version followed reads ARGV as
   options -l and -O only and no operand, with at least one -O, storing
   the last -O's argument (a pointer into ARGV) in *COLUMNS.  When it
   returns false, no version takes ARGV for the request.  */
bool list_request_columns (int argc, char *const *argv,
                           const char **columns);

/* Returns true when COLUMNS, the argument of -O, names exactly NAME then
   BACK-FILE, the names compared as losetup VERSION compares them.  */
bool columns_are_name_back_file_in (unsigned int version,
                                    const char *columns);

/* columns_are_name_back_file_in for the versions that compare the names
   in the current locale (up to 2.41).  */
bool columns_are_name_back_file (const char *columns);

#endif /* LC_DETECT_H */
