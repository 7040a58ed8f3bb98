/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-resolve.c -- the resolver over made-up kernels and file systems.

   The input is cut at NUL bytes into fields:
     0  control bytes: [0] flags, [1] number of files, [2] number of
        mounts, then one selector byte per file and per mount;
     1  lo_file_name, stored in a 64-byte buffer as the kernel stores it
        (cut without a NUL when longer) and read back with loop_copy_name;
     2  the sysfs path;
     3  LOSETUP_CONTAINER_BIND_MOUNTS;
     then a path per file, then a root and a mount point per mount.
   A mount's selector also says whether it is btrfs (bit 8), whose mount
   point is looked at for the file's device, whether it has an ID (bit
   16: its place, from 1) and its parent's ID (bits 32 to 128).
   The backing file is (DEV_A, INO_A); each made-up file has that device
   or another and that inode or another, as its selector says, so that the
   same inode on another device and another inode on the same device are
   both present.  The properties checked come from the contract, never
   from the resolver's own answers:
     - a path printed is absolute and is the backing file (device and
       inode) in the made-up file system;
     - the sysfs path wins when it is the file, then lo_file_name;
     - only absolute paths reach stat; nothing is looked at without
       ioctl facts; the mount table is loaded at most once;
     - the same question gets the same answer;
     - no trace line holds a newline (a half line on stderr);
     - the answer is the first candidate, in the order the man page's
       HOW THE PATH IS FOUND gives, that is the file, a plain mount of
       the file system and root of an earlier one not tried: a model of
       that order below, written from that description,
       is asked the same question.
   With LC_FUZZ_SELFTEST set in the environment the made-up stat lies (it
   calls every path the backing file), so that every seed must fail: the
   test suite runs that to show that these checks can catch a resolver
   that prints a wrong path.  */

#include <config.h>

#include <errno.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <linux/loop.h>

#include "loopdev.h"
#include "resolve.h"
#include "fuzz.h"

#define MAX_FILES 8
#define MAX_MOUNTS 8
#define DEV_A ((dev_t) 0x801)   /* 8:1 */
#define DEV_B ((dev_t) 0x802)   /* 8:2 */
#define INO_A 100
#define INO_B 101

enum
{
  F_HAS_INFO = 1,
  F_NO_SYSFS = 2,
  F_TRACE = 4,
  F_NO_MOUNT_LOADER = 8
};

struct file
{
  const char *path;
  dev_t dev;
  uint64_t ino;
};

static struct file files[MAX_FILES];
static size_t n_files;
static struct mount_entry mounts[MAX_MOUNTS];
static size_t n_mounts;
static int stat_calls, mount_loads;
static int selftest = -1;       /* -1: not read yet */

/* Answers from the made-up file system; the first entry for a path wins,
   as one path names one file.  */
static const struct file *
find (const char *path)
{
  for (size_t i = 0; i < n_files; i++)
    if (strcmp (files[i].path, path) == 0)
      return &files[i];
  return NULL;
}

static int
fake_stat (const char *path, dev_t *dev, uint64_t *ino,
           unsigned long *fs_type)
{
  const struct file *f;

  FUZZ_ASSERT (path != NULL && path[0] == '/');
  stat_calls++;
  if (selftest < 0)
    selftest = getenv ("LC_FUZZ_SELFTEST") != NULL;
  if (fs_type != NULL)
    *fs_type = 0;
  if (selftest)
    {
      *dev = DEV_A;
      *ino = INO_A;
      return 0;
    }
  f = find (path);
  if (f == NULL)
    return ENOENT;
  *dev = f->dev;
  *ino = f->ino;
  return 0;
}

static const struct mount_entry *
fake_mounts (void *data, void (*trace) (const char *line), size_t *n)
{
  (void) data;
  (void) trace;
  mount_loads++;
  *n = n_mounts;
  return n_mounts ? mounts : NULL;
}

static void
check_trace (const char *line)
{
  FUZZ_ASSERT (line != NULL);
  FUZZ_ASSERT (strchr (line, '\n') == NULL);
}

/* Returns true when PATH, absolute (nothing else is ever looked at),
   names the backing file in the made-up file system.  */
static bool
is_backing_file (const char *path)
{
  const struct file *f = path[0] == '/' ? find (path) : NULL;
  return f != NULL && f->dev == DEV_A && f->ino == INO_A;
}

/* The model's join: DIR (its first DIRLEN bytes) and SUFFIX with exactly
   one slash between them; DIR alone when SUFFIX is slashes only ("/" when
   both are).  Returns a malloc'd string.  */
