/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mounts.c -- read the mount table with libmount, loaded on demand.

   libmount pulls in libblkid and libselinux; linking it would make every
   call handed to the original losetup pay for loading them.  It is opened
   with dlopen() only when a listing has a device that no cheaper candidate
   resolved.  */

#include "system.h"

#include "mounts.h"

#include <stdio.h>
#include <stdlib.h>
#include <libmount.h>

#include "dynlib.h"
#include "xalloc.h"
#include "xvasprintf.h"

/* The libmount functions used, one a line: mnt_NAME becomes the member
   NAME of MNT, filled from LIBMOUNT_SYMS (see DYNLIB_FUNCTIONS).  */
#define LIBMOUNT_FUNCTIONS(X) \
  X (new_table) \
  X (table_parse_stream) \
  X (new_iter) \
  X (free_iter) \
  X (table_next_fs) \
  X (fs_get_devno) \
  X (fs_get_root) \
  X (fs_get_target) \
  X (unref_table) \
  X (fs_get_fstype) \
  X (fs_get_id) \
  X (fs_get_parent_id)

#define DYNLIB_API mnt
#define DYNLIB_PREFIX mnt_
DYNLIB_FUNCTIONS (libmount_syms, LIBMOUNT_FUNCTIONS);

DYNLIB_NOTE ("mounts", "reads the mount table", "required", LIBMOUNT_SONAME);
static struct dynlib libmount = DYNLIB_INIT (LIBMOUNT_SONAME, libmount_syms);

struct mount_table
{
  struct mount_entry *entries;
  size_t n;
  struct libmnt_table *table;   /* owns the entries' strings, or NULL */
};

struct mount_table *
mounts_new (void)
{
  return xzalloc (sizeof (struct mount_table));
}

static void
trace_str (void (*trace) (const char *line), const char *what,
           const char *detail)
{
  char *line;

  if (trace == NULL)
    return;
  line = xasprintf ("mount table: %s: %s", what, detail ? detail : "");
  trace (line);
  free (line);
}

#define MOUNTINFO "/proc/self/mountinfo"

/* Bytes asked of the kernel at a time.  procfs says 1024 (st_blksize),
   which stdio would take, while the kernel hands the table out a page at
   a time: four calls a page, 1,400 for the 1.4 MB of 10,000 mounts.  */
#define MOUNTINFO_BUFFER (64 * 1024)

/* Returns the table parsed from FILE with libmount, or NULL.  The caller
   unrefs it.  Every entry is kept (no parser filter): a mount of any file
   system can hide one of the backing file's, which the resolver must
   know to try such a mount on its own.  */
static struct libmnt_table *
read_table (const char *file)
{
  FILE *f = fopen (file, "re");
  struct libmnt_table *tb = NULL;
  char *buf = NULL;

  if (f == NULL)
    return NULL;
  buf = malloc (MOUNTINFO_BUFFER);
  if (buf != NULL)
    setvbuf (f, buf, _IOFBF, MOUNTINFO_BUFFER);
  tb = mnt.new_table ();
  if (tb != NULL && mnt.table_parse_stream (tb, f, file) != 0)
    {
      mnt.unref_table (tb);
      tb = NULL;
    }
  fclose (f);
  free (buf);
  return tb;
}

const struct mount_entry *
mounts_load (void *data, void (*trace) (const char *line), size_t *n)
{
  struct mount_table *t = data;
  struct libmnt_table *tb;
  struct libmnt_iter *it;
  struct libmnt_fs *fs;
  size_t alloc = 0;
  const char *why = NULL;

  *n = 0;
  if (!dynlib_open (&libmount, &why))
    {
      trace_str (trace, "cannot load libmount", why);
      return NULL;
    }
  tb = read_table (MOUNTINFO);
  t->table = tb;
  it = tb ? mnt.new_iter (MNT_ITER_FORWARD) : NULL;
  if (it == NULL)
    {
      trace_str (trace, "cannot read", MOUNTINFO);
      return NULL;
    }
  while (mnt.table_next_fs (tb, it, &fs) == 0)
    {
      if (t->n == alloc)
        t->entries = x2nrealloc (t->entries, &alloc, sizeof *t->entries);
      t->entries[t->n++] = (struct mount_entry) {
        .dev = mnt.fs_get_devno (fs), .root = mnt.fs_get_root (fs),
        .target = mnt.fs_get_target (fs), .fstype = mnt.fs_get_fstype (fs),
        .id = mnt.fs_get_id (fs), .parent_id = mnt.fs_get_parent_id (fs)
      };
    }
  mnt.free_iter (it);
  *n = t->n;
  return t->entries;
}

void
mounts_free (struct mount_table *t)
{
  if (t == NULL)
    return;
  free (t->entries);
  if (t->table != NULL)
    mnt.unref_table (t->table);
  free (t);
}
