/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mounts.h -- this process's mount table, read with libmount.  */

#ifndef LC_MOUNTS_H
#define LC_MOUNTS_H

#include <stddef.h>

#include "mountentry.h"

/* The mount table, its entries and what owns their strings: built by
   mounts_new, filled by mounts_load, released by mounts_free.  */
struct mount_table;

/* Returns a new, empty mount table; free it with mounts_free.  */
struct mount_table *mounts_new (void);

/* Reads /proc/self/mountinfo with libmount, loaded with dlopen() on first
   use so that calls handed to the original never load it.  Matches the
   resolver's load_mounts callback: DATA is a struct mount_table, TRACE
   the resolver's trace.  The entries live until mounts_free.  */
const struct mount_entry *mounts_load (void *data,
                                       void (*trace) (const char *line),
                                       size_t *n);

/* Frees T and its entries; T may be NULL.  */
void mounts_free (struct mount_table *t);

#endif /* LC_MOUNTS_H */