static char *
model_join (const char *dir, size_t dirlen, const char *suffix)
{
  char *s;

  while (dirlen > 0 && dir[dirlen - 1] == '/')
    dirlen--;
  while (*suffix == '/')
    suffix++;
  s = malloc (dirlen + strlen (suffix) + 2);
  memcpy (s, dir, dirlen);
  if (dirlen == 0 || *suffix != '\0')
    s[dirlen++] = '/';
  strcpy (s + dirlen, suffix);
  return s;
}

/* Returns CAND (malloc'd) when it is the backing file, else frees it and
   returns NULL.  */
static char *
model_try (char *cand)
{
  if (is_backing_file (cand))
    return cand;
  free (cand);
  return NULL;
}

/* True when a '/'-separated component of PATH is "." or "..".  */
static bool
model_has_dot (const char *path)
{
  const char *c = path;

  for (;;)
    {
      size_t len = strcspn (c, "/");
      if ((len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
        return true;
      if (c[len] == '\0')
        return false;
      c += len + 1;
    }
}

/* True when M has a usable mount point.  */
static bool
model_usable (const struct mount_entry *m)
{
  return m->target != NULL && m->target[0] == '/';
}

/* A mount's first two candidates: mount point + sysfs path (unless the
   sysfs path is "/", a bound file), mount point + what follows the root.
   Returns the first that is the backing file (malloc'd), or NULL.  */
static char *
model_mount_paths (const struct mount_entry *m, const char *sys)
{
  size_t rlen;
  char *res;

  if (!model_usable (m))
    return NULL;
  if (sys[strspn (sys, "/")] != '\0'
      && (res = model_try (model_join (m->target, strlen (m->target), sys))))
    return res;
  if (m->root == NULL)
    return NULL;
  rlen = strlen (m->root);
  while (rlen > 0 && m->root[rlen - 1] == '/')
    rlen--;
  if (rlen > 0 && strncmp (sys, m->root, rlen) == 0 && sys[rlen] == '/')
    return model_try (model_join (m->target, strlen (m->target),
                                  sys + rlen));
  return NULL;
}

/* A mount's tails: the sysfs path cut after each of its components (and
   "/" as a whole); where the root ends with the part before the cut, the
   mount point joined with the part after it, or the mount point itself
   when nothing follows.  Written from components, not from offsets.  */
static char *
model_mount_tails (const struct mount_entry *m, const char *sys)
{
  char *root, *head, *res = NULL;

  if (!model_usable (m))
    return NULL;
  /* Both without trailing slashes; ROOT "" for "/" or none.  */
  root = strdup (m->root ? m->root : "");
  for (size_t n = strlen (root); n > 0 && root[n - 1] == '/'; n--)
    root[n - 1] = '\0';
  head = strdup (sys);
  for (size_t n = strlen (head); n > 0 && head[n - 1] == '/'; n--)
    head[n - 1] = '\0';
  for (const char *cut = head + (head[0] != '\0'); res == NULL;)
    {
      const char *next = strchr (cut, '/');
      size_t k = next ? (size_t) (next - head) : strlen (head);
      size_t rl = strlen (root);

      if (k <= rl && strncmp (root + rl - k, head, k) == 0)
        res = model_try (head[k] == '\0' ? strdup (m->target)
                         : model_join (m->target, strlen (m->target),
                                       head + k));
      if (next == NULL)
        break;
      cut = next + 1;
    }
  free (root);
  free (head);
  return res;
}

/* True when HEAD (its first LEN bytes) is a proper head of target T, in
   whole components: "/" for any T longer than "/", else T cut just
   before one of its slashes.  */
static bool
model_is_head (const char *t, const char *head)
{
  size_t len = strlen (head), tlen = strlen (t);

  return (len >= 1 && len < tlen && memcmp (t, head, len) == 0
          && (len == 1 || t[len] == '/'));
}

/* True when mount I is plain, as the man page says: its mount point
   reaches it whole.  No other mount at its target or below it, and every
   mount at a head of its target is one of those it sits on.  */
static bool
model_plain (size_t i)
{
  const struct mount_entry *m = &mounts[i];
  size_t heads = 0, chain = 0;

  if (!model_usable (m) || m->id <= 0)
    return false;
  for (size_t j = 0; j < n_mounts; j++)
    if (j != i && model_usable (&mounts[j]))
      {
        if (strcmp (mounts[j].target, m->target) == 0
            || model_is_head (mounts[j].target, m->target))
          return false;
        if (model_is_head (m->target, mounts[j].target))
          heads++;
      }
  /* The mounts it sits on, by parent ID, as far as the table goes.  */
  for (size_t k = i; chain < n_mounts; chain++)
    {
      size_t j;
      if (mounts[k].parent_id <= 0)
        break;                  /* 0 is no ID: nobody's parent */
      for (j = 0; j < n_mounts; j++)
        if (mounts[j].id == mounts[k].parent_id)
          break;
      if (j == n_mounts || j == k)
        break;
      k = j;
    }
  return heads == chain;
}

/* True when mount I is a plain mount of the file system and root of an
   earlier plain mount: its candidates are that one's, and not tried.  */
static bool
model_repeat (size_t i)
{
  const char *ri = mounts[i].root ? mounts[i].root : "";

  if (!model_plain (i))
    return false;
  for (size_t j = 0; j < i; j++)
    if (model_plain (j) && mounts[j].dev == mounts[i].dev
        && strcmp (mounts[j].root ? mounts[j].root : "", ri) == 0)
      return true;
  return false;
}

/* True when M is btrfs and its mount point is on the file's device.  */
static bool
model_subvolume (const struct mount_entry *m)
{
  const struct file *f;

  if (!model_usable (m) || m->fstype == NULL
      || strcmp (m->fstype, "btrfs") != 0)
    return false;
  f = find (m->target);
  return f != NULL && f->dev == DEV_A;
}

/* The contract's candidates, in order; returns the first that is the
   backing file (malloc'd), or NULL.  */
static char *
model_resolve (const char *sys, const char *name, const char *binds,
               bool has_info, bool mount_table)
{
  size_t len = strlen (name);
  char *res;

  if (!has_info)
    return NULL;
  if (sys != NULL && is_backing_file (sys))
    return strdup (sys);
  if (is_backing_file (name))
    return strdup (name);
  if (sys == NULL || sys[0] != '/')
    return NULL;
  /* A name the kernel may have cut, completed where it overlaps.  */
  if (len >= LO_NAME_SIZE - 1 && name[0] == '/')
    for (size_t i = 1; i <= len; i++)
      if (strncmp (name + i, sys, len - i) == 0
          && (res = model_try (model_join (name, i, sys))) != NULL)
        return res;
  /* The bind list, pieces between ':' and newlines.  */
  for (const char *b = binds; *b != '\0';)
    {
      size_t blen = strcspn (b, ":\n");
      if (blen > 0 && b[0] == '/')
        {
          char *entry = strndup (b, blen);
          bool dot = model_has_dot (entry);
          res = dot ? NULL : model_try (model_join (entry, blen, sys));
          free (entry);
          if (res != NULL)
            return res;
        }
      b += blen + (b[blen] != '\0');
    }
  if (!mount_table)
    return NULL;
  /* The mounts the table shows with the file's device: the mount point
     with the sysfs path and with what follows the root; then for the same
     mounts, the mount point with each tail of the sysfs path whose head
     the root ends with.  Then btrfs mounts whose mount point is on the
     file's device, both ways.  */
  for (size_t i = 0; i < n_mounts; i++)
    if (mounts[i].dev == DEV_A && !model_repeat (i)
        && (res = model_mount_paths (&mounts[i], sys)))
      return res;
  for (size_t i = 0; i < n_mounts; i++)
    if (mounts[i].dev == DEV_A && !model_repeat (i)
        && (res = model_mount_tails (&mounts[i], sys)))
      return res;
  for (size_t i = 0; i < n_mounts; i++)
    if (mounts[i].dev != DEV_A && !model_repeat (i)
        && model_subvolume (&mounts[i])
        && ((res = model_mount_paths (&mounts[i], sys))
            || (res = model_mount_tails (&mounts[i], sys))))
      return res;
  return NULL;
}

/* Returns the next NUL-terminated field of BUF (SIZE bytes, NUL-ended),
   or "" when there is none left.  */
static const char *
next_field (const char **p, const char *end)
{
  const char *field = *p;

  if (field >= end)
    return "";
  *p += strlen (field) + 1;
  return field;
}

/* One input, read: the flags, lo_file_name as loop_copy_name made it
   from the kernel's 64 bytes, the sysfs text and the bind list; the
   files and mounts go to the fakes' tables.  */
struct fuzz_case
{
  unsigned int flags;
  char name[LO_NAME_SIZE + 1];
  const char *sysfs, *binds;
};

/* Reads C from BUF (SIZE bytes, NUL-ended).  */
static void
read_case (struct fuzz_case *c, const char *buf, size_t size)
{
  const char *p = buf, *end = buf + size;
  const char *control = next_field (&p, end), *f;
  unsigned char raw[LO_NAME_SIZE] = { 0 };
  size_t clen = strlen (control), sel = 3, flen, name_len;

  c->flags = clen > 0 ? (unsigned char) control[0] : 0;
  /* lo_file_name as the kernel keeps it: 64 bytes, maybe no NUL.  */
  f = next_field (&p, end);
  flen = strlen (f);
  memcpy (raw, f, flen < LO_NAME_SIZE ? flen : LO_NAME_SIZE);
  name_len = loop_copy_name (c->name, raw);
  FUZZ_ASSERT (name_len <= LO_NAME_SIZE && c->name[name_len] == '\0');
  c->sysfs = next_field (&p, end);
  c->binds = next_field (&p, end);

  n_files = clen > 1 ? (unsigned char) control[1] % (MAX_FILES + 1) : 0;
  for (size_t i = 0; i < n_files; i++)
    {
      unsigned char s = sel < clen ? (unsigned char) control[sel++] : 0;
      files[i].path = next_field (&p, end);
      files[i].dev = s & 1 ? DEV_B : DEV_A;
      files[i].ino = s & 2 ? INO_B : INO_A;
    }
  n_mounts = clen > 2 ? (unsigned char) control[2] % (MAX_MOUNTS + 1) : 0;
  for (size_t i = 0; i < n_mounts; i++)
    {
      unsigned char s = sel < clen ? (unsigned char) control[sel++] : 0;
      const char *root = next_field (&p, end);
      mounts[i].dev = s & 1 ? DEV_B : DEV_A;
      mounts[i].root = s & 2 ? NULL : root;
      mounts[i].target = s & 4 ? NULL : next_field (&p, end);
      mounts[i].fstype = s & 8 ? "btrfs" : "ext4";
      /* An ID (or none), and a parent ID among the first mounts'.  */
      mounts[i].id = s & 16 ? (int) i + 1 : 0;
      mounts[i].parent_id = (s >> 5) & 7;
    }
}

/* The properties of FIRST and SECOND, the two answers for C given IN,
   the mount table loaded when MOUNT_LOADER.  */
static void
check_answers (const struct fuzz_case *c, const struct resolve_input *in,
               bool mount_loader, const char *first, const char *second)
{
  bool valid = in->info->valid;
  char *model;

  FUZZ_ASSERT ((first == NULL) == (second == NULL));
  FUZZ_ASSERT (first == NULL || strcmp (first, second) == 0);
  FUZZ_ASSERT (mount_loads <= 1);
  if (!valid)
    FUZZ_ASSERT (first == NULL && stat_calls == 0 && mount_loads == 0);
  if (first != NULL)
    {
      FUZZ_ASSERT (first[0] == '/');
      FUZZ_ASSERT (is_backing_file (first));
    }
  if (valid && in->sysfs_path != NULL && is_backing_file (c->sysfs))
    FUZZ_ASSERT (first != NULL && strcmp (first, c->sysfs) == 0);
  else if (valid && is_backing_file (c->name))
    FUZZ_ASSERT (first != NULL && strcmp (first, c->name) == 0);
  model = model_resolve (in->sysfs_path, c->name, c->binds, valid,
                         mount_loader);
  if ((first == NULL) != (model == NULL)
      || (first != NULL && strcmp (first, model) != 0))
    fprintf (stderr, "resolver: %s\nmodel: %s\n",
             first ? first : "(none)", model ? model : "(none)");
  FUZZ_ASSERT ((first == NULL) == (model == NULL));
  FUZZ_ASSERT (first == NULL || strcmp (first, model) == 0);
  free (model);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *buf = malloc (size + 1);
  struct fuzz_case c;
  struct resolver_ops ops = { .stat_path = fake_stat };
  struct loop_info_facts info = { .dev = DEV_A, .ino = INO_A };
  struct resolve_input in = { .name = "/dev/loop0", .info = &info };
  struct resolver *r;
  char *first, *second;

  memcpy (buf, data, size);
  buf[size] = '\0';
  read_case (&c, buf, size);
  in.sysfs_path = c.flags & F_NO_SYSFS ? NULL : c.sysfs;
  info.valid = c.flags & F_HAS_INFO;
  strcpy (info.file_name, c.name);
  ops.load_mounts = c.flags & F_NO_MOUNT_LOADER ? NULL : fake_mounts;
  ops.trace = c.flags & F_TRACE ? check_trace : NULL;
  r = resolver_new (&ops, c.binds);
  stat_calls = mount_loads = 0;

  first = resolve (r, &in);
  second = resolve (r, &in);
  check_answers (&c, &in, ops.load_mounts != NULL, first, second);

  free (first);
  free (second);
  resolver_free (r);
  free (buf);
  return 0;
}
