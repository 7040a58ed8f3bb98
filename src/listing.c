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
   pay for loading it, for nothing.

   DESIGN: this process reads sysfs and looks at nodes with stat() only,
   which never wait on a backing file's file system, so it can always
   print util-linux's rows by itself.  What may wait there (the ioctl on
   a proven node, the resolver's stat() calls and mount table) runs in a
   worker process (worker.h), fed the proven devices while the scan goes
   on; each device whose answer does not come within WORKER_WAIT_MS keeps
   util-linux's row.  No worker is started when no device needs one.  */

#include "system.h"

#include "listing.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <libsmartcols.h>

#include "columns.h"
#include "dynlib.h"
#include "fdbatch.h"
#include "worker.h"
#include "error.h"
#include "i18n.h"
#include "xalloc.h"
#include "xvasprintf.h"
#include "loopdev.h"
#include "mounts.h"
#include "resolve.h"
#include "ulprobe.h"
#include "ulversions.h"

/* The kernel hands over 64-bit inode numbers (lo_inode), and XFS and
   btrfs give files numbers above 2^32.  Built for 32-bit user space
   without large file support, stat() would fail on such a file
   (EOVERFLOW) and no path would be proven: configure enables it, and a
   build that has it not does not compile.  */
_Static_assert (sizeof ((struct stat *) 0)->st_ino >= sizeof (uint64_t),
                "stat() must report 64-bit inode numbers");

/* The resolver's stat callback.  With FS_TYPE, statfs() first and then
   stat(), both on PATH: the device and inode the resolver checks again
   are those seen after the file system type.  A candidate is never
   opened (a FIFO or a device node could block, or act on being opened).  */
static int
stat_path (const char *path, dev_t *dev, uint64_t *ino,
           unsigned long *fs_type)
{
  struct stat st;
  struct statfs sf;

  if (fs_type != NULL)
    {
      if (statfs (path, &sf) != 0)
        return errno;
      *fs_type = sf.f_type;
    }
  if (stat (path, &st) != 0)
    return errno;
  *dev = st.st_dev;
  *ino = st.st_ino;
  return 0;
}

/* The libsmartcols functions used, one a line: scols_NAME becomes the
   member NAME of SC, filled from SMARTCOLS_SYMS (see DYNLIB_FUNCTIONS).  */
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
  X (unref_table)

#define DYNLIB_API sc
#define DYNLIB_PREFIX scols_
DYNLIB_FUNCTIONS (smartcols_syms, SMARTCOLS_FUNCTIONS);

DYNLIB_NOTE ("table", "prints the listing", "required", SMARTCOLS_SONAME);
static struct dynlib smartcols = DYNLIB_INIT (SMARTCOLS_SONAME,
                                              smartcols_syms);

/* Loads libsmartcols into SC, once: it stays loaded until the listing
   is printed (list_backing_files closes it).  Returns true when it is
   loaded; false with the reason in *WHY.  */
static bool
try_load_smartcols (const char **why)
{
  return smartcols.users > 0 || dynlib_open (&smartcols, why);
}

/* Loads libsmartcols into SC, or exits with a message.  */
static void
load_smartcols (void)
{
  const char *why = NULL;

  /* util-linux losetup cannot start without all of it: its loader
     exits with 127 (see main.c), and so does this, in the loader's
     words.  */
  if (!try_load_smartcols (&why))
    error (127, 0, "error while loading shared libraries: %s", why);
}

