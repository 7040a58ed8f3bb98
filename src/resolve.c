/* SPDX-License-Identifier: GPL-3.0-or-later */
/* resolve.c -- choose the backing file path to print for a loop device.

   sysfs renders loop/backing_file with d_path() from the reader's root.
   When the mount the device was set up through is no longer visible (the
   container that attached it has restarted), the path is cut down to what
   lies below the root of that mount: "/example" for "/foo/example".  The
   kernel still knows the file's device and inode, and a shortened copy of
   the name it was set up with, so candidates are built from those facts
   and the first one that stat() shows to be the very same file is taken.

   The order, first accepted wins:
     0. the sysfs path itself: losetup is right already, keep its bytes;
     1. lo_file_name, the name given at setup time;
     2. a cut lo_file_name (63 bytes, as the kernel keeps them) completed
        with the sysfs path where the two overlap;
     3. each LOSETUP_CONTAINER_BIND_MOUNTS entry joined with the sysfs path;
     4. each mount that the mount table shows with the file's device:
        mount point joined with the sysfs path, and with what follows the
        mount's root in it;
     5. the same mounts again, when the attaching container bound a parent
        of the mount's root: the sysfs path is then a head, with which the
        mount's root ends, and a tail; mount point joined with the tail,
        or the mount point itself when the tail is empty (a file bound on
        its own: sysfs shows "/" when the attaching container bound it);
     6. btrfs mounts whose mount point stat() shows with the file's device
        (a subvolume: the mount table has the file system's number): 4 and
        5 for each.  Only here are mount points looked at, each once per
        run.
   Each candidate is proven by stat(): same device, same inode.  The mount
   table is read once per run, and only for a device that 0 to 3 left.
   Nothing accepted: the caller prints what losetup prints.  A container
   that bound a directory below what this one binds leaves no trace of the
   missing middle of the path; the trace names the mounts under which it
   lies, for LOSETUP_CONTAINER_BIND_MOUNTS.  */

#include "system.h"

#include "resolve.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <linux/loop.h>

#include "quotearg.h"
#include "xalloc.h"
#include "xstrndup.h"
#include "xvasprintf.h"

/* What stat() showed for a mount point.  */
struct mount_dev
{
  bool known;                   /* looked at already */
  int err;                      /* stat's errno value, or 0 */
  dev_t dev;                    /* stat's device when ERR is 0 */
};

struct resolver
{
  struct resolver_ops ops;
  char **binds;                 /* LOSETUP_CONTAINER_BIND_MOUNTS, split */
  size_t n_binds;
  const struct mount_entry *mounts;     /* owned by the loader */
  size_t n_mounts;
  bool mounts_loaded;
  struct mount_dev *mount_devs; /* per mount, NULL until needed */
  char *buf;                    /* the candidate being tried */
  size_t bufsize;
};

static void
trace_line (const struct resolver *r, const char *fmt, ...)
{
  va_list ap;
  char *line;

  va_start (ap, fmt);
  line = xvasprintf (fmt, ap);
  va_end (ap);
  r->ops.trace (line);
  free (line);
}

/* Traces a line when a trace was asked for.  A macro, so that without a
   trace its arguments (quoted paths above all) cost nothing.  */
#define tracef(r, ...) \
  do \
    { \
      if ((r)->ops.trace != NULL) \
        trace_line ((r), __VA_ARGS__); \
    } \
  while (0)

/* Quotes S for the trace, escaping what would break a line.  N picks one
   of several slots so that one trace line can quote two strings.  */
static const char *
q (int n, const char *s)
{
  return quotearg_n_style (n, c_quoting_style, s);
}

struct resolver *
resolver_new (const struct resolver_ops *ops, const char *binds)
{
  struct resolver *r = xzalloc (sizeof *r);

  r->ops = *ops;
  r->binds = split_bind_mounts (binds, &r->n_binds);
  return r;
}

void
resolver_free (struct resolver *r)
{
  if (r == NULL)
    return;
  for (size_t i = 0; i < r->n_binds; i++)
    free (r->binds[i]);
  free (r->binds);
  free (r->mount_devs);
  free (r->buf);
  free (r);
}

char **
split_bind_mounts (const char *list, size_t *n)
{
  char **v = NULL;
  size_t count = 0, alloc = 0;

  for (const char *p = list; p != NULL && *p != '\0';)
    {
      size_t len = strcspn (p, ":\n");
      if (len > 0)
        {
          if (count == alloc)
            v = x2nrealloc (v, &alloc, sizeof *v);
          v[count++] = xstrndup (p, len);
        }
      p += len;
      if (*p != '\0')
        p++;
    }
  *n = count;
  return v;
}

