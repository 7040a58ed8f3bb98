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

static void
trace_line (const struct resolver *r, const char *fmt, ...)
{
  va_list ap;
  char *line;

  va_start (ap, fmt);
  line = xvasprintf (fmt, ap);
  va_end (ap);
  r->trace (line);
  free (line);
}

/* Traces a line when a trace was asked for.  A macro, so that without a
   trace its arguments (quoted paths above all) cost nothing.  */
#define tracef(r, ...) \
  do \
    { \
      if ((r)->trace != NULL) \
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

void
resolver_init (struct resolver *r, const char *binds)
{
  memset (r, 0, sizeof *r);
  r->binds = split_bind_mounts (binds, &r->n_binds);
}

void
resolver_free (struct resolver *r)
{
  for (size_t i = 0; i < r->n_binds; i++)
    free (r->binds[i]);
  free (r->binds);
  free (r->buf);
  r->binds = NULL;
  r->buf = NULL;
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

/* Returns true when PATH is IN's backing file.  WHAT names the candidate
   in the trace.  */
static bool
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
      return false;
    }
  e = r->stat_path (path, &dev, &ino);
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
      return true;
    }
  return false;
}

/* Candidate 2: lo_file_name was cut to 63 bytes.  The real path ends with
   the sysfs path, so wherever the tail of the cut name is a head of the
   sysfs path, the two halves together may be the whole.  */
static bool
try_rebuilt (struct resolver *r, const struct resolve_input *in)
{
  const char *name = in->file_name, *sys = in->sysfs_path;
  size_t len = strlen (name);

  if (len < LO_NAME_SIZE - 1 || sys == NULL || name[0] != '/')
    return false;
  for (size_t i = 1; i <= len; i++)
    if (strncmp (name + i, sys, len - i) == 0
        && accept (r, in, "rebuilt name", join (r, name, i, sys)))
      return true;
  return false;
}

/* Candidate 3: the directories the caller says are bind mounts.  */
static bool
try_binds (struct resolver *r, const struct resolve_input *in)
{
  for (size_t i = 0; i < r->n_binds; i++)
    {
      const char *b = r->binds[i];
      if (b[0] != '/' || has_dot_component (b))
        {
          tracef (r, "%s: bind mount %s: refused: not an absolute path "
                  "without . or .. components", in->name, q (0, b));
          continue;
        }
      if (accept (r, in, "bind mount", join (r, b, strlen (b),
                                             in->sysfs_path)))
        return true;
    }
  return false;
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

/* Candidate 4: the mounts of the backing file's file system.  */
static bool
try_mounts (struct resolver *r, const struct resolve_input *in)
{
  if (!r->mounts_loaded)
    {
      r->mounts_loaded = true;
      if (r->load_mounts != NULL)
        r->mounts = r->load_mounts (r->mounts_data, &r->n_mounts);
      tracef (r, "mount table: %zu mounts", r->n_mounts);
    }
  for (size_t i = 0; i < r->n_mounts; i++)
    {
      const struct mount_entry *m = &r->mounts[i];
      const char *rest;

      if (m->dev != in->dev || m->target == NULL || m->target[0] != '/')
        continue;
      if (accept (r, in, "mount point", join (r, m->target,
                                              strlen (m->target),
                                              in->sysfs_path)))
        return true;
      rest = m->root ? below_root (in->sysfs_path, m->root) : NULL;
      if (rest != NULL
          && accept (r, in, "mount root", join (r, m->target,
                                                strlen (m->target), rest)))
        return true;
    }
  return false;
}

char *
resolve (struct resolver *r, const struct resolve_input *in)
{
  const char *sys = in->sysfs_path;

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
  if (try_rebuilt (r, in) || try_binds (r, in) || try_mounts (r, in))
    return xstrdup (r->buf);
  tracef (r, "%s: no candidate accepted: printing the sysfs path",
          in->name);
  return NULL;
}