static struct libscols_table *
new_table (void)
{
  struct libscols_table *tb;

  load_smartcols ();
  sc.init_debug (0);
  tb = sc.new_table ();
  if (tb == NULL)
    error (EXIT_FAILURE, errno, UL_("failed to allocate output table"));
  sc.table_enable_raw (tb, 0);
  sc.table_enable_json (tb, 0);
  sc.table_enable_noheadings (tb, 0);
  for (enum lc_column c = 0; c < LC_COLUMN_COUNT; c++)
    {
      const struct lc_column_info *col = lc_column_info (c);
      int flags = (c == LC_COLUMN_BACK_FILE
                   && ul_has (ul_installed_version (), UL_BACK_FILE_NOEXTREMES)
                   ? SCOLS_FL_NOEXTREMES : 0);

      if (sc.table_new_column (tb, col->name, col->whint, flags) == NULL)
        error (EXIT_FAILURE, errno, UL_("failed to allocate output column"));
    }
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
    error (EXIT_FAILURE, errno, UL_("failed to allocate output line"));
  rc = sc.line_refer_data (ln, 0, name);
  if (rc == 0 && file != NULL)
    rc = sc.line_refer_data (ln, 1, file);
  if (rc != 0)
    error (EXIT_FAILURE, -rc, UL_("failed to add output data"));
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
  const char *name_header = lc_column_info (LC_COLUMN_NAME)->name;
  size_t width = strlen (name_header);

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
    print_plain_line (name_header,
                      lc_column_info (LC_COLUMN_BACK_FILE)->name, width);
  for (size_t i = 0; i < n; i++)
    print_plain_line (rows[i].name, rows[i].file, width);
  return true;
}

/* One device listed, and what the worker found for it.  */
struct entry
{
  struct loop_facts f;
  char *path;                   /* the corrected path, malloc'd; or NULL */
  bool answered;                /* the worker's answer came */
};

/* What the workers work on (each has its copy of the parent's memory,
   as it was at its fork).  */
struct job
{
  struct entry *entries;
  size_t n;
  size_t start;                 /* the first entry a worker takes */
  void (*trace) (const char *line);
};

/* The kinds of the worker's messages.  */
enum
{
  MSG_TRACE,                    /* a trace line */
  MSG_PATH,                     /* the device's corrected path */
  MSG_NONE                      /* no correction: util-linux's row */
};

/* The kinds of the jobs fed to a worker: a proven node, with or without
   a sysfs text.  */
enum
{
  JOB_NO_SYSFS,
  JOB_SYSFS
};

/* Returns a new resolver and, in *MOUNTS, its mount table (both freed by
   the caller), tracing to TRACE.  The one place where the resolver
   meets the world.  */
static struct resolver *
new_resolver (void (*trace) (const char *line), struct mount_table **mounts)
{
  struct resolver_ops ops = {
    .stat_path = stat_path, .load_mounts = mounts_load,
    .trace = trace
  };

  *mounts = mounts_new ();
  ops.mounts_data = *mounts;
  return resolver_new (&ops, secure_getenv (ENV_BIND_MOUNTS));
}

/* Returns what the resolver gets for F.  */
static struct resolve_input
resolve_input_of (const struct loop_facts *f)
{
  struct resolve_input in = {
    .name = f->device,
    .sysfs_path = f->sysfs_path,
    .info = &f->info,
  };
  return in;
}

/* Returns true when a worker works on E: when there is a trace (every
   device's lines come in order from the worker), or when E has a node to
   open or facts to try.  Any other device has nothing to be proven: its
   row is util-linux's.  */
static bool
worker_takes (const struct job *job, const struct entry *e)
{
  return job->trace != NULL || e->f.proven || e->f.info.valid;
}

/* In the worker: where the resolver's trace lines go.  */
static struct worker_out *worker_trace_out;

static void
worker_trace (const char *line)
{
  worker_send (worker_trace_out, 0, MSG_TRACE, line, strlen (line));
}

/* In the worker: the ioctl on F's node when it is proven, and the
   resolution, everything that may wait on a backing file's file system;
   the answer for entry INDEX goes to OUT.  */
static void
work_on (struct resolver *r, struct fd_batch *nodes, int dev_fd,
         struct worker_out *out, uint32_t index, struct loop_facts *f)
{
  struct resolve_input in;
  char *path;
  int fd;

  if (f->proven)
    {
      loop_read_info (dev_fd, f, &fd);
      fd_batch_add (nodes, fd);
    }
  in = resolve_input_of (f);
  path = resolve (r, &in);
  worker_send (out, index, path != NULL ? MSG_PATH : MSG_NONE, path,
               path != NULL ? strlen (path) : 0);
  free (path);
}

/* Feeds W entry INDEX, a proven node: its number, name and sysfs text.
   Returns false when W takes no more.  */