bool
has_dot_component (const char *path)
{
  for (const char *p = path; *p != '\0'; p++)
    if ((p == path || p[-1] == '/') && p[0] == '.'
        && (p[1] == '\0' || p[1] == '/'
            || (p[1] == '.' && (p[2] == '\0' || p[2] == '/'))))
      return true;
  return false;
}

/* Sets R->buf to DIR (its first DIRLEN bytes) joined with SUFFIX by exactly
   one '/', and returns it.  A SUFFIX of slashes only ("/": the bound file
   itself) leaves DIR alone, without a trailing slash ("/" when DIR is
   nothing but slashes).  */
static const char *
join (struct resolver *r, const char *dir, size_t dirlen, const char *suffix)
{
  size_t slen, sep;

  while (dirlen > 0 && dir[dirlen - 1] == '/')
    dirlen--;
  while (*suffix == '/')
    suffix++;
  slen = strlen (suffix);
  sep = slen > 0 || dirlen == 0;        /* the '/' between them */
  if (r->bufsize < dirlen + sep + slen + 1)
    {
      free (r->buf);
      r->bufsize = dirlen + sep + slen + 1;
      r->buf = xmalloc (r->bufsize);
    }
  memcpy (r->buf, dir, dirlen);
  if (sep)
    r->buf[dirlen] = '/';
  memcpy (r->buf + dirlen + sep, suffix, slen + 1);
  return r->buf;
}

/* Returns PATH when it is IN's backing file, else NULL.  WHAT names the
   candidate in the trace.  */
static const char *
accept (struct resolver *r, const struct resolve_input *in,
        const char *what, const char *path)
{
  dev_t dev;
  uint64_t ino;
  int e;

  if (path[0] != '/')
    {
      tracef (r, "%s: %s %s: refused: not an absolute path",
              in->name, what, q (0, path));
      return NULL;
    }
  e = r->ops.stat_path (path, &dev, &ino);
  if (e != 0)
    tracef (r, "%s: %s %s: refused: %s", in->name, what, q (0, path),
            strerror (e));
  else if (dev != in->dev || ino != in->ino)
    tracef (r, "%s: %s %s: refused: device %u:%u inode %ju is another file",
            in->name, what, q (0, path), major (dev), minor (dev),
            (uintmax_t) ino);
  else
    {
      tracef (r, "%s: %s %s: accepted: same device and inode",
              in->name, what, q (0, path));
      return path;
    }
  return NULL;
}

/* Candidate 2: lo_file_name was cut to 63 bytes.  The real path ends with
   the sysfs path, so wherever the tail of the cut name is a head of the
   sysfs path, the two halves together may be the whole.  Returns the
   accepted path (in R's buffer) or NULL.  */
static const char *
try_rebuilt (struct resolver *r, const struct resolve_input *in)
{
  const char *name = in->file_name, *sys = in->sysfs_path, *res;
  size_t len = strlen (name);

  if (len < LO_NAME_SIZE - 1 || sys == NULL || name[0] != '/')
    return NULL;
  for (size_t i = 1; i <= len; i++)
    if (strncmp (name + i, sys, len - i) == 0
        && (res = accept (r, in, "rebuilt name", join (r, name, i, sys))))
      return res;
  return NULL;
}

/* Candidate 3: the directories the caller says are bind mounts.  Returns
   the accepted path (in R's buffer) or NULL.  */
static const char *
try_binds (struct resolver *r, const struct resolve_input *in)
{
  const char *res;

  for (size_t i = 0; i < r->n_binds; i++)
    {
      const char *b = r->binds[i];
      if (b[0] != '/' || has_dot_component (b))
        {
          tracef (r, "%s: bind mount %s: refused: not an absolute path "
                  "without . or .. components", in->name, q (0, b));
          continue;
        }
      res = accept (r, in, "bind mount", join (r, b, strlen (b),
                                               in->sysfs_path));
      if (res != NULL)
        return res;
    }
  return NULL;
}

/* Returns the part of SYS below ROOT when SYS lies under ROOT (a whole
   component prefix), else NULL.  */
static const char *
below_root (const char *sys, const char *root)
{
  size_t len = strlen (root);

  while (len > 0 && root[len - 1] == '/')
    len--;
  if (len == 0 || strncmp (sys, root, len) != 0 || sys[len] != '/')
    return NULL;
  return sys + len;
}

