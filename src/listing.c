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
   pay for loading it, for nothing.  One handle, never closed, serves the
   version, the check that losetup could start, and the table.

   DESIGN: this process reads sysfs and looks at nodes with stat() only,
   which never wait on a backing file's file system, so it can always
   print util-linux's rows by itself.  (Without /sys/block, where the
   ioctl is losetup's only source, it waits on the backing file's file
   system as losetup does.)  What may wait there (the ioctl on a proven
   node, the resolver's stat() calls and mount table) runs in one child
   process (worker.h), forked at the first device listed, once the names
   in /sys/block are read.  The two share one area of memory: a slot per
   entry, and an arena for the texts.  The child reads entries from the
   first on, each with its answer; this process reads them from the last
   on, and the two meet where an entry is already taken (owner, set with
   one compare-and-swap): on two cores each reads about half, with no
   system call and no wake-up between them.  The child then answers the
   entries this process read.  An entry whose answer does not come within
   the bounds of worker.h keeps util-linux's row.  */

#include "system.h"

#include "listing.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <libsmartcols.h>

#include "columns.h"
#include "dynlib.h"
#include "worker.h"
#include "error.h"
#include "i18n.h"
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
  X (get_library_version) \
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

bool
smartcols_load (const char **why)
{
  return dynlib_open (&smartcols, why);
}

unsigned int
ul_installed_version (void)
{
  static unsigned int version = UINT_MAX;
  const char *s = NULL, *why;

  if (version == UINT_MAX && smartcols_load (&why))
    sc.get_library_version (&s);
  if (version == UINT_MAX)
    version = ul_parse_version (s);
  return version;
}

/* Returns a new table for util-linux VERSION; libsmartcols is loaded.  */
static struct libscols_table *
new_table (unsigned int version)
{
  struct libscols_table *tb;

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
                   && ul_has (version, UL_BACK_FILE_NOEXTREMES)
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
print_with_smartcols (struct row *rows, size_t n, unsigned int version)
{
  struct libscols_table *tb = new_table (version);
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

/* Who reads an entry (a slot's owner).  */
enum { SLOT_FREE, SLOT_CHILD, SLOT_PARENT };
/* What a slot holds (its state's bits).  */
enum { SLOT_SCANNED = 1, SLOT_ANSWERED = 2 };

/* One /sys/block entry, in the memory the listing shares with its
   child.  */
struct slot
{
  atomic_uchar owner;
  atomic_uchar state;
  bool listed;                  /* util-linux lists it */
  /* F's text is in this process's memory only (the arena was full):
     the child reads the entry again.  */
  bool private_text;
  bool given_up;                /* a child was stuck on it */
  struct loop_facts f;          /* the text in the arena */
  char *path;                   /* the answer, in the arena; NULL: none */
};

/* The memory shared with the child (mapped before the fork, at the same
   address in both), or private when there is no child.  */
struct shared
{
  atomic_uint beat;             /* bumped by the child as it works */
  atomic_size_t current;        /* the slot the child answers */
  atomic_size_t used;           /* bytes of the arena taken */
  size_t arena_size;            /* 0: no arena */
  char *arena;
  size_t map_size;              /* 0: not mapped, but allocated */
  struct slot slots[];
};

/* Arena bytes for each entry: enough for a text and an answer of the
   usual sizes; longer ones take the room others left.  */
#define ARENA_PER_ENTRY 1024

/* One listing.  */
struct listing
{
  struct loop_scan *scan;
  char **names;                 /* the /sys/block entries; NULL without */
  size_t n;                     /* entries, and slots */
  struct shared *sh;
  size_t start;                 /* the first slot the child answers */
  struct worker w;
  void (*trace) (const char *line);
  struct resolver *r;           /* the child's, made on first use */
  struct mount_table *mounts;
};

/* Returns a copy of S in SH's arena, or NULL when it does not fit.  */
static char *
arena_copy (struct shared *sh, const char *s)
{
  size_t len = strlen (s) + 1;
  size_t at = atomic_fetch_add (&sh->used, len);

  if (sh->arena_size < len || at > sh->arena_size - len)
    return NULL;
  return memcpy (sh->arena + at, s, len);
}

/* Makes the memory for N slots, shared with a child; where it cannot be
   mapped, in this process only, with no arena (no child then).  */
static struct shared *
new_shared (size_t n)
{
  size_t slots = sizeof (struct shared) + n * sizeof (struct slot);
  size_t arena = n * ARENA_PER_ENTRY + 65536;
  void *p = mmap (NULL, slots + arena, PROT_READ | PROT_WRITE,
                  MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  struct shared *sh;

  if (p == MAP_FAILED)
    sh = xzalloc (slots);
  else
    {
      sh = p;
      sh->map_size = slots + arena;
      sh->arena = (char *) p + slots;
      sh->arena_size = arena;
    }
  atomic_init (&sh->current, SIZE_MAX);
  return sh;
}

/* Publishes F, read for slot S, in S, its text moved to the arena.
   Returns false, and publishes nothing, when the text does not fit.  */
static bool
share (struct shared *sh, struct slot *s, struct loop_facts *f, bool listed)
{
  char *text = NULL;

  if (f->sysfs_path != NULL
      && (text = arena_copy (sh, f->sysfs_path)) == NULL)
    return false;
  free (f->sysfs_path);
  f->sysfs_path = text;
  s->listed = listed;
  s->f = *f;
  atomic_fetch_or_explicit (&s->state, SLOT_SCANNED, memory_order_release);
  return true;
}

/* In this process: puts F, read for slot S, into S; a text that does not
   fit the arena stays in this process's memory, for its row.  */
static void
fill_slot (struct shared *sh, struct slot *s, struct loop_facts *f,
           bool listed)
{
  if (share (sh, s, f, listed))
    return;
  s->listed = listed;
  s->f = *f;
  s->private_text = true;
  atomic_fetch_or_explicit (&s->state, SLOT_SCANNED, memory_order_release);
}

/* Reads entry I into its slot.  Returns 0, or -errno when the system ran
   short (nothing is known of the entry then).  */
static int
scan_slot (struct listing *l, size_t i)
{
  struct loop_facts f;
  int rc = loop_scan_entry (l->scan, l->names[i], &f);

  if (rc >= 0)
    fill_slot (l->sh, &l->sh->slots[i], &f, rc > 0);
  return rc < 0 ? rc : 0;
}

/* Takes slot I for WHO; false when the other has it.  */
static bool
claim (struct listing *l, size_t i, unsigned char who)
{
  unsigned char free_slot = SLOT_FREE;

  return atomic_compare_exchange_strong (&l->sh->slots[i].owner,
                                         &free_slot, who);
}

static bool
has (const struct slot *s, unsigned char bit)
{
  return (atomic_load_explicit (&s->state, memory_order_acquire) & bit) != 0;
}

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

/* A line of L's trace, if there is one; a macro, so that without a trace
   its arguments cost nothing.  */
#define tracef(l, ...) \
  do \
    { \
      if ((l)->trace != NULL) \
        trace_printf ((l)->trace, __VA_ARGS__); \
    } \
  while (0)

/* In the child: the answer for slot I, whose facts are F (the slot's, or
   a copy of the child's own): the ioctl on a proven node and the
   resolution, everything that may wait on a backing file's file
   system.  */
static void
answer (struct listing *l, size_t i, struct loop_facts *f)
{
  struct shared *sh = l->sh;
  char key[sizeof "loop" + 10];
  struct resolve_input in;
  char *path;
  pid_t waiting;

  atomic_store (&sh->current, i);
  atomic_fetch_add (&sh->beat, 1);
  snprintf (key, sizeof key, "loop%" PRIu32, f->entry_number);
  waiting = worker_marked (key, f->sysfs_path);
  if (waiting != 0)
    tracef (l, "%s: a process of an earlier listing (pid %jd) still waits "
            "on it: printing the sysfs path", f->device, (intmax_t) waiting);
  else
    {
      if (f->proven)
        loop_read_info (l->scan, f);
      if (l->r == NULL)
        l->r = new_resolver (l->trace, &l->mounts);
      in = (struct resolve_input) { .name = f->device,
                                    .sysfs_path = f->sysfs_path,
                                    .info = &f->info };
      path = resolve (l->r, &in);
      if (path != NULL)
        sh->slots[i].path = arena_copy (sh, path);
      free (path);
    }
  atomic_fetch_or_explicit (&sh->slots[i].state, SLOT_ANSWERED,
                            memory_order_release);
  atomic_fetch_add (&sh->beat, 1);
}

/* The child: from its start on, each entry that is free is read and
   shared, and each one listed is answered.  An entry the parent is
   reading at that moment (the one where the two meet), or whose text it
   could not share, is read here too, for the child only; so is one whose
   text does not fit, which the parent then reads again.  A shortage ends
   the child: the parent reads what is left.  */
static void
child_work (void *arg)
{
  struct listing *l = arg;

  loop_scan_reopen (l->scan);
  for (size_t i = l->start; i < l->n; i++)
    {
      struct slot *s = &l->sh->slots[i];
      struct loop_facts own, *f = &s->f;
      bool listed = s->listed;
      bool mine = claim (l, i, SLOT_CHILD);

      if (mine || !has (s, SLOT_SCANNED) || s->private_text)
        {
          int rc = (l->names != NULL
                    ? loop_scan_entry (l->scan, l->names[i], &own) : -EINVAL);
          if (rc < 0)
            break;
          listed = rc > 0;
          if (!mine || !share (l->sh, s, &own, listed))
            f = &own;
        }
      if (listed && !s->given_up)
        answer (l, i, f);
      if (f == &own)
        free (own.sysfs_path);
    }
  resolver_free (l->r);
  mounts_free (l->mounts);
}

/* Starts a child that answers the slots from START on, unless this is
   process 1 of a PID namespace: the namespace cannot end while a child
   waits in the kernel, nor could the listing, so none is started
   there.  */
static bool
start_child (struct listing *l, size_t start)
{
  if (l->sh->arena_size == 0 || getpid () == 1)
    return false;
  l->start = start;
  atomic_store (&l->sh->current, SIZE_MAX);
  return worker_start (&l->w, child_work, l);
}

static void
echo_trace (const char *bytes, size_t n)
{
  fwrite (bytes, 1, n, stderr);
}

/* Reads into their slots the entries from I on that no one read.
   Returns 0, or -errno on a shortage.  */
static int
scan_rest (struct listing *l, size_t i)
{
  for (; i < l->n; i++)
    if (!has (&l->sh->slots[i], SLOT_SCANNED))
      {
        int rc = scan_slot (l, i);
        if (rc != 0)
          return rc;
      }
  return 0;
}

/* Waits for the child, and after each stall gives up the entry it was
   stuck on and starts another for the entries after it, until all are
   answered or DEADLINE passes.  Returns how the last one ended.  */
static enum worker_end
finish (struct listing *l, long long deadline)
{
  for (;;)
    {
      enum worker_end end = worker_wait (&l->w, &l->sh->beat, deadline,
                                         l->trace ? echo_trace : NULL);
      size_t i = atomic_load (&l->sh->current);
      struct slot *s;
      char key[sizeof "loop" + 10];

      if (end == WORKER_ENDED || i >= l->n
          || has (s = &l->sh->slots[i], SLOT_ANSWERED))
        return end;
      /* It may wait there for good: later listings are told.  */
      snprintf (key, sizeof key, "loop%" PRIu32, s->f.entry_number);
      worker_leave_marker (&l->w, key, s->f.sysfs_path);
      if (end == WORKER_LATE)
        return end;
      s->given_up = true;
      tracef (l, "%s: no answer within %d ms: printing the sysfs path",
              s->f.device, WORKER_STALL_MS);
      /* The next child only answers: every entry is read first.  */
      if (scan_rest (l, 0) != 0 || !start_child (l, i + 1))
        return WORKER_ENDED;
    }
}

/* Reads every entry, and answers those listed in a child when one can
   be started.  Returns 0, or -errno on a shortage.  */
static int
read_and_answer (struct listing *l)
{
  long long deadline;
  enum worker_end end;
  size_t first = 0, i;
  int rc = 0;

  /* Up to the first entry listed: nothing to answer before it.  */
  for (; first < l->n; first++)
    {
      if (!has (&l->sh->slots[first], SLOT_SCANNED)
          && (rc = scan_slot (l, first)) != 0)
        return rc;
      if (l->sh->slots[first].listed)
        break;
    }
  if (first == l->n)
    return 0;
  for (i = 0; i <= first; i++)
    atomic_store (&l->sh->slots[i].owner, SLOT_PARENT);
  deadline = worker_now_ms () + WORKER_WAIT_MS;
  if (!start_child (l, first))
    end = WORKER_ENDED;
  else
    {
      /* From the last entry down, to where the child has been.  */
      for (i = l->n; i-- > first + 1 && claim (l, i, SLOT_PARENT);)
        if (scan_slot (l, i) != 0)
          break;
      end = finish (l, deadline);
    }
  rc = scan_rest (l, first);
  for (i = first; rc == 0 && i < l->n; i++)
    {
      struct slot *s = &l->sh->slots[i];
      if (s->listed && !s->given_up && !has (s, SLOT_ANSWERED))
        {
          if (end == WORKER_LATE)
            tracef (l, "%s: no answer within %d ms in all: printing the "
                    "sysfs path", s->f.device, WORKER_WAIT_MS);
          else
            tracef (l, "%s: not looked at (no worker process): printing "
                    "the sysfs path", s->f.device);
        }
    }
  return rc;
}

/* Reads the names in /sys/block, or without it the devices in
   /proc/partitions, into a new listing L.  Returns 0 or -errno.  */
static int
read_entries (struct listing *l)
{
  size_t alloc = 0;
  const char *name;
  struct loop_facts f;
  struct loop_facts *parts = NULL;
  int rc = 0;

  while ((name = loop_scan_next_name (l->scan)) != NULL)
    {
      if (l->n == alloc)
        l->names = x2nrealloc (l->names, &alloc, sizeof *l->names);
      l->names[l->n++] = xstrdup (name);
    }
  if (errno != 0)
    return -errno;
  if (l->names == NULL)
    /* /proc/partitions: read here, as losetup does (see DESIGN).  */
    while ((rc = loop_scan_next (l->scan, &f)) > 0)
      {
        if (l->n == alloc)
          parts = x2nrealloc (parts, &alloc, sizeof *parts);
        parts[l->n++] = f;
      }
  l->sh = new_shared (l->n);
  for (size_t i = 0; parts != NULL && i < l->n; i++)
    {
      atomic_init (&l->sh->slots[i].owner, SLOT_PARENT);
      fill_slot (l->sh, &l->sh->slots[i], &parts[i], true);
    }
  free (parts);
  return rc < 0 ? rc : 0;
}

/* Frees what L holds.  */
static void
free_listing (struct listing *l)
{
  for (size_t i = 0; i < l->n; i++)
    {
      if (l->sh != NULL && l->sh->slots[i].private_text)
        free (l->sh->slots[i].f.sysfs_path);
      if (l->names != NULL)
        free (l->names[i]);
    }
  free (l->names);
  if (l->sh != NULL && l->sh->map_size > 0)
    munmap (l->sh, l->sh->map_size);
  else
    free (l->sh);
}

int
list_backing_files (unsigned int version, void (*trace) (const char *line))
{
  static char page[4096];
  struct listing l = { .trace = trace };
  struct row *rows;
  size_t n = 0;
  int rc = 0;

  /* Neither /sys/block nor /proc/partitions: losetup lists nothing.  */
  l.scan = loop_scan_open (version);
  if (l.scan == NULL && !loop_shortage (errno))
    return EXIT_SUCCESS;
  rc = l.scan == NULL ? -errno : read_entries (&l);
  if (rc == 0)
    rc = read_and_answer (&l);
  loop_scan_close (l.scan);
  if (rc != 0)
    {
      /* Never a row emptied or left out for want of a descriptor.  */
      free_listing (&l);
      error (0, -rc, _("cannot read the loop devices"));
      return EXIT_FAILURE;
    }

  rows = xnmalloc (l.n + 1, sizeof *rows);
  for (size_t i = 0; i < l.n; i++)
    {
      struct slot *s = &l.sh->slots[i];
      const char *text = loop_losetup_text (&s->f);

      if (!s->listed)
        continue;
      rows[n].name = (s->f.lost ? xasprintf ("%s (lost)", s->f.device)
                      : xstrdup (s->f.device));
      rows[n].file = (has (s, SLOT_ANSWERED) && s->path != NULL
                      ? xstrdup (s->path)
                      : text != NULL ? xstrdup (text) : NULL);
      n++;
    }
  free_listing (&l);

  /* util-linux's own descriptors take the numbers a caller closed: with
     0 and 1 closed, its standard output is a sysfs directory while it
     prints, buffered a page at a time, and a table longer than that
     fails while it is printed.  So here too.  */
  if (fcntl (STDIN_FILENO, F_GETFD) < 0 && fcntl (STDOUT_FILENO, F_GETFD) < 0)
    setvbuf (stdout, page, _IOFBF, sizeof page);
  if (print_plain (rows, n))
    for (size_t i = 0; i < n; i++)
      {
        free (rows[i].name);
        free (rows[i].file);
      }
  else
    rc = print_with_smartcols (rows, n, version);
  free (rows);
  return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
