/* SPDX-License-Identifier: GPL-3.0-or-later */
/* listing.c -- the NAME,BACK-FILE table, built the way losetup builds it.

   The same libsmartcols calls with the same column names, width hints and
   flags give the same bytes: padding, escaping of control characters and
   invalid multibyte sequences, and no output at all for an empty table.

   libsmartcols is loaded with dlopen() when a listing starts, not linked:
   every call handed over to the original losetup would otherwise pay for
   loading it, for nothing.  */

#include "system.h"

#include "listing.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <libsmartcols.h>

#include "error.h"
#include "loopdev.h"
#include "mounts.h"
#include "resolve.h"

static int
stat_path (const char *path, dev_t *dev, uint64_t *ino)
{
  struct stat st;

  if (stat (path, &st) != 0)
    return errno;
  *dev = st.st_dev;
  *ino = st.st_ino;
  return 0;
}

/* The libsmartcols functions used, resolved by name at run time.  */
static struct
{
  __typeof__ (scols_init_debug) *init_debug;
  __typeof__ (scols_new_table) *new_table;
  __typeof__ (scols_table_enable_raw) *table_enable_raw;
  __typeof__ (scols_table_enable_json) *table_enable_json;
  __typeof__ (scols_table_enable_noheadings) *table_enable_noheadings;
  __typeof__ (scols_table_new_column) *table_new_column;
  __typeof__ (scols_table_new_line) *table_new_line;
  __typeof__ (scols_line_set_data) *line_set_data;
  __typeof__ (scols_line_refer_data) *line_refer_data;
  __typeof__ (scols_print_table) *print_table;
  __typeof__ (scols_unref_table) *unref_table;
} sc;

/* Loads libsmartcols into SC, or exits with a message.  */
static void
load_smartcols (void)
{
  static const char *const names[] = {
    "scols_init_debug", "scols_new_table", "scols_table_enable_raw",
    "scols_table_enable_json", "scols_table_enable_noheadings",
    "scols_table_new_column", "scols_table_new_line", "scols_line_set_data",
    "scols_line_refer_data", "scols_print_table", "scols_unref_table"
  };
  void **slot = (void **) &sc;
  void *h = dlopen (SMARTCOLS_SONAME, RTLD_NOW | RTLD_LOCAL);

  if (h == NULL)
    error (EXIT_FAILURE, 0, _("cannot load %s: %s"), SMARTCOLS_SONAME,
           dlerror ());
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if ((slot[i] = dlsym (h, names[i])) == NULL)
      error (EXIT_FAILURE, 0, _("cannot load %s: %s"), SMARTCOLS_SONAME,
             dlerror ());
  /* Left loaded: the table is printed and freed with it.  */
}

static struct libscols_table *
new_table (void)
{
  struct libscols_table *tb;

  load_smartcols ();
  sc.init_debug (0);
  tb = sc.new_table ();
  if (tb == NULL)
    error (EXIT_FAILURE, errno, _("failed to allocate output table"));
  sc.table_enable_raw (tb, 0);
  sc.table_enable_json (tb, 0);
  sc.table_enable_noheadings (tb, 0);
  if (sc.table_new_column (tb, "NAME", 0.25, 0) == NULL
      || sc.table_new_column (tb, "BACK-FILE", 0.3, 0) == NULL)
    error (EXIT_FAILURE, errno, _("failed to allocate output column"));
  return tb;
}

/* Adds the row for F, with PATH (malloc'd, taken over) when one was
   resolved, else with what losetup prints.  */
static void
add_row (struct libscols_table *tb, const struct loop_facts *f, char *path)
{
  struct libscols_line *ln = sc.table_new_line (tb, NULL);
  int rc;

  if (ln == NULL)
    error (EXIT_FAILURE, errno, _("failed to allocate output line"));
  rc = sc.line_set_data (ln, 0, f->device);
  if (rc == 0 && path != NULL)
    rc = sc.line_refer_data (ln, 1, path);
  else if (rc == 0 && f->losetup_text != NULL)
    rc = sc.line_set_data (ln, 1, f->losetup_text);
  if (rc != 0)
    error (EXIT_FAILURE, -rc, _("failed to add output data"));
}

int
list_backing_files (void (*trace) (const char *line))
{
  struct libscols_table *tb = new_table ();
  struct mount_table mounts = { .trace = trace };
  struct resolver r;
  struct loop_facts f;
  struct loop_scan *scan;
  int rc;

  resolver_init (&r, secure_getenv (ENV_BIND_MOUNTS));
  r.stat_path = stat_path;
  r.load_mounts = mounts_load;
  r.mounts_data = &mounts;
  r.trace = trace;

  /* Neither /sys/block nor /proc/partitions: losetup lists nothing.  */
  scan = loop_scan_open ();
  while (scan != NULL && loop_scan_next (scan, &f))
    {
      struct resolve_input in = {
        .name = f.device,
        .sysfs_path = f.sysfs_path,
        .has_info = f.has_info,
        .file_name = f.file_name,
        .dev = f.backing_dev,
        .ino = f.backing_ino,
      };
      add_row (tb, &f, resolve (&r, &in));
    }
  loop_scan_close (scan);

  rc = sc.print_table (tb);
  sc.unref_table (tb);
  resolver_free (&r);
  mounts_free (&mounts);
  return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
