/* SPDX-License-Identifier: GPL-3.0-or-later */
/* listing.h -- "losetup -l -O NAME,BACK-FILE", answered here.  */

#ifndef LC_LISTING_H
#define LC_LISTING_H

/* Prints the NAME,BACK-FILE table of every bound loop device as losetup
   does, each path resolved for this mount namespace.  TRACE, when not
   NULL, receives the resolver's trace lines.  Returns the exit status.  */
int list_backing_files (void (*trace) (const char *line));

#endif /* LC_LISTING_H */
