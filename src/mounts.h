/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mounts.h -- this process's mount table, read with libmount.  */

#ifndef LC_MOUNTS_H
#define LC_MOUNTS_H

#include "resolve.h"

struct libmnt_table;

/* Reads /proc/self/mountinfo with libmount, loaded with dlopen() on first
   use so that calls handed to the original never load it.  Matches the
   resolver's load_mounts callback: DATA is a struct mount_table.  */
const struct mount_entry *mounts_load (void *data, size_t *n);

struct mount_table
{
  struct mount_entry *entries;
  size_t n;
  void (*trace) (const char *line);   /* NULL: silent */
  /* Private: the loaded library and the table that owns the strings.  */
  void *lib;
  void *table;
  void (*unref_table) (struct libmnt_table *);
};

void mounts_free (struct mount_table *t);

#endif /* LC_MOUNTS_H */