static bool
feed_entry (struct worker *w, uint32_t index, const struct loop_facts *f)
{
  size_t dlen = strlen (f->device) + 1;
  size_t slen = f->sysfs_path != NULL ? strlen (f->sysfs_path) : 0;
  char *bytes = xmalloc (sizeof f->entry_number + dlen + slen);
  bool taken;

  memcpy (bytes, &f->entry_number, sizeof f->entry_number);
  memcpy (bytes + sizeof f->entry_number, f->device, dlen);
  if (slen > 0)
    memcpy (bytes + sizeof f->entry_number + dlen, f->sysfs_path, slen);
  taken = worker_feed (w, index, f->sysfs_path != NULL ? JOB_SYSFS
                       : JOB_NO_SYSFS, bytes,
                       sizeof f->entry_number + dlen + slen);
  free (bytes);
  return taken;
}

/* In the worker: fills *F from a job fed (KIND, BYTES, LEN bytes);
   F->sysfs_path points into BYTES.  Returns false for a job that does
   not read as one.  */
static bool
facts_from_job (struct loop_facts *f, uint32_t kind, const char *bytes,
                size_t len)
{
  const char *device = bytes + sizeof f->entry_number;
  size_t dlen;

  memset (f, 0, sizeof *f);
  if (len < sizeof f->entry_number + 1)
    return false;
  dlen = strlen (device);
  if (dlen >= sizeof f->device
      || sizeof f->entry_number + dlen > len)
    return false;
  memcpy (&f->entry_number, bytes, sizeof f->entry_number);
  memcpy (f->device, device, dlen + 1);
  f->proven = true;
  f->sysfs_path = kind == JOB_SYSFS ? (char *) device + dlen + 1 : NULL;
  return true;
}

/* The worker's work: the entries it takes from JOB's start, then the
   jobs fed to it, if any.  */
static void
work (void *data, int dev_fd, struct worker_out *out, struct worker_in *in)
{
  struct job *job = data;
  struct mount_table *mounts;
  struct resolver *r;
  struct fd_batch nodes = FD_BATCH_INIT;
  uint32_t index, kind;
  const char *bytes;
  size_t len;

  worker_trace_out = out;
  r = new_resolver (job->trace != NULL ? worker_trace : NULL, &mounts);
  for (size_t i = job->start; i < job->n; i++)
    if (worker_takes (job, &job->entries[i]))
      work_on (r, &nodes, dev_fd, out, i, &job->entries[i].f);
  while (in != NULL && worker_next (in, &index, &kind, &bytes, &len))
    {
      struct loop_facts f;

      if (facts_from_job (&f, kind, bytes, len))
        work_on (r, &nodes, dev_fd, out, index, &f);
    }
  fd_batch_close (&nodes);
  resolver_free (r);
  mounts_free (mounts);
}

/* In the parent: one message of a worker's.  */
static void
receive (void *data, uint32_t index, uint32_t kind, const char *bytes,
         size_t len)
{
  struct job *job = data;

  (void) len;
  if (kind == MSG_TRACE)
    {
      if (job->trace != NULL)
        job->trace (bytes);
      return;
    }
  if (index >= job->n || job->entries[index].answered)
    return;
  job->entries[index].answered = true;
  if (kind == MSG_PATH)
    job->entries[index].path = xstrdup (bytes);
}

/* Returns the first entry of JOB from FROM on that a worker takes and
   that has no answer yet, or JOB's count.  */
static size_t
first_pending (const struct job *job, size_t from)
{
  while (from < job->n && (job->entries[from].answered
                           || !worker_takes (job, &job->entries[from])))
    from++;
  return from;
}

/* Tells the trace, when there is one, that each entry of JOB a worker
   took but did not answer keeps util-linux's row.  */
static void
trace_unanswered (const struct job *job)
{
  if (job->trace == NULL)
    return;
  for (size_t i = first_pending (job, 0); i < job->n;
       i = first_pending (job, i + 1))
    {
      char *line = xasprintf ("%s: no answer within %d ms: "
                              "printing the sysfs path",
                              job->entries[i].f.device, WORKER_WAIT_MS);
      job->trace (line);
      free (line);
    }
}

/* Waits for W (NULL: none yet), which took JOB's entries from FROM on,
   then runs new workers over the entries still without an answer until
   all have one or DEADLINE passes: the entry a worker was stuck on keeps
   util-linux's row, and the next worker starts after it.  */
