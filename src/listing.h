/* SPDX-License-Identifier: GPL-3.0-or-later */
/* listing.h -- "losetup -l -O NAME,BACK-FILE", answered here.  */

#ifndef LC_LISTING_H
#define LC_LISTING_H

#include <stdbool.h>

/* Loads libsmartcols, once; it is never unloaded.  Returns true when it
   is loaded, false with the dynamic loader's reason in *WHY.  util-linux
   losetup is linked with it and cannot start without it.  */
bool smartcols_load (const char **why);

/* Returns the UL_RELEASE value (ulversions.h) of the util-linux release
   installed, as the libsmartcols beside losetup tells it (the two come
   from one util-linux source), or UL_VERSION_UNKNOWN when the library
   does not load or its version does not read as one.  Asks the first
   time only.  */
unsigned int ul_installed_version (void);

/* Prints the NAME,BACK-FILE table of every bound loop device as losetup
   VERSION (a UL_VERSION value) does, each path resolved for this mount
   namespace; smartcols_load must have succeeded.  TRACE, when not NULL,
   receives the trace lines.  Returns the exit status; on a shortage of
   descriptors or memory it prints a message and no table, and returns
   EXIT_FAILURE.  */
int list_backing_files (unsigned int version,
                        void (*trace) (const char *line));

#endif /* LC_LISTING_H */
