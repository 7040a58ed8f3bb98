/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mounts.c -- read the mount table with libmount, loaded on demand.

   libmount pulls in libblkid and libselinux; linking it would make every
   call handed to the original losetup pay for loading them.  It is opened
   with dlopen() only when a listing has a device that no cheaper candidate
   resolved.  */

#include "system.h"

#include "mounts.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <libmount.h>

#include "dynlib.h"
#include "xalloc.h"
#include "xvasprintf.h"

/* The libmount functions used, resolved by name at run time.  */
struct libmount_api
{
  __typeof__ (mnt_new_table_from_file) *new_table_from_file;
  __typeof__ (mnt_new_iter) *new_iter;
  __typeof__ (mnt_free_iter) *free_iter;
  __typeof__ (mnt_table_next_fs) *table_next_fs;
  __typeof__ (mnt_fs_get_devno) *fs_get_devno;
  __typeof__ (mnt_fs_get_root) *fs_get_root;
  __typeof__ (mnt_fs_get_target) *fs_get_target;
  __typeof__ (mnt_unref_table) *unref_table;
  __typeof__ (mnt_fs_get_fstype) *fs_get_fstype;
};

static void
trace_str (const struct mount_table *t, const char *what, const char *detail)
{
  char *line;

  if (t->trace == NULL)
    return;
  line = xasprintf ("mount table: %s: %s", what, detail ? detail : "");
  t->trace (line);
  free (line);
}

/* The names of the functions in struct libmount_api, in its order.  */
static const char *const libmount_names[] = {
  "mnt_new_table_from_file", "mnt_new_iter", "mnt_free_iter",
  "mnt_table_next_fs", "mnt_fs_get_devno", "mnt_fs_get_root",
  "mnt_fs_get_target", "mnt_unref_table", "mnt_fs_get_fstype"
};

const struct mount_entry *
mounts_load (void *data, size_t *n)
{
  struct mount_table *t = data;
  struct libmount_api api;
  struct libmnt_table *tb;
  struct libmnt_iter *it;
  struct libmnt_fs *fs;
  size_t alloc = 0;
  const char *why = NULL;
  void *h = dynlib_load (LIBMOUNT_SONAME, libmount_names,
                         sizeof libmount_names / sizeof *libmount_names,
                         (void **) &api, &why);

  *n = 0;
  if (h == NULL)
    {
      trace_str (t, "cannot load libmount", why);
      return NULL;
    }
  t->lib = h;
  t->unref_table = api.unref_table;
  tb = api.new_table_from_file ("/proc/self/mountinfo");
  t->table = tb;
  it = tb ? api.new_iter (MNT_ITER_FORWARD) : NULL;
  if (it == NULL)
    {
      trace_str (t, "cannot read", "/proc/self/mountinfo");
      return NULL;
    }
  while (api.table_next_fs (tb, it, &fs) == 0)
    {
      if (t->n == alloc)
        t->entries = x2nrealloc (t->entries, &alloc, sizeof *t->entries);
      t->entries[t->n].dev = api.fs_get_devno (fs);
      t->entries[t->n].root = api.fs_get_root (fs);
      t->entries[t->n].target = api.fs_get_target (fs);
      t->entries[t->n].fstype = api.fs_get_fstype (fs);
      t->n++;
    }
  api.free_iter (it);
  /* The strings stay owned by the table until mounts_free.  */
  *n = t->n;
  return t->entries;
}

void
mounts_free (struct mount_table *t)
{
  free (t->entries);
  if (t->table != NULL)
    t->unref_table (t->table);
  if (t->lib != NULL)
    dlclose (t->lib);
  memset (t, 0, sizeof *t);
}