static void
finish_workers (struct job *job, struct worker *w, size_t from, int dev_fd,
                const struct timespec *deadline)
{
  size_t prev = SIZE_MAX;

  for (;;)
    {
      int rc = w != NULL ? worker_finish (w, receive, job, deadline) : 0;
      size_t next = first_pending (job, from);

      if (rc == 1)
        break;
      /* The one it was stuck on, or one that failed twice: given up.  */
      if (next < job->n && (rc == 2 || next == prev))
        next = first_pending (job, next + 1);
      if (next >= job->n)
        break;
      job->start = from = prev = next;
      w = worker_start (work, job, dev_fd, false);
      if (w == NULL)
        break;
    }
  trace_unanswered (job);
}

/* When no device needs a worker (no node to open, no ioctl facts: the
   resolver has nothing to look at), runs the resolver here for the
   trace's lines, if there is a trace.  */
static void
resolve_here (struct job *job)
{
  struct mount_table *mounts;
  struct resolver *r;

  if (job->trace == NULL || job->n == 0)
    return;
  r = new_resolver (job->trace, &mounts);
  for (size_t i = 0; i < job->n; i++)
    {
      struct resolve_input in = resolve_input_of (&job->entries[i].f);
      free (resolve (r, &in));
    }
  resolver_free (r);
  mounts_free (mounts);
}

/* Scans the loop devices into JOB.  Without a trace, a worker starts at
   the first device that needs one, and the proven nodes after it are
   fed to it as they are found: it works while this process scans.  With
   a trace, a worker takes every device after the scan, in order.  Then
   every entry a worker takes gets its answer, or util-linux's row when
   none came within the bound.  No worker when no device needs one.  */
static void
scan_and_resolve (struct job *job, struct loop_scan *scan)
{
  struct timespec deadline;
  struct worker *w = NULL;
  bool feeding = job->trace == NULL, any = false;
  size_t from = 0, alloc = 0;
  int dev_fd = loop_scan_dev_fd (scan);
  struct loop_facts f;

  while (loop_scan_next (scan, &f))
    {
      struct entry *e;

      if (job->n == alloc)
        job->entries = x2nrealloc (job->entries, &alloc,
                                   sizeof *job->entries);
      e = &job->entries[job->n++];
      e->f = f;
      e->path = NULL;
      e->answered = false;
      /* Only a node to open or facts to try need a worker.  */
      if (!e->f.proven && !e->f.info.valid)
        continue;
      if (!any)
        {
          any = true;
          worker_deadline (&deadline);
          if (feeding)
            {
              job->start = from = job->n - 1;
              w = worker_start (work, job, dev_fd, true);
            }
        }
      else if (feeding)
        feeding = (w != NULL && !e->f.info.valid
                   && feed_entry (w, job->n - 1, &e->f));
    }
  if (any)
    finish_workers (job, w, from, dev_fd, &deadline);
  else
    resolve_here (job);
}

int
list_backing_files (void (*trace) (const char *line))
{
  struct job job = { .entries = NULL, .n = 0, .trace = trace };
  struct loop_scan *scan;
  struct row *rows;
  int rc = 0;

  /* Neither /sys/block nor /proc/partitions: losetup lists nothing.  */
  scan = loop_scan_open ();
  if (scan != NULL)
    {
      /* The version is asked for only when a node is not its device.  */
      loop_scan_set_version (scan, ul_installed_version);
      scan_and_resolve (&job, scan);
    }
  loop_scan_close (scan);

  rows = xnmalloc (job.n + 1, sizeof *rows);
  for (size_t i = 0; i < job.n; i++)
    {
      struct entry *e = &job.entries[i];
      const char *text = loop_losetup_text (&e->f);

      rows[i].name = (e->f.lost ? xasprintf ("%s (lost)", e->f.device)
                      : xstrdup (e->f.device));
      rows[i].file = (e->path != NULL ? e->path
                      : text != NULL ? xstrdup (text) : NULL);
      free (e->f.sysfs_path);
    }
  free (job.entries);

  if (print_plain (rows, job.n))
    for (size_t i = 0; i < job.n; i++)
      {
        free (rows[i].name);
        free (rows[i].file);
      }
  else
    rc = print_with_smartcols (rows, job.n);
  free (rows);
  dynlib_close (&smartcols);
  return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
