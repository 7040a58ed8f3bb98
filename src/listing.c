/* SPDX-License-Identifier: GPL-3.0-or-later */
/* listing.c -- the NAME,BACK-FILE table, built the way losetup builds it.

   The same libsmartcols calls with the same column names, width hints and
   flags give the same bytes: padding, escaping of control characters and
   invalid multibyte sequences, and no output at all for an empty table.

   The common table, printable ASCII only and bound for a pipe or a file,
   is printed here instead, in the very bytes libsmartcols would print
   (print_plain): the library spends most of the listing's time on the
   multibyte-aware width and escaping of every byte.  libsmartcols prints
   every other table.  It is loaded with dlopen() when it is needed, not
   linked: every call handed over to the original losetup would otherwise
   pay for loading it, for nothing.  */

#include "system.h"

#include "listing.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libsmartcols.h>

#include "dynlib.h"
#include "error.h"
#include "xalloc.h"
#include "xvasprintf.h"
#include "loopdev.h"
#include "mounts.h"
#include "resolve.h"
#include "ulversions.h"

/* The kernel hands over 64-bit inode numbers (lo_inode), and XFS and
   btrfs give files numbers above 2^32.  Built for 32-bit user space
   without large file support, stat() would fail on such a file
   (EOVERFLOW) and no path would be proven: configure enables it, and a
   build that has it not does not compile.  */
_Static_assert (sizeof ((struct stat *) 0)->st_ino >= sizeof (uint64_t),
                "stat() must report 64-bit inode numbers");

/* Stores PATH's device and inode number in *DEV and *INO.  Returns 0, or
   stat's errno value.  */
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

/* The libsmartcols functions used, one a line: scols_NAME becomes the
   member NAME of SC, typed from the library's own declaration, and the
   entry of the table that dlsym() fills it from.  */
#define SMARTCOLS_FUNCTIONS(X) \
  X (init_debug) \
  X (new_table) \
  X (table_enable_raw) \
  X (table_enable_json) \
  X (table_enable_noheadings) \
  X (table_new_column) \
  X (table_new_line) \
  X (line_set_data) \
  X (line_refer_data) \
  X (print_table) \
  X (unref_table) \
  X (get_library_version)

static struct
{
#define SC_MEMBER(name) __typeof__ (scols_##name) *name;
  SMARTCOLS_FUNCTIONS (SC_MEMBER)
#undef SC_MEMBER
} sc;

/* Loads libsmartcols into SC, once.  Returns true when it is loaded;
   false with the reason in *WHY.  */
static bool
try_load_smartcols (const char **why)
{
  static const struct dynlib_sym syms[] = {
#define SC_SYM(name) DYNLIB_SYM (sc.name, scols_##name),
    SMARTCOLS_FUNCTIONS (SC_SYM)
#undef SC_SYM
  };
  static void *handle;

  /* Left loaded: the table is printed and freed with it.  */
  if (handle == NULL)
    handle = dynlib_load (SMARTCOLS_SONAME, syms, sizeof syms / sizeof *syms,
                          why);
  return handle != NULL;
}

/* Loads libsmartcols into SC, or exits with a message.  */
static void
load_smartcols (void)
{
  const char *why = NULL;

  if (!try_load_smartcols (&why))
    error (EXIT_FAILURE, 0, _("cannot load %s: %s"), SMARTCOLS_SONAME, why);
}

unsigned int
listing_ul_version (void)
{
  static unsigned int version;
  static bool known;
  const char *s = NULL, *why;

  if (!known)
    {
      if (try_load_smartcols (&why))
        sc.get_library_version (&s);
      version = ul_parse_version (s);
      known = true;
    }
  return version;
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
      || sc.table_new_column (tb, "BACK-FILE", 0.3,
                              ul_has (listing_ul_version (),
                                      UL_BACK_FILE_NOEXTREMES)
                              ? SCOLS_FL_NOEXTREMES : 0) == NULL)
    error (EXIT_FAILURE, errno, _("failed to allocate output column"));
  return tb;
}

/* One row of the table.  */
struct row
{
  char *name;                   /* "/dev/loop7" */
  char *file;                   /* the BACK-FILE cell; NULL: empty */
};