/* Reads the mount table into R, once.  */
static void
load_mounts (struct resolver *r)
{
  if (r->mounts_loaded)
    return;
  r->mounts_loaded = true;
  if (r->ops.load_mounts != NULL)
    r->mounts = r->ops.load_mounts (r->ops.mounts_data, r->ops.trace,
                                    &r->n_mounts);
  tracef (r, "mount table: %zu mounts", r->n_mounts);
}

/* Candidate 4: M holds the file's file system; the mount point joined
   with the sysfs path, then with what follows M's root in it.  Returns
   the accepted path (in R's buffer) or NULL.  */
static const char *
try_mount_paths (struct resolver *r, const struct resolve_input *in,
                 const struct mount_entry *m)
{
  const char *rest, *res = NULL;
  size_t tlen = strlen (m->target);

  /* A sysfs path of "/" is a file bound on its own: candidate 5.  */
  if (in->sysfs_path[strspn (in->sysfs_path, "/")] != '\0')
    res = accept (r, in, "mount point", join (r, m->target, tlen,
                                              in->sysfs_path));
  if (res != NULL)
    return res;
  rest = m->root ? below_root (in->sysfs_path, m->root) : NULL;
  if (rest != NULL)
    res = accept (r, in, "mount root", join (r, m->target, tlen, rest));
  return res;
}

/* Candidate 5: the attaching container bound a directory above M's root,
   so the sysfs path is HEAD + TAIL where M's root ends with HEAD (whole
   components): the file is the mount point joined with TAIL, or the mount
   point itself when TAIL is empty (M is the file, bound on its own; sysfs
   shows "/" when the attaching container bound that file).  Returns the
   accepted path (in R's buffer, or M's target) or NULL.  */
static const char *
try_mount_tails (struct resolver *r, const struct resolve_input *in,
                 const struct mount_entry *m)
{
  const char *sys = in->sysfs_path, *root = m->root ? m->root : "", *res;
  size_t slen = strlen (sys), rlen = strlen (root);

  while (slen > 0 && sys[slen - 1] == '/')
    slen--;
  while (rlen > 0 && root[rlen - 1] == '/')
    rlen--;
  for (size_t k = slen == 0 ? 0 : 1; k <= slen; k++)
    {
      /* K == RLEN < SLEN: the root is a head of the sysfs path, the
         candidate try_mount_paths tried as the mount root.  */
      if ((k < slen && sys[k] != '/') || k > rlen
          || (k == rlen && k < slen)
          || memcmp (root + rlen - k, sys, k) != 0)
        continue;
      if (k == slen)
        res = accept (r, in, "file mount", m->target);
      else
        res = accept (r, in, "mount tail", join (r, m->target,
                                                 strlen (m->target),
                                                 sys + k));
      if (res != NULL)
        return res;
    }
  return NULL;
}

/* File systems whose files stat() shows with a device of their subtree
   rather than the one in the mount table: btrfs gives each subvolume a
   device of its own.  Only their mount points are looked at with stat()
   (which could hang on a dead network file system, or trigger an
   automount, elsewhere).  overlayfs needs nothing here when its layers
   share a file system (or with xino): stat() then shows the number in the
   mount table.  Otherwise a file shows a per-layer number that its mount
   point does not show either, so looking there would not help.  */
static bool
has_subtree_devices (const struct mount_entry *m)
{
  return m->fstype != NULL && strcmp (m->fstype, "btrfs") == 0;
}

/* Returns true when M has a mount point a path can be joined to.  */
static bool
usable_mount (const struct mount_entry *m)
{
  return m->target != NULL && m->target[0] == '/';
}

/* Returns true when mount I of R is usable and the mount table shows it
   with IN's device (candidates 4 and 5).  */
static bool
table_shows_device (const struct resolver *r, const struct resolve_input *in,
                    size_t i)
{
  return usable_mount (&r->mounts[i]) && r->mounts[i].dev == in->dev;
}

/* Returns true when stat() shows IN's device for the mount point of mount
   I, a usable one that may show another device than the mount table's
   (a btrfs subvolume).  Call it for mounts that table_shows_device
   refused.  The answer is kept, so each mount point is looked at once
   per run.  */
