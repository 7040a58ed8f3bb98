/* SPDX-License-Identifier: GPL-3.0-or-later */
/* listing.h -- "losetup -l -O NAME,BACK-FILE", answered here.  */

#ifndef LC_LISTING_H
#define LC_LISTING_H

/* Prints the NAME,BACK-FILE table of every bound loop device as losetup
   does, each path resolved for this mount namespace.  TRACE, when not
   NULL, receives the resolver's trace lines.  Returns the exit status.  */
int list_backing_files (void (*trace) (const char *line));

/* Returns the version of the util-linux installed beside this program, a
   UL_VERSION value (ulversions.h; UL_VERSION_UNKNOWN when it cannot be
   learnt), as the libsmartcols that losetup uses tells it: the two come
   from one util-linux source.  Loads libsmartcols on the first call.  */
unsigned int listing_ul_version (void);

#endif /* LC_LISTING_H */
