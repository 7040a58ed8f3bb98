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
        of the mount's root (try_mount_tails);
     6. btrfs subvolumes: the mounts whose mount point stat() shows with
        the file's device, 4 and 5 for each (try_subvolumes).
   Each candidate is proven by stat(): same device, same inode, on a file
   system whose inode numbers are unique (see inode_numbers_unique: not
   FUSE, 9p, SMB, NFS and their kin, where the row stays util-linux's).
   The mount table is read once per run, only for a device that 0 to 3
   left, and indexed once (index_mounts): its cost does not grow with
   mounts times devices.  Nothing accepted: the caller prints what
   losetup prints, and the trace says which mounts the path may lie below
   (trace_hint).  */

#include "system.h"

#include "resolve.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <linux/loop.h>

#include "hash.h"
#include "hash-pjw-bare.h"
#include "quotearg.h"
#include "xalloc.h"
#include "xstrndup.h"
#include "xvasprintf.h"

/* What the resolver worked out about one mount of the table.  */
struct mount_info
{
  bool plain;                   /* its mount point reaches it, all of it */
  bool repeat;                  /* plain, of the file system and root of
                                   an earlier plain mount */
  size_t same;                  /* repeats of this one */
  bool looked;                  /* its mount point was stat()ed: */
  int err;                      /* stat's errno value, or 0 and */
  dev_t dev;                    /* the device */
  uint64_t ino;                 /* and inode it showed */
};

struct unit;

struct resolver
{
  struct resolver_ops ops;
  char **binds;                 /* LOSETUP_CONTAINER_BIND_MOUNTS, split */
  size_t n_binds;
  const struct mount_entry *mounts;     /* owned by the loader */
  size_t n_mounts;
  bool mounts_loaded;
  struct mount_info *info;      /* per mount, once loaded */
  struct unit *units;           /* the mounts tried, by table device */
  size_t n_units;
  struct unit *sub_units;       /* btrfs ones, by stat()'s device, once
                                   their mount points were looked at */
  size_t n_sub_units;           /* before that, the btrfs mounts */
  char *hint;                   /* the trace's list of mounts, or NULL */
  dev_t hint_dev;               /* ... for this device */
  dev_t *unprovable_devs;       /* devices on a file system whose inode
                                   numbers prove nothing */
  size_t n_unprovable;
  bool unprovable;              /* this device's is such a one */
  char *buf;                    /* the candidate being tried */
  size_t bufsize;
};

void
trace_printf (void (*trace) (const char *line), const char *fmt, ...)
{
  va_list ap;
  char *line;

  va_start (ap, fmt);
  line = xvasprintf (fmt, ap);
  va_end (ap);
  trace (line);
  free (line);
}

/* Traces a line when a trace was asked for.  A macro, so that without a
   trace its arguments (quoted paths above all) cost nothing.  */
#define tracef(r, ...) \
  do \
    { \
      if ((r)->ops.trace != NULL) \
        trace_printf ((r)->ops.trace, __VA_ARGS__); \
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
  free (r->info);
  free (r->units);
  free (r->sub_units);
  free (r->hint);
  free (r->unprovable_devs);
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

/* Returns LEN, the length of a prefix of S, less the slashes it ends
   with.  */
static size_t
without_trailing_slashes (const char *s, size_t len)
{
  while (len > 0 && s[len - 1] == '/')
    len--;
  return len;
}

/* Sets R->buf to DIR (its first DIRLEN bytes) joined with SUFFIX by exactly
   one '/', and returns it.  A SUFFIX of slashes only ("/": the bound file
   itself) leaves DIR alone, without a trailing slash ("/" when DIR is
   nothing but slashes).  */
static const char *
join (struct resolver *r, const char *dir, size_t dirlen, const char *suffix)
{
  size_t slen, sep;

  dirlen = without_trailing_slashes (dir, dirlen);
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

/* File systems whose inode numbers are no proof.

   A candidate is taken on the kernel's word that it is the same file:
   LOOP_GET_STATUS64 reports the device and inode that stat() reports for
   the backing file, and a candidate with both is that file only where no
   two files of one device share an inode number.  That holds where the
   kernel (or the on-disk format) hands out the numbers for the device:
     in:  ext2/3/4, XFS, f2fs and other disk file systems (the inode's
          place on disk); btrfs (numbers per subvolume, and each
          subvolume has a device of its own); tmpfs (a counter per mount:
          it wraps only after 2^32 files made in one mount, and the kernel
          warns then; inode64 does not wrap); kernel overlayfs (all layers
          on one file system: that file system's numbers; otherwise xino
          puts the layer in the high bits, and where it cannot, the file
          gets the layer's own device: unique by the kernel's design);
          ceph (one 64-bit allocator per file system, snapshots on a
          device of their own).
     out: FUSE (fuse, fuseblk, virtiofs, and every fuse.* server such as
          fuse-overlayfs, sshfs, ntfs-3g): the server in user space
          chooses st_ino, and fuse-overlayfs shows two files of two
          lower layers with one number; 9p: the server's qid path, which
          repeats when the host exports more than one file system; CIFS
          and SMB: with serverino the server's file id, which repeats
          across the file systems below one share, and with noserverino
          numbers made up per inode in memory; NFS: the server's fileid,
          which repeats across btrfs subvolumes and on servers that
          re-export FUSE; AFS, Coda, OrangeFS and vboxsf: numbers hashed
          or chosen by the server or host.
   statfs() is asked only for a candidate that would change the path,
   with stat() again after it (prove).  The kernel offers no stronger fact
   for a loop device's file on a file system that is out (its node id, or
   a file handle, is nowhere in sysfs or the ioctl).  */
bool
inode_numbers_unique (unsigned long fs_type)
{
  static const unsigned long out[] = {
    0x65735546,                 /* FUSE_SUPER_MAGIC: fuse, fuseblk, virtiofs */
    0x01021997,                 /* V9FS_MAGIC */
    0xff534d42,                 /* CIFS_SUPER_MAGIC */
    0xfe534d42,                 /* SMB2_SUPER_MAGIC */
    0x517b,                     /* SMB_SUPER_MAGIC */
    0x6969,                     /* NFS_SUPER_MAGIC: nfs, nfs4 */
    0x5346414f,                 /* AFS_SUPER_MAGIC */
    0x6b414653,                 /* AFS_FS_MAGIC */
    0x73757245,                 /* CODA_SUPER_MAGIC */
    0x20030528,                 /* ORANGEFS_SUPER_MAGIC */
    0x786f4256,                 /* VBOXSF_SUPER_MAGIC */
  };

  for (size_t i = 0; i < sizeof out / sizeof *out; i++)
    if (fs_type == out[i])
      return false;
  return true;
}

/* Returns true when device DEV is on a file system found to be one whose
   inode numbers are no proof.  */
static bool
known_unprovable (const struct resolver *r, dev_t dev)
{
  for (size_t i = 0; i < r->n_unprovable; i++)
    if (r->unprovable_devs[i] == dev)
      return true;
  return false;
}

/* Returns PATH, which stat() showed with IN's device and inode, when its
   file system's inode numbers prove it to be IN's backing file; else NULL,
   and then no candidate of this device is proof.  PATH is looked at
   again, file system first: the device and inode accepted are those seen
   after it.  */
static const char *
prove (struct resolver *r, const struct resolve_input *in, const char *what,
       const char *path)
{
  dev_t dev;
  uint64_t ino;
  unsigned long type = 0;
  int e = r->ops.stat_path (path, &dev, &ino, &type);

  if (e != 0 || dev != in->info->dev || ino != in->info->ino)
    {
      tracef (r, "%s: %s %s: refused: changed while looked at", in->name,
              what, q (0, path));
      return NULL;
    }
  if (!inode_numbers_unique (type))
    {
      tracef (r, "%s: %s %s: refused: same device and inode, but on a "
              "file system (type 0x%lx) whose inode numbers prove nothing",
              in->name, what, q (0, path), type);
      r->unprovable = true;
      if (!known_unprovable (r, in->info->dev))
        {
          r->unprovable_devs = xnrealloc (r->unprovable_devs,
                                          r->n_unprovable + 1,
                                          sizeof *r->unprovable_devs);
          r->unprovable_devs[r->n_unprovable++] = in->info->dev;
        }
      return NULL;
    }
  tracef (r, "%s: %s %s: on a file system (type 0x%lx) whose inode "
          "numbers are unique", in->name, what, q (0, path), type);
  tracef (r, "%s: %s %s: accepted: same device and inode",
          in->name, what, q (0, path));
  return path;
}

/* Returns PATH when it is IN's backing file, else NULL, given what
   stat() said of it: the errno value E, or 0 and DEV and INO.  WHAT names
   the candidate in the trace.  */
static const char *
judge (struct resolver *r, const struct resolve_input *in, const char *what,
       const char *path, int e, dev_t dev, uint64_t ino)
{
  if (e != 0)
    tracef (r, "%s: %s %s: refused: %s", in->name, what, q (0, path),
            strerror (e));
  else if (dev != in->info->dev || ino != in->info->ino)
    tracef (r, "%s: %s %s: refused: device %u:%u inode %ju is another file",
            in->name, what, q (0, path), major (dev), minor (dev),
            (uintmax_t) ino);
  else if (in->sysfs_path != NULL && strcmp (path, in->sysfs_path) == 0)
    {
      /* util-linux's row: nothing to prove.  */
      tracef (r, "%s: %s %s: accepted: same device and inode",
              in->name, what, q (0, path));
      return path;
    }
  else
    return prove (r, in, what, path);
  return NULL;
}

/* Returns true, with a trace line, when PATH cannot be a candidate: the
   device's file system proves nothing (no trace then), or PATH is not
   absolute.  */
static bool
unusable (struct resolver *r, const struct resolve_input *in,
          const char *what, const char *path)
{
  if (r->unprovable)
    return true;
  if (path[0] != '/')
    {
      tracef (r, "%s: %s %s: refused: not an absolute path",
              in->name, what, q (0, path));
      return true;
    }
  return false;
}

/* Returns PATH when it is IN's backing file, else NULL.  WHAT names the
   candidate in the trace.  Once the device is known to be on a file
   system whose inode numbers prove nothing, nothing is looked at.  */
static const char *
accept (struct resolver *r, const struct resolve_input *in,
        const char *what, const char *path)
{
  dev_t dev = 0;
  uint64_t ino = 0;
  int e;

  if (unusable (r, in, what, path))
    return NULL;
  e = r->ops.stat_path (path, &dev, &ino, NULL);
  return judge (r, in, what, path, e, dev, ino);
}

/* Candidate 2: lo_file_name was cut to 63 bytes.  The real path ends with
   the sysfs path, so wherever the tail of the cut name is a head of the
   sysfs path, the two halves together may be the whole.  Returns the
   accepted path (in R's buffer) or NULL.  */
static const char *
try_rebuilt (struct resolver *r, const struct resolve_input *in)
{
  const char *name = in->info->file_name, *sys = in->sysfs_path, *res;
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
  size_t len = without_trailing_slashes (root, strlen (root));

  if (len == 0 || strncmp (sys, root, len) != 0 || sys[len] != '/')
    return NULL;
  return sys + len;
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

/* Stats the mount point of mount I of R once per run, however many
   devices ask; stores what stat() said in R->info[I].  */
static const struct mount_info *
look_at_mount_point (struct resolver *r, size_t i)
{
  struct mount_info *mi = &r->info[i];

  if (!mi->looked)
    {
      mi->looked = true;
      mi->err = r->ops.stat_path (r->mounts[i].target, &mi->dev, &mi->ino,
                                  NULL);
    }
  return mi;
}

/* Returns the mount point of M when it is IN's backing file, a file bound
   on its own; else NULL.  */
static const char *
accept_file_mount (struct resolver *r, const struct resolve_input *in,
                   const struct mount_entry *m)
{
  const struct mount_info *mi;

  if (unusable (r, in, "file mount", m->target))
    return NULL;
  mi = look_at_mount_point (r, m - r->mounts);
  return judge (r, in, "file mount", m->target, mi->err, mi->dev, mi->ino);
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
  size_t slen = without_trailing_slashes (sys, strlen (sys));
  size_t rlen = without_trailing_slashes (root, strlen (root));

  for (size_t k = slen == 0 ? 0 : 1; k <= slen; k++)
    {
      /* K == RLEN < SLEN: the root is a head of the sysfs path, the
         candidate try_mount_paths tried as the mount root.  */
      if ((k < slen && sys[k] != '/') || k > rlen
          || (k == rlen && k < slen)
          || memcmp (root + rlen - k, sys, k) != 0)
        continue;
      if (k == slen)
        res = accept_file_mount (r, in, m);
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

/* A target path, or a head of one, as a key of the table of targets.  */
struct target_key
{
  const char *path;
  size_t len;                   /* bytes of PATH that count */
  size_t count;                 /* mounts with exactly this target */
  bool below;                   /* some mount has its target under it */
};

static size_t
target_hash (const void *entry, size_t n_buckets)
{
  const struct target_key *k = entry;
  return hash_pjw_bare (k->path, k->len) % n_buckets;
}

static bool
target_equal (const void *a, const void *b)
{
  const struct target_key *x = a, *y = b;
  return x->len == y->len && memcmp (x->path, y->path, x->len) == 0;
}

/* Counts in COVER[I] the mounts whose target is a proper head (whole
   components) of mount I's, and marks in TARGETS each target that has
   a mount below it.  */
static void
count_heads (const struct resolver *r, Hash_table *targets, size_t *cover)
{
  for (size_t i = 0; i < r->n_mounts; i++)
    {
      const char *t = r->mounts[i].target;
      if (!usable_mount (&r->mounts[i]))
        continue;
      for (size_t len = 1; t[len - 1] != '\0'; len++)
        if (len == 1 || t[len] == '/')
          {
            struct target_key key = { .path = t, .len = len }, *e;
            if (t[len] == '\0')
              break;
            e = hash_lookup (targets, &key);
            if (e != NULL)
              {
                e->below = true;
                cover[i] += e->count;
              }
          }
    }
}

static int
compare_ids (const void *a, const void *b)
{
  const int *x = a, *y = b;
  return (x[0] > y[0]) - (x[0] < y[0]);
}

/* Returns the number of mounts in R's table below which mount I sits
   (its parent, the parent's parent...).  BY_ID holds (ID, index) pairs
   sorted by ID.  */
static size_t
count_ancestors (const struct resolver *r, const int (*by_id)[2], size_t i)
{
  size_t depth = 0;

  /* The chain is at most as long as the table; guard against a loop.  */
  while (depth < r->n_mounts)
    {
      int key[2] = { r->mounts[i].parent_id, 0 };
      const int *p;

      /* 0 is no ID: a mount without one is nobody's parent.  */
      if (key[0] <= 0)
        break;
      p = bsearch (key, by_id, r->n_mounts, sizeof *by_id, compare_ids);
      if (p == NULL || (size_t) p[1] == i)
        break;
      depth++;
      i = p[1];
    }
  return depth;
}

/* Sets R->info[I].plain for each mount I whose mount point reaches all of
   it and nothing else: no other mount at or below its target (nothing
   mounted on top of it or inside it), and every mount at a head of its
   target is one it sits on (nothing mounted later over a directory above
   it, which hides it).  A path below two plain mounts of the same file
   system and root is then the same file under both.  */
static void
mark_plain (struct resolver *r)
{
  size_t n = r->n_mounts;
  struct target_key *keys = xcalloc (n, sizeof *keys);
  struct target_key **own = xcalloc (n, sizeof *own);
  size_t *cover = xcalloc (n, sizeof *cover);
  int (*by_id)[2] = xnmalloc (n, sizeof *by_id);
  Hash_table *targets = hash_xinitialize (n, NULL, target_hash,
                                          target_equal, NULL);

  for (size_t i = 0; i < n; i++)
    {
      by_id[i][0] = r->mounts[i].id;
      by_id[i][1] = i;
      if (!usable_mount (&r->mounts[i]))
        continue;
      keys[i].path = r->mounts[i].target;
      keys[i].len = strlen (keys[i].path);
      own[i] = hash_xinsert (targets, &keys[i]);
      own[i]->count++;
    }
  qsort (by_id, n, sizeof *by_id, compare_ids);
  count_heads (r, targets, cover);
  for (size_t i = 0; i < n; i++)
    r->info[i].plain = (own[i] != NULL && r->mounts[i].id > 0
                        && own[i]->count == 1 && !own[i]->below
                        && cover[i] == count_ancestors (r, by_id, i));
  hash_free (targets);
  free (own);
  free (by_id);
  free (cover);
  free (keys);
}

/* A mount the candidates are built from, keyed by a device number: the
   mount table's, or for a btrfs mount the one stat() shows.  */
struct unit
{
  dev_t dev;
  size_t i;                     /* index in the mount table */
};

static int
compare_units (const void *a, const void *b)
{
  const struct unit *x = a, *y = b;

  if (x->dev != y->dev)
    return x->dev < y->dev ? -1 : 1;
  return (x->i > y->i) - (x->i < y->i);
}

/* Orders mounts by file system, then root.  */
static int
compare_fs_root (const struct mount_entry *x, const struct mount_entry *y)
{
  if (x->dev != y->dev)
    return x->dev < y->dev ? -1 : 1;
  return strcmp (x->root ? x->root : "", y->root ? y->root : "");
}

/* Orders mount indices by file system, root, then place in the table.  */
static const struct mount_entry *sort_mounts;

static int
compare_roots (const void *a, const void *b)
{
  size_t i = *(const size_t *) a, j = *(const size_t *) b;
  int c = compare_fs_root (&sort_mounts[i], &sort_mounts[j]);

  return c != 0 ? c : (i > j) - (i < j);
}

/* Marks as a repeat each plain mount of the same file system and root as
   an earlier plain mount, and counts the repeats in the earlier one's
   SAME: the candidates below a repeat are those of the first, so they are
   tried once.  */
static void
mark_repeats (struct resolver *r)
{
  size_t *v = xnmalloc (r->n_mounts, sizeof *v), n = 0;

  for (size_t i = 0; i < r->n_mounts; i++)
    if (r->info[i].plain)
      v[n++] = i;
  sort_mounts = r->mounts;
  qsort (v, n, sizeof *v, compare_roots);
  for (size_t k = 0, first = 0; k < n; k++)
    {
      if (k > first
          && compare_fs_root (&r->mounts[v[first]], &r->mounts[v[k]]) == 0)
        {
          r->info[v[k]].repeat = true;
          r->info[v[first]].same++;
        }
      else
        first = k;
    }
  free (v);
}

/* Builds R's index of the mount table, once it is loaded: the mounts that
   are no repeat, by the table's device number.  */
static void
index_mounts (struct resolver *r)
{
  if (r->n_mounts == 0)
    return;
  r->info = xcalloc (r->n_mounts, sizeof *r->info);
  mark_plain (r);
  mark_repeats (r);
  r->units = xnmalloc (r->n_mounts, sizeof *r->units);
  for (size_t i = 0; i < r->n_mounts; i++)
    if (usable_mount (&r->mounts[i]) && !r->info[i].repeat)
      {
        r->units[r->n_units].dev = r->mounts[i].dev;
        r->units[r->n_units++].i = i;
        if (has_subtree_devices (&r->mounts[i]))
          r->n_sub_units++;
      }
  qsort (r->units, r->n_units, sizeof *r->units, compare_units);
}

/* Stores in *LO and *HI the range of the N units at U (sorted) that have
   device DEV.  */
static void
units_of (const struct unit *u, size_t n, dev_t dev, size_t *lo, size_t *hi)
{
  size_t a = 0, b = n;

  while (a < b)
    {
      size_t mid = a + (b - a) / 2;
      if (u[mid].dev < dev)
        a = mid + 1;
      else
        b = mid;
    }
  *lo = a;
  while (a < n && u[a].dev == dev)
    a++;
  *hi = a;
}

/* Reads the mount table into R and indexes it, once.  */
static void
load_mounts (struct resolver *r)
{
  if (r->mounts_loaded)
    return;
  r->mounts_loaded = true;
  if (r->ops.load_mounts != NULL)
    r->mounts = r->ops.load_mounts (r->ops.mounts_data, r->ops.trace,
                                    &r->n_mounts);
  if (r->mounts == NULL)
    r->n_mounts = 0;
  tracef (r, "mount table: %zu mounts", r->n_mounts);
  index_mounts (r);
}

/* Looks with stat() at the mount point of each btrfs mount that is no
   repeat, once per run, and indexes them by the device stat() shows: a
   subvolume's files show its own device, not the mount table's.  */
static void
index_subvolumes (struct resolver *r)
{
  if (r->sub_units != NULL)
    return;
  r->sub_units = xnmalloc (r->n_sub_units, sizeof *r->sub_units);
  r->n_sub_units = 0;
  for (size_t k = 0; k < r->n_units; k++)
    {
      const struct mount_entry *m = &r->mounts[r->units[k].i];
      const struct mount_info *mi;

      if (!has_subtree_devices (m))
        continue;
      mi = look_at_mount_point (r, r->units[k].i);
      if (mi->err != 0)
        {
          tracef (r, "%s mount %s: %s", m->fstype, q (0, m->target),
                  strerror (mi->err));
          continue;
        }
      tracef (r, "%s mount %s: stat() shows device %u:%u", m->fstype,
              q (0, m->target), major (mi->dev), minor (mi->dev));
      r->sub_units[r->n_sub_units].dev = mi->dev;
      r->sub_units[r->n_sub_units++].i = r->units[k].i;
    }
  qsort (r->sub_units, r->n_sub_units, sizeof *r->sub_units, compare_units);
}

/* Prints to LIST the trace text for the mount M that stands for SAME
   plain mounts.  */
static void
print_hint (FILE *list, const struct mount_entry *m, size_t same)
{
  fprintf (list, "%s %s (root %s)", ftell (list) > 0 ? "," : "",
           q (0, m->target), q (1, m->root ? m->root : ""));
  if (same > 0)
    fprintf (list, " and %zu more mount point%s of it", same,
             same == 1 ? "" : "s");
}

/* Returns the list of mounts that hold device DEV for the trace's hint,
   built once for each device in a row (devices of one file system follow
   one another): owned by R.  Empty when there is none.  */
static const char *
hint_mounts (struct resolver *r, dev_t dev)
{
  size_t lo, hi, size;
  FILE *list;

  if (r->hint != NULL && r->hint_dev == dev)
    return r->hint;
  free (r->hint);
  list = open_memstream (&r->hint, &size);
  if (list == NULL)
    xalloc_die ();
  units_of (r->units, r->n_units, dev, &lo, &hi);
  for (size_t k = lo; k < hi; k++)
    print_hint (list, &r->mounts[r->units[k].i], r->info[r->units[k].i].same);
  if (r->sub_units != NULL)
    {
      units_of (r->sub_units, r->n_sub_units, dev, &lo, &hi);
      for (size_t k = lo; k < hi; k++)
        if (r->mounts[r->sub_units[k].i].dev != dev)
          print_hint (list, &r->mounts[r->sub_units[k].i],
                      r->info[r->sub_units[k].i].same);
    }
  if (fclose (list) != 0)
    xalloc_die ();
  r->hint_dev = dev;
  return r->hint;
}

/* Says in the trace which LOSETUP_CONTAINER_BIND_MOUNTS entry would help
   when nothing was accepted.  The kernel's facts do not say where below a
   mount of the file's file system the attaching container's bind began,
   so the line names these mounts: the entry is the directory below one of
   them that holds the sysfs path.  */
static void
trace_hint (struct resolver *r, const struct resolve_input *in)
{
  const char *list;

  if (r->ops.trace == NULL)
    return;
  list = hint_mounts (r, in->info->dev);
  if (*list != '\0')
    tracef (r, "%s: hint: %s needs the directory that holds %s, when that "
            "lies deeper below one of the mounts of the file's file "
            "system:%s", in->name, ENV_BIND_MOUNTS, q (0, in->sysfs_path),
            list);
}

/* Candidates 6 for the btrfs mounts whose mount point stat() shows with
   IN's device while the mount table shows another: 4 and 5 for each.
   Returns the accepted path or NULL.  */
static const char *
try_subvolumes (struct resolver *r, const struct resolve_input *in)
{
  const char *res = NULL;
  size_t lo, hi;

  if (r->n_sub_units == 0)
    return NULL;
  index_subvolumes (r);
  units_of (r->sub_units, r->n_sub_units, in->info->dev, &lo, &hi);
  for (size_t k = lo; res == NULL && k < hi; k++)
    {
      const struct mount_entry *m = &r->mounts[r->sub_units[k].i];
      if (m->dev == in->info->dev)
        continue;
      tracef (r, "%s: %s mount %s: stat() shows the file's device, the "
              "mount table %u:%u", in->name, m->fstype, q (0, m->target),
              major (m->dev), minor (m->dev));
      res = try_mount_paths (r, in, m);
      if (res == NULL && !r->unprovable)
        res = try_mount_tails (r, in, m);
    }
  return res;
}

/* Candidates 4 to 6: the mounts that hold the backing file's file system;
   first those the mount table names with the file's device (candidate 4
   for all of them, then 5), then those whose mount point stat() shows
   with that device (6: 4 and 5 again).  Of plain mounts of one file
   system and root, the first only.  Returns the accepted path or NULL.  */
static const char *
try_mounts (struct resolver *r, const struct resolve_input *in)
{
  const char *res = NULL;
  size_t lo, hi;

  load_mounts (r);
  units_of (r->units, r->n_units, in->info->dev, &lo, &hi);
  for (size_t k = lo; res == NULL && !r->unprovable && k < hi; k++)
    res = try_mount_paths (r, in, &r->mounts[r->units[k].i]);
  for (size_t k = lo; res == NULL && !r->unprovable && k < hi; k++)
    res = try_mount_tails (r, in, &r->mounts[r->units[k].i]);
  if (res == NULL && !r->unprovable)
    res = try_subvolumes (r, in);
  if (res == NULL && !r->unprovable)
    trace_hint (r, in);
  return res;
}

char *
resolve (struct resolver *r, const struct resolve_input *in)
{
  const char *sys = in->sysfs_path, *res;

  if (!in->info->valid)
    {
      tracef (r, "%s: no ioctl facts: printing the sysfs path", in->name);
      return NULL;
    }
  tracef (r, "%s: sysfs %s, lo_file_name %s, device %u:%u, inode %ju",
          in->name, sys ? q (0, sys) : "(none)", q (1, in->info->file_name),
          major (in->info->dev), minor (in->info->dev), (uintmax_t) in->info->ino);

  r->unprovable = false;
  if (sys != NULL && accept (r, in, "sysfs path", sys))
    return xstrdup (sys);
  if (known_unprovable (r, in->info->dev))
    {
      tracef (r, "%s: device %u:%u is on a file system whose inode numbers "
              "prove nothing: printing the sysfs path", in->name,
              major (in->info->dev), minor (in->info->dev));
      return NULL;
    }
  if (in->info->file_name[0] != '\0'
      && accept (r, in, "lo_file_name", in->info->file_name))
    return xstrdup (in->info->file_name);
  if (sys == NULL || sys[0] != '/' || r->unprovable)
    return NULL;
  if ((res = try_rebuilt (r, in))
      || (!r->unprovable && (res = try_binds (r, in)))
      || (!r->unprovable && (res = try_mounts (r, in))))
    return xstrdup (res);
  tracef (r, "%s: no candidate accepted: printing the sysfs path",
          in->name);
  return NULL;
}
