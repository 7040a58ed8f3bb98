/* SPDX-License-Identifier: GPL-3.0-or-later */
/* detect.h -- recognise the one losetup request that is answered here.  */

#ifndef LC_DETECT_H
#define LC_DETECT_H

#include <stdbool.h>
#include <stddef.h>

/* Returns true when util-linux losetup would read ARGV (ARGC entries) as
   exactly "list every used device, columns NAME then BACK-FILE, default
   table format".  Prints nothing and leaves ARGV as it was.  */
bool is_list_request (int argc, char *const *argv);

/* The first half of is_list_request, which needs no locale: returns true
   when ARGV has no option but -l and -O and no argument, and at least
   one -O, storing the last -O's argument (a pointer into ARGV) in
   *COLUMNS.  */
bool list_request_columns (int argc, char *const *argv,
                           const char **columns);

/* Returns true when COLUMNS, the argument of -O, names exactly NAME then
   BACK-FILE, the names compared as losetup compares them.  */
bool columns_are_name_back_file (const char *columns);

#endif /* LC_DETECT_H */