static bool
mount_shows_device (struct resolver *r, const struct resolve_input *in,
                    size_t i)
{
  const struct mount_entry *m = &r->mounts[i];
  struct mount_dev *md;
  uint64_t ino;

  if (!usable_mount (m) || !has_subtree_devices (m))
    return false;
  if (r->mount_devs == NULL)
    r->mount_devs = xcalloc (r->n_mounts, sizeof *r->mount_devs);
  md = &r->mount_devs[i];
  if (!md->known)
    {
      md->known = true;
      md->err = r->ops.stat_path (m->target, &md->dev, &ino);
    }
  if (md->err != 0 || md->dev != in->dev)
    {
      if (md->err != 0)
        tracef (r, "%s: %s mount %s: refused: %s", in->name, m->fstype,
                q (0, m->target), strerror (md->err));
      else
        tracef (r, "%s: %s mount %s: refused: stat() shows device %u:%u",
                in->name, m->fstype, q (0, m->target), major (md->dev),
                minor (md->dev));
      return false;
    }
  tracef (r, "%s: %s mount %s: stat() shows the file's device, the mount "
          "table %u:%u", in->name, m->fstype, q (0, m->target),
          major (m->dev), minor (m->dev));
  return true;
}

/* Returns true when M holds IN's file system: the mount table says so, or
   stat() showed it for M's mount point (candidate 6).  */
static bool
holds_device (const struct resolver *r, const struct resolve_input *in,
              size_t i)
{
  const struct mount_dev *md = r->mount_devs ? &r->mount_devs[i] : NULL;

  /* Only mount_shows_device fills MD, for usable mounts.  */
  return (table_shows_device (r, in, i)
          || (md != NULL && md->known && md->err == 0 && md->dev == in->dev));
}

/* Says in the trace which LOSETUP_CONTAINER_BIND_MOUNTS entry would help
   when nothing was accepted.  The kernel's facts do not say where below a
   mount of the file's file system the attaching container's bind began,
   so the line names these mounts: the entry is the directory below one of
   them that holds the sysfs path.  */
static void
trace_hint (struct resolver *r, const struct resolve_input *in)
{
  char *line = NULL, *more;

  if (r->ops.trace == NULL)
    return;
  for (size_t i = 0; i < r->n_mounts; i++)
    if (holds_device (r, in, i))
      {
        const struct mount_entry *m = &r->mounts[i];
        more = xasprintf ("%s%s %s (root %s)", line ? line : "",
                          line ? "," : "", q (0, m->target),
                          q (1, m->root ? m->root : ""));
        free (line);
        line = more;
      }
  if (line != NULL)
    tracef (r, "%s: hint: %s needs the directory that holds %s, when that "
            "lies deeper below one of the mounts of the file's file "
            "system:%s", in->name, ENV_BIND_MOUNTS, q (0, in->sysfs_path),
            line);
  free (line);
}

/* Candidates 4 to 6: the mounts that hold the backing file's file system;
   first those the mount table names with the file's device (candidate 4
   for all of them, then 5), then those whose mount point stat() shows
   with that device (6: 4 and 5 again).  Returns the accepted path or
   NULL.  */
static const char *
try_mounts (struct resolver *r, const struct resolve_input *in)
{
  const char *res = NULL;

  load_mounts (r);
  for (size_t i = 0; res == NULL && i < r->n_mounts; i++)
    if (table_shows_device (r, in, i))
      res = try_mount_paths (r, in, &r->mounts[i]);
  for (size_t i = 0; res == NULL && i < r->n_mounts; i++)
    if (table_shows_device (r, in, i))
      res = try_mount_tails (r, in, &r->mounts[i]);
  for (size_t i = 0; res == NULL && i < r->n_mounts; i++)
    if (!table_shows_device (r, in, i) && mount_shows_device (r, in, i))
      {
        res = try_mount_paths (r, in, &r->mounts[i]);
        if (res == NULL)
          res = try_mount_tails (r, in, &r->mounts[i]);
      }
  if (res == NULL)
    trace_hint (r, in);
  return res;
}

char *
resolve (struct resolver *r, const struct resolve_input *in)
{
  const char *sys = in->sysfs_path, *res;

  if (!in->has_info)
    {
      tracef (r, "%s: no ioctl facts: printing the sysfs path", in->name);
      return NULL;
    }
  tracef (r, "%s: sysfs %s, lo_file_name %s, device %u:%u, inode %ju",
          in->name, sys ? q (0, sys) : "(none)", q (1, in->file_name),
          major (in->dev), minor (in->dev), (uintmax_t) in->ino);

  if (sys != NULL && accept (r, in, "sysfs path", sys))
    return xstrdup (sys);
  if (in->file_name[0] != '\0'
      && accept (r, in, "lo_file_name", in->file_name))
    return xstrdup (in->file_name);
  if (sys == NULL || sys[0] != '/')
    return NULL;
  if ((res = try_rebuilt (r, in)) || (res = try_binds (r, in))
      || (res = try_mounts (r, in)))
    return xstrdup (res);
  tracef (r, "%s: no candidate accepted: printing the sysfs path",
          in->name);
  return NULL;
}