/* Adds the row for NAME and FILE (both malloc'd, taken over).  */
static void
add_row (struct libscols_table *tb, char *name, char *file)
{
  struct libscols_line *ln = sc.table_new_line (tb, NULL);
  int rc;

  if (ln == NULL)
    error (EXIT_FAILURE, errno, _("failed to allocate output line"));
  rc = sc.line_refer_data (ln, 0, name);
  if (rc == 0 && file != NULL)
    rc = sc.line_refer_data (ln, 1, file);
  if (rc != 0)
    error (EXIT_FAILURE, -rc, _("failed to add output data"));
}

/* Prints the N rows at ROWS with libsmartcols, which frees the strings.  */
static int
print_with_smartcols (struct row *rows, size_t n)
{
  struct libscols_table *tb = new_table ();
  int rc;

  for (size_t i = 0; i < n; i++)
    add_row (tb, rows[i].name, rows[i].file);
  rc = sc.print_table (tb);
  sc.unref_table (tb);
  return rc;
}

/* Returns true when libsmartcols prints S unchanged, one column per byte:
   printable ASCII only, and no "\x" (which it escapes).  */
static bool
is_plain (const char *s)
{
  for (; *s != '\0'; s++)
    if (*s < 0x20 || *s > 0x7e || (s[0] == '\\' && s[1] == 'x'))
      return false;
  return true;
}

static void
print_plain_line (const char *name, const char *file, size_t width)
{
  size_t len = strlen (name);

  fputs (name, stdout);
  for (; len < width; len++)
    putchar (' ');
  putchar (' ');
  fputs (file, stdout);
  putchar ('\n');
}

/* Prints the N rows at ROWS as libsmartcols prints this table when it has
   nothing to fit to a terminal nor anything to escape: the first column
   padded to its widest cell (the header included), one space, the second
   column, no padding after it; nothing at all, not even the header, when
   there is no row.  Returns false, having
   printed nothing, in every other case: output to a terminal (where
   libsmartcols fits the table to its width), the library's debugging (it
   may show the padding), an empty cell, a cell with anything but
   printable ASCII.  */
static bool
print_plain (const struct row *rows, size_t n)
{
  size_t width = sizeof "NAME" - 1;

  if (isatty (STDOUT_FILENO) || getenv ("LIBSMARTCOLS_DEBUG") != NULL
      || getenv ("LIBSMARTCOLS_DEBUG_PADDING") != NULL)
    return false;
  for (size_t i = 0; i < n; i++)
    {
      size_t len = strlen (rows[i].name);
      if (!is_plain (rows[i].name) || rows[i].file == NULL
          || rows[i].file[0] == '\0' || !is_plain (rows[i].file))
        return false;
      if (len > width)
        width = len;
    }
  if (n > 0)
    print_plain_line ("NAME", "BACK-FILE", width);
  for (size_t i = 0; i < n; i++)
    print_plain_line (rows[i].name, rows[i].file, width);
  return true;
}

int
list_backing_files (void (*trace) (const char *line))
{
  struct mount_table *mounts = mounts_new ();
  struct resolver_ops ops = {
    .stat_path = stat_path, .load_mounts = mounts_load,
    .mounts_data = mounts, .trace = trace
  };
  struct resolver *r = resolver_new (&ops, secure_getenv (ENV_BIND_MOUNTS));
  struct loop_facts f;
  struct loop_scan *scan;
  struct row *rows = NULL;
  size_t n = 0, alloc = 0;
  int rc = 0;

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
      char *path;

      /* The version is asked for only when a node is missing.  */
      if (f.lost && !ul_has (listing_ul_version (), UL_LOST_ROWS))
        continue;
      path = resolve (r, &in);
      if (n == alloc)
        rows = x2nrealloc (rows, &alloc, sizeof *rows);
      rows[n].name = (f.lost ? xasprintf ("%s (lost)", f.device)
                      : xstrdup (f.device));
      rows[n].file = (path != NULL ? path
                      : f.losetup_text != NULL ? xstrdup (f.losetup_text)
                      : NULL);
      n++;
    }
  loop_scan_close (scan);

  if (print_plain (rows, n))
    for (size_t i = 0; i < n; i++)
      {
        free (rows[i].name);
        free (rows[i].file);
      }
  else
    rc = print_with_smartcols (rows, n);
  free (rows);
  resolver_free (r);
  mounts_free (mounts);
  return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
