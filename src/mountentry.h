/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mountentry.h -- one line of the mount table, as the resolver reads it.

   Shared by the unit that reads the table (mounts.c) and the one that
   uses it (resolve.c), so that neither includes the other.  */

#ifndef LC_MOUNTENTRY_H
#define LC_MOUNTENTRY_H

#include <sys/types.h>

struct mount_entry
{
  dev_t dev;                    /* the file system's device number */
  const char *root;             /* what of the file system is mounted */
  const char *target;           /* where */
  const char *fstype;           /* "ext4", "btrfs"; may be NULL */
  int id;                       /* the mount's ID; 0: unknown */
  int parent_id;                /* the ID of the mount it sits on */
};

#endif /* LC_MOUNTENTRY_H */
