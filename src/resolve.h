/* SPDX-License-Identifier: GPL-3.0-or-later */
/* resolve.h -- work out a loop device's real backing file path.

   Pure logic over the kernel's facts: the file system is reached only
   through the stat callback and the mount table through its loader, so
   that the unit tests can drive every rule without root.  */

#ifndef LC_RESOLVE_H
#define LC_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "loopinfo.h"
#include "mountentry.h"

/* What the kernel told about one device.  */
struct resolve_input
{
  const char *name;             /* for the trace: "/dev/loop0" */
  const char *sysfs_path;       /* loop/backing_file, or NULL */
  const struct loop_info_facts *info;   /* LOOP_GET_STATUS64's answer */
};

/* How the resolver reaches the world; copied by resolver_new.  */
struct resolver_ops
{
  /* Fills *DEV and *INO for PATH as stat(2) does and returns 0, or
     returns an errno value.  When FS_TYPE is not NULL, also stores the
     f_type that statfs(2) gives for PATH, taken before the device and
     inode.  */
  int (*stat_path) (const char *path, dev_t *dev, uint64_t *ino,
                    unsigned long *fs_type);
  /* Loads the mount table; called at most once, and only when a device
     still needs it, with MOUNTS_DATA and TRACE below (for the loader's
     own trace lines).  Returns the entries and stores their number in
     *N; NULL with *N = 0 when there is none.  NULL: no mount table.  The
     entries must outlive the resolver.  */
  const struct mount_entry *(*load_mounts) (void *data,
                                            void (*trace) (const char *line),
                                            size_t *n);
  void *mounts_data;            /* passed to load_mounts */
  /* Receives one line of trace (no newline); NULL for no trace.  */
  void (*trace) (const char *line);
};

struct resolver;

/* Returns a new resolver that reaches the world through OPS; BINDS is the
   raw LOSETUP_CONTAINER_BIND_MOUNTS value (or NULL).  Free it with
   resolver_free.  */
struct resolver *resolver_new (const struct resolver_ops *ops,
                               const char *binds);

/* Frees R and all it owns; R may be NULL.  */
void resolver_free (struct resolver *r);

/* Returns the path of IN's backing file as seen here: the first candidate
   that is absolute and has IN's device and inode, on a file system whose
   inode numbers prove that (see inode_numbers_unique).  The result is
   malloc'd; NULL means "none accepted": print what losetup prints.  */
char *resolve (struct resolver *r, const struct resolve_input *in);

/* Formats one line with FMT and hands it to TRACE (not NULL).  */
void trace_printf (void (*trace) (const char *line), const char *fmt, ...)
  __attribute__ ((__format__ (__printf__, 2, 3)));

/* Returns true when (st_dev, st_ino) names one file at most on a file
   system of statfs(2) type FS_TYPE, so that it proves a candidate path;
   false for the file systems whose inode numbers are handed out by a
   server or a user-space daemon (FUSE, 9p, SMB, NFS and their kin).  */
bool inode_numbers_unique (unsigned long fs_type);

/* Splits the bind-mount list LIST at ':' and newlines, dropping empty
   entries.  Returns a malloc'd array of malloc'd strings, its size in *N.  */
char **split_bind_mounts (const char *list, size_t *n);

/* Returns true when PATH has a "." or ".." component.  */
bool has_dot_component (const char *path);

#endif /* LC_RESOLVE_H */
