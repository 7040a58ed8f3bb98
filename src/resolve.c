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
     4. each mount of the backing file's file system: mount point joined
        with the sysfs path, and with what follows the mount's root in it.
   Nothing accepted: the caller prints what losetup prints.  */

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

struct resolver
{
  struct resolver_ops ops;
  char **binds;                 /* LOSETUP_CONTAINER_BIND_MOUNTS, split */
  size_t n_binds;
  const struct mount_entry *mounts;     /* owned by the loader */
  size_t n_mounts;
  bool mounts_loaded;
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
   one '/', and returns it.  */
static const char *
join (struct resolver *r, const char *dir, size_t dirlen, const char *suffix)
{
  size_t slen;

  while (dirlen > 0 && dir[dirlen - 1] == '/')
    dirlen--;
  while (*suffix == '/')
    suffix++;
  slen = strlen (suffix);
  if (r->bufsize < dirlen + slen + 2)
    {
      free (r->buf);
      r->bufsize = dirlen + slen + 2;
      r->buf = xmalloc (r->bufsize);
    }
  memcpy (r->buf, dir, dirlen);
  r->buf[dirlen] = '/';
  memcpy (r->buf + dirlen + 1, suffix, slen + 1);
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

/* Candidate 4: the mounts of the backing file's file system.  Returns
   the accepted path (in R's buffer) or NULL.  */
static const char *
try_mounts (struct resolver *r, const struct resolve_input *in)
{
  const char *res;

  if (!r->mounts_loaded)
    {
      r->mounts_loaded = true;
      if (r->ops.load_mounts != NULL)
        r->mounts = r->ops.load_mounts (r->ops.mounts_data, &r->n_mounts);
      tracef (r, "mount table: %zu mounts", r->n_mounts);
    }
  for (size_t i = 0; i < r->n_mounts; i++)
    {
      const struct mount_entry *m = &r->mounts[i];
      const char *rest;

      if (m->dev != in->dev || m->target == NULL || m->target[0] != '/')
        continue;
      res = accept (r, in, "mount point", join (r, m->target,
                                                strlen (m->target),
                                                in->sysfs_path));
      if (res != NULL)
        return res;
      rest = m->root ? below_root (in->sysfs_path, m->root) : NULL;
      if (rest != NULL
          && (res = accept (r, in, "mount root",
                            join (r, m->target, strlen (m->target), rest))))
        return res;
    }
  return NULL;
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
