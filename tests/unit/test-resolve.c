/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-resolve.c -- the resolver's rules, over a made-up file system.

   Every path the tests use is declared below with a device and an inode;
   the stat callback answers from that table alone, so the expectations
   are the table's, never the program's own output.  */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "loopdev.h"
#include "resolve.h"
#include "check.h"

#define DISK ((dev_t) 0x801)      /* makedev (8, 1): a constant for initialisers */
#define OTHER ((dev_t) 0x802)     /* makedev (8, 2) */

/* A LINSTOR volume: 89 characters, so lo_file_name keeps 63 of them.  */
#define POOL "/var/lib/linstor-pools/pool1"
#define VOLUME "/pvc-0b7e9d2a-5c1f-4e8a-9b3d-7f6e5d4c3b2a_00000.img"

struct file
{
  const char *path;
  dev_t dev;
  uint64_t ino;
  unsigned long fs_type;        /* statfs's f_type; 0: a disk's */
};

static const struct file *files;
static size_t n_files;
static int stat_calls;
/* How often fake_stat was asked for the path in WATCHED.  */
static const char *watched;
static int watched_calls;

static int
fake_stat (const char *path, dev_t *dev, uint64_t *ino,
           unsigned long *fs_type)
{
  stat_calls++;
  if (watched != NULL && strcmp (path, watched) == 0)
    watched_calls++;
  for (size_t i = 0; i < n_files; i++)
    if (strcmp (files[i].path, path) == 0)
      {
        *dev = files[i].dev;
        *ino = files[i].ino;
        if (fs_type != NULL)
          *fs_type = files[i].fs_type;
        return 0;
      }
  return ENOENT;
}

static const struct mount_entry *mounts;
static size_t n_mounts;
static int mount_loads;

static const struct mount_entry *
fake_mounts (void *data, void (*trace) (const char *line), size_t *n)
{
  mount_loads++;
  *n = n_mounts;
  return mounts;
}

/* Returns the ioctl's facts: NAME (lo_file_name, which holds 63 bytes
   at most, so a longer NAME is a mistake in a test), DEV and INO.  */
static struct loop_info_facts
facts (const char *name, dev_t dev, uint64_t ino)
{
  struct loop_info_facts f = { .valid = true, .dev = dev, .ino = ino };

  if (strlen (name) >= LO_NAME_SIZE)
    abort ();
  strcpy (f.file_name, name);
  return f;
}

/* Resolves one device whose backing file is (DISK, INO).  */
static char *
run (const char *binds, const char *sysfs, const char *name, uint64_t ino)
{
  static const struct resolver_ops ops = {
    .stat_path = fake_stat, .load_mounts = fake_mounts
  };
  struct resolver *r = resolver_new (&ops, binds);
  struct loop_info_facts info = facts (name, DISK, ino);
  struct resolve_input in = {
    .name = "/dev/loop0", .sysfs_path = sysfs, .info = &info
  };
  char *res = resolve (r, &in);

  resolver_free (r);
  return res;
}

#define SET_FILES(a) (files = (a), n_files = sizeof (a) / sizeof *(a))
#define SET_MOUNTS(a) (mounts = (a), n_mounts = sizeof (a) / sizeof *(a))

static void
expect (const char *what, char *got, const char *want)
{
  CHECK (check_streq (got, want), "%s: got %s, want %s", what,
         got ? got : "(none)", want ? want : "(none)");
  free (got);
}

static void
test_order (void)
{
  static const struct file fs[] = {
    {"/srv/a/hard", DISK, 10}, {"/srv/b/hard", DISK, 10},
    {"/foo/example", DISK, 11}, {"/example", OTHER, 11},
    {"/example2", DISK, 99}, {"/srv/pools/example2", DISK, 12},
  };
  SET_FILES (fs);
  expect ("sysfs path first, when it is the file (hard link named apart)",
          run (NULL, "/srv/a/hard", "/srv/b/hard", 10), "/srv/a/hard");
  expect ("lo_file_name when the sysfs path is cut",
          run (NULL, "/example", "/foo/example", 11), "/foo/example");
  expect ("same inode on another device is another file",
          run (NULL, "/example", "/nonexistent/example", 11), NULL);
  expect ("same device, other inode is another file",
          run ("/srv/pools", "/example2", "/gone/example2", 12),
          "/srv/pools/example2");
}

static void
test_truncated (void)
{
  static const struct file fs[] = { {POOL VOLUME, DISK, 20},
                                    {"/var/lib/linstor-pools/p" VOLUME, DISK, 21} };
  char cut[LO_NAME_SIZE];

  SET_FILES (fs);
  memcpy (cut, POOL VOLUME, LO_NAME_SIZE - 1);
  cut[LO_NAME_SIZE - 1] = '\0';
  CHECK (strlen (POOL VOLUME) > 63, "the volume path is longer than 63");
  expect ("a cut lo_file_name is rebuilt with the sysfs path",
          run (NULL, VOLUME, cut, 20), POOL VOLUME);
  expect ("a cut name that does not overlap the sysfs path",
          run (NULL, "/other.img", cut, 20), NULL);
  expect ("a short name is not rebuilt",
          run (NULL, VOLUME, "/var/lib/linstor-pools/pool1/pvc", 20), NULL);
}

static void
test_truncated_at_boundary (void)
{
  /* The directory part is exactly 63 bytes: the cut falls on the '/'.  */
  static const char dir[] =
    "/var/lib/linstor-pools/abcdefghijklmnopqrstuvwxyz0123456789ABCD";
  static char full[256];
  static struct file fs[1];

  CHECK (strlen (dir) == 63, "the boundary directory is 63 bytes");
  snprintf (full, sizeof full, "%s/vol.img", dir);
  fs[0] = (struct file) { full, DISK, 30 };
  SET_FILES (fs);
  expect ("a name cut exactly at the separator", run (NULL, "/vol.img", dir, 30),
          full);
}

static void
test_relative_and_empty (void)
{
  static const struct file fs[] = { {"/data/file.img", DISK, 40} };
  SET_FILES (fs);
  expect ("a relative lo_file_name is never printed",
          run (NULL, "/file.img", "file.img", 40), NULL);
  expect ("an empty lo_file_name", run ("/data", "/file.img", "", 40),
          "/data/file.img");
  expect ("a relative name, then the bind mount",
          run ("/data", "/file.img", "data/file.img", 40), "/data/file.img");
}

static void
test_binds (void)
{
  static const struct file fs[] = { {"/pool2/v.img", DISK, 50},
                                    {"/pool3/v.img", DISK, 50},
                                    {"/x/../pool2/v.img", DISK, 50} };
  SET_FILES (fs);
  expect ("colon list", run ("/pool1:/pool2", "/v.img", "/old/v.img", 50),
          "/pool2/v.img");
  expect ("newline list", run ("/pool1\n/pool2\n", "/v.img", "/old/v.img", 50),
          "/pool2/v.img");
  expect ("mixed, empty entries and a trailing slash",
          run ("::\n/pool1:\n:/pool2/:", "/v.img", "/old/v.img", 50),
          "/pool2/v.img");
  expect ("first entry that matches wins",
          run ("/pool3:/pool2", "/v.img", "/old/v.img", 50), "/pool3/v.img");
  expect ("relative entries are refused",
          run ("pool2", "/v.img", "/old/v.img", 50), NULL);
  expect ("entries with .. are refused",
          run ("/x/../pool2", "/v.img", "/old/v.img", 50), NULL);
}

static void
test_mounts (void)
{
  static const struct file fs[] = { {"/ct/pool/v.img", DISK, 60},
                                    {"/data/v2.img", DISK, 61} };
  static const struct mount_entry mt[] = {
    {OTHER, "/", "/"},
    {DISK, "/", "/"},
    {DISK, "/srv/pools", "/ct/pool"},
    {DISK, "/srv", "/data"},
  };
  SET_FILES (fs);
  SET_MOUNTS (mt);
  mount_loads = 0;
  expect ("mount point joined with the sysfs path",
          run (NULL, "/v.img", "/gone/v.img", 60), "/ct/pool/v.img");
  expect ("mount point joined with what follows the mount's root",
          run (NULL, "/srv/v2.img", "/gone/v2.img", 61), "/data/v2.img");
  CHECK (mount_loads == 2, "the mount table is loaded once per resolver "
         "(%d loads for 2 runs)", mount_loads);
  mount_loads = 0;
  {
    static const struct file fs2[] = { {"/v.img", DISK, 62} };
    SET_FILES (fs2);
    free (run (NULL, "/v.img", "/v.img", 62));
    CHECK (mount_loads == 0, "the mount table is not read when not needed");
  }
  {
    static const struct file fs3[] = { {"/ct/pool/v.img", OTHER, 63} };
    SET_FILES (fs3);
    expect ("mounts of other devices are not used",
            run (NULL, "/v.img", "/gone/v.img", 63), NULL);
  }
}

/* The trace lines of the last run_dev, joined with newlines.  */
static char traced[8192];

static void
keep_trace (const char *line)
{
  size_t len = strlen (traced);
  snprintf (traced + len, sizeof traced - len, "%s\n", line);
}

/* Resolves one device whose backing file is (DEV, INO), with a trace.  */
static char *
run_dev (const char *binds, const char *sysfs, const char *name, dev_t dev,
         uint64_t ino)
{
  static const struct resolver_ops ops = {
    .stat_path = fake_stat, .load_mounts = fake_mounts, .trace = keep_trace
  };
  struct resolver *r = resolver_new (&ops, binds);
  struct loop_info_facts info = facts (name, dev, ino);
  struct resolve_input in = {
    .name = "/dev/loop0", .sysfs_path = sysfs, .info = &info
  };
  char *res;

  traced[0] = '\0';
  res = resolve (r, &in);
  resolver_free (r);
  return res;
}

/* Frees RES and returns whether there was one.  */
static bool
found (char *res)
{
  bool any = res != NULL;

  free (res);
  return any;
}

static void
test_file_mounts (void)
{
  static const struct file fs[] = {
    {"/", OTHER, 2}, {"/x", DISK, 2}, {"/data/new.img", DISK, 80},
    {"/srv/pools/file.img", DISK, 80}, {"/data/o.img", DISK, 81},
  };
  static const struct mount_entry mt[] = {
    {DISK, "/srv", "/x", "ext4"},
    {DISK, "/srv/other.img", "/data/o.img", "ext4"},
    {DISK, "/srv/pools/file.img", "/data/new.img", "ext4"},
  };
  SET_FILES (fs);
  SET_MOUNTS (mt);
  expect ("a bound file (sysfs \"/\") at its new name: the mount point",
          run (NULL, "/", "/data/disk.img", 80), "/data/new.img");
  CHECK (found (run_dev (NULL, "/", "/data/disk.img", DISK, 80))
         && strstr (traced, "file mount \"/x\": refused: device 8:1 inode 2 "
                    "is another file\n") != NULL
         && strstr (traced, "file mount \"/data/new.img\": accepted")
         && !strstr (traced, "mount point \"/x/\""),
         "the trace names each file mount tried, and why it was refused");
  expect ("a file below the attaching container's bind, bound on its own",
          run (NULL, "/pools/file.img", "/host/pools/file.img", 80),
          "/data/new.img");
  expect ("a file mount whose root does not end with the sysfs path is "
          "not tried", run (NULL, "/pools/o.img", "/host/pools/o.img", 81),
          NULL);
  expect ("a bound file named in the bind list",
          run ("/srv/pools/file.img", "/", "/data/disk.img", 80),
          "/srv/pools/file.img");
}

static void
test_mount_tails (void)
{
  static const struct file fs[] = {
    {"/pool/vol3.img", DISK, 90}, {"/hostroot/pools/p1/vol4.img", DISK, 91},
    {"/pool/vol4.img", DISK, 91}, {"/xp/vol5.img", DISK, 92},
  };
  static const struct mount_entry mt[] = {
    {DISK, "/srv/pools/p1", "/pool", "ext4"},
    {DISK, "/srv/xpools/p1", "/xp", "ext4"},
    {DISK, "/", "/hostroot", "ext4"},
  };
  SET_FILES (fs);
  SET_MOUNTS (mt);
  expect ("a parent bound before, the pool now: mount point + tail",
          run (NULL, "/pools/p1/vol3.img", "/host/pools/p1/vol3.img", 90),
          "/pool/vol3.img");
  CHECK (found (run_dev (NULL, "/pools/p1/vol3.img", "/h/pools/p1/vol3.img",
                         DISK, 90))
         && strstr (traced, "mount tail \"/pool/vol3.img\": accepted"),
         "the trace names the mount tail");
  expect ("the candidates of 4 for every mount come before the tails",
          run (NULL, "/pools/p1/vol4.img", "/h/vol4.img", 91),
          "/hostroot/pools/p1/vol4.img");
  expect ("the root must end with the head in whole components",
          run (NULL, "/pools/p1/vol5.img", "/h/pools/p1/vol5.img", 92), NULL);
  /* The root is the head of the sysfs path: the mount root candidate is
     also the tail at the root's end, and is tried once only.  */
  watched = "/pool/vol6.img";
  watched_calls = 0;
  expect ("a mount root that is the head of the sysfs path, file gone",
          run (NULL, "/srv/pools/p1/vol6.img", "/h/vol6.img", 93), NULL);
  CHECK (watched_calls == 1, "the mount root candidate %s is stat()ed "
         "once (%d calls)", watched, watched_calls);
  watched = NULL;
}

#define SUBVOL ((dev_t) 0x2b)   /* 0:43, a btrfs subvolume */
#define BTRFS ((dev_t) 0x28)    /* 0:40, the file system's own number */

static void
test_subvolumes (void)
{
  static const struct file fs[] = {
    {"/pool", SUBVOL, 256}, {"/pool/v.img", SUBVOL, 260},
    {"/nfs", SUBVOL, 256}, {"/nfs/w.img", SUBVOL, 261},
    {"/top", BTRFS, 256}, {"/data/x.img", DISK, 262},
  };
  static const struct mount_entry mt[] = {
    {BTRFS, "/", "/top", "btrfs"},
    {BTRFS, "/@/srv/pools/p1", "/pool", "btrfs"},
    {BTRFS, "/@/srv/pools/p2", "/nfs", "nfs"},
    {DISK, "/srv", "/data", "ext4"},
  };
  struct resolver *r;
  static const struct resolver_ops ops = {
    .stat_path = fake_stat, .load_mounts = fake_mounts
  };
  struct loop_info_facts info = facts ("/gone/v.img", SUBVOL, 260);
  struct resolve_input in = {
    .name = "/dev/loop0", .sysfs_path = "/v.img", .info = &info
  };
  char *res;

  SET_FILES (fs);
  SET_MOUNTS (mt);
  expect ("a btrfs subvolume bound at a new path",
          run_dev (NULL, "/v.img", "/gone/v.img", SUBVOL, 260),
          "/pool/v.img");
  CHECK (strstr (traced, "btrfs mount \"/top\": stat() shows "
                 "device 0:40\n")
         && strstr (traced, "btrfs mount \"/pool\": stat() shows the "
                    "file's device"),
         "the trace names the btrfs mounts looked at");
  expect ("only btrfs mount points are looked at",
          run_dev (NULL, "/w.img", "/gone/w.img", SUBVOL, 261), NULL);
  r = resolver_new (&ops, NULL);
  stat_calls = 0;
  res = resolve (r, &in);
  free (res);
  in.sysfs_path = "/x.img";
  info.ino = 263;
  free (resolve (r, &in));
  /* The first device: sysfs, name, /top, /pool, /pool/v.img and its file
     system; the second: sysfs, name, /pool/x.img, and no mount point
     again.  */
  CHECK (stat_calls == 6 + 2 + 1, "each mount point is looked at once per "
         "run (%d stat calls)", stat_calls);
  resolver_free (r);
  stat_calls = 0;
  expect ("resolved by the candidates of 4: no mount point is looked at",
          run (NULL, "/srv/x.img", "/gone/x.img", 262), "/data/x.img");
  CHECK (stat_calls == 5, "sysfs, name, mount point, mount root and its "
         "file system: %d stat calls", stat_calls);
}

static void
test_hint (void)
{
  static const struct file fs[] = { {"/host/pools/p1/v.img", DISK, 95} };
  static const struct mount_entry mt[] = {
    {OTHER, "/", "/"}, {DISK, "/srv", "/host", "ext4"},
  };
  SET_FILES (fs);
  SET_MOUNTS (mt);
  expect ("a parent bound after the pool: not provable",
          run_dev (NULL, "/v.img", "/pool/v.img", DISK, 95), NULL);
  CHECK (strstr (traced, "hint: LOSETUP_CONTAINER_BIND_MOUNTS needs the "
                 "directory that holds \"/v.img\", when that lies deeper "
                 "below one of the mounts of the file's file system: "
                 "\"/host\" (root \"/srv\")\n") != NULL,
         "the trace names the mount below which the entry lies");
  expect ("... and the entry it names resolves it",
          run ("/host/pools/p1", "/v.img", "/pool/v.img", 95),
          "/host/pools/p1/v.img");
}

/* statfs f_type values, as <linux/magic.h> has them.  */
#define T_FUSE 0x65735546UL
#define T_V9FS 0x01021997UL
#define T_CIFS 0xff534d42UL
#define T_SMB2 0xfe534d42UL
#define T_NFS 0x6969UL
#define T_TMPFS 0x01021994UL
#define T_OVERLAY 0x794c7630UL
#define T_BTRFS 0x9123683eUL
#define T_CEPH 0x00c36400UL

static void
test_fs_rule (void)
{
  /* fuse-overlayfs over two tmpfs lowers: m/a.img (lower 1) and
     m/sub/a.img (lower 2) share one device and inode; container 1 bound
     m at /ct, container 2 binds m/sub there.  */
  static struct file fs[] = {
    {"/ct/a.img", DISK, 5, T_FUSE}, {"/a.img", DISK, 6, T_FUSE},
  };
  static const struct mount_entry mt[] = {
    {DISK, "/sub", "/ct", "fuse.fuse-overlayfs", 30, 1},
  };
  static const struct { unsigned long type; bool proof; } types[] = {
    {T_FUSE, false}, {T_V9FS, false}, {T_CIFS, false}, {T_SMB2, false},
    {T_NFS, false}, {0xEF53, true}, {T_TMPFS, true}, {T_OVERLAY, true},
    {T_BTRFS, true}, {T_CEPH, true}, {0x58465342, true},
  };

  SET_FILES (fs);
  SET_MOUNTS (mt);
  expect ("FUSE: lo_file_name with the file's device and inode is no proof",
          run_dev (NULL, "/a.img", "/ct/a.img", DISK, 5), NULL);
  CHECK (strstr (traced, "lo_file_name \"/ct/a.img\": refused: same device "
                 "and inode, but on a file system (type 0x65735546) whose "
                 "inode numbers prove nothing\n") != NULL
         && strstr (traced, "mount point") == NULL,
         "FUSE: the trace says why, and no other candidate is tried");
  expect ("FUSE: nor is a mount's candidate",
          run_dev (NULL, "/a.img", "/gone/a.img", DISK, 5), NULL);
  expect ("FUSE: the sysfs path itself is util-linux's row, kept",
          run_dev (NULL, "/a.img", "/ct/a.img", DISK, 6), "/a.img");
  for (size_t i = 0; i < sizeof types / sizeof *types; i++)
    {
      char *got;

      fs[0].fs_type = types[i].type;
      got = run_dev (NULL, "/a.img", "/gone/a.img", DISK, 5);
      CHECK ((got != NULL) == types[i].proof
             && (got == NULL || strcmp (got, "/ct/a.img") == 0),
             "file system type 0x%lx: inode numbers %s", types[i].type,
             types[i].proof ? "prove the file" : "prove nothing");
      free (got);
      CHECK (inode_numbers_unique (types[i].type) == types[i].proof,
             "inode_numbers_unique (0x%lx)", types[i].type);
    }
  fs[0].fs_type = T_FUSE;
}

/* One resolver for a run of devices: the stat calls of all of them.  */
static int
stat_calls_for (const struct resolve_input *in, size_t n)
{
  static const struct resolver_ops ops = {
    .stat_path = fake_stat, .load_mounts = fake_mounts, .trace = keep_trace
  };
  struct resolver *r = resolver_new (&ops, NULL);

  stat_calls = 0;
  for (size_t i = 0; i < n; i++)
    {
      traced[0] = '\0';
      free (resolve (r, &in[i]));
    }
  resolver_free (r);
  return stat_calls;
}

static void
test_fs_rule_per_device (void)
{
  static const struct file fs[] = {
    {"/ct/a.img", DISK, 5, T_FUSE}, {"/ct/b.img", DISK, 7, T_FUSE},
    {"/d/c.img", OTHER, 8, T_TMPFS},
  };
  struct loop_info_facts a = facts ("/ct/a.img", DISK, 5);
  struct loop_info_facts b = facts ("/ct/b.img", DISK, 7);
  const struct resolve_input in[] = {
    {"/dev/loop0", "/a.img", &a}, {"/dev/loop1", "/b.img", &b},
  };
  int calls;

  SET_FILES (fs);
  n_mounts = 0;
  calls = stat_calls_for (in, 2);
  /* loop0: sysfs, name, name with its file system; loop1: sysfs.  */
  CHECK (calls == 4, "once a device's file system proves nothing, its "
         "next device tries the sysfs path only (%d stat calls)", calls);
  expect ("the file system type is asked only of a candidate that changes "
          "the path", run_dev (NULL, "/d/c.img", "/d/c.img", OTHER, 8),
          "/d/c.img");
  CHECK (strstr (traced, "type 0x") == NULL,
         "the sysfs path itself: no statfs");
}

/* COUNT plain mounts of one file system and root, at /m/0, /m/1...: the
   mount table of a node with many containers.  */
#define MANY 2000
static struct mount_entry many[MANY + 3];
static char many_targets[MANY][16];

static void
make_many (void)
{
  many[0] = (struct mount_entry) { OTHER, "/", "/", "ext4", 1, 0 };
  many[1] = (struct mount_entry) { DISK, "/", "/srv", "ext4", 2, 1 };
  for (size_t i = 0; i < MANY; i++)
    {
      snprintf (many_targets[i], sizeof many_targets[i], "/m/%zu", i);
      many[i + 2] = (struct mount_entry) { DISK, "/pools", many_targets[i],
                                           "ext4", (int) i + 3, 1 };
    }
  mounts = many;
  n_mounts = MANY + 2;
}

static void
test_many_mounts (void)
{
  static const struct file fs[] = { {"/m/0/w.img", DISK, 10} };
  struct loop_info_facts info[8];
  struct resolve_input in[8];
  int calls;
  size_t len;

  SET_FILES (fs);
  make_many ();
  for (size_t i = 0; i < 8; i++)
    {
      info[i] = facts ("/x/gone.img", DISK, 100 + i);
      in[i] = (struct resolve_input) { "/dev/loop0", "/gone.img", &info[i] };
    }
  calls = stat_calls_for (in, 8);
  /* Each: sysfs, name; the /srv mount: mount point, tails none; the first
     of /m/N: mount point, and no mount root (the sysfs path is not below
     /pools).  */
  CHECK (calls == 8 * 4, "%d plain mounts of one root are tried once "
         "(%d stat calls for 8 devices)", MANY, calls);
  len = strlen (traced);
  CHECK (strstr (traced, "\"/m/0\" (root \"/pools\") and 1999 more mount "
                 "points of it\n") != NULL && len < 1024,
         "the hint names the first and counts the others (%zu bytes)", len);
  expect ("the first of them is tried, the file below it is below any",
          run (NULL, "/pools/w.img", "/x/w.img", 10), "/m/0/w.img");
}

/* Resolves (DISK, 11) at sysfs "/v.img" with the mount table MT (N
   entries): a mount of /pools at /b, plain, comes after one that is not.  */
static char *
run_hidden (const struct mount_entry *mt, size_t n)
{
  mounts = mt;
  n_mounts = n;
  return run (NULL, "/v.img", "/gone/v.img", 11);
}

static void
test_file_mount_once (void)
{
  static const struct file fs[] = { {"/data/a.img", DISK, 20} };
  static const struct mount_entry mt[] = {
    {DISK, "/srv/a.img", "/data/a.img", "ext4", 2, 1},
  };
  struct loop_info_facts info[4];
  struct resolve_input in[4];

  SET_FILES (fs);
  SET_MOUNTS (mt);
  for (size_t i = 0; i < 4; i++)
    {
      info[i] = facts ("/gone.img", DISK, 21 + i);
      in[i] = (struct resolve_input) { "/dev/loop0", "/", &info[i] };
    }
  watched = "/data/a.img";
  watched_calls = 0;
  stat_calls_for (in, 4);
  CHECK (watched_calls == 1, "a file mount's mount point is looked at once "
         "for 4 devices (%d calls)", watched_calls);
  watched = NULL;
}

static void
test_hidden_mounts (void)
{
  /* The plain mount /b reaches the file; at the path where it does, each
     mount of the same file system and root before it reaches another
     file system: one mounted inside it, one mounted later over a
     directory above it, one mounted on top of it.  Tried first for all,
     it would hide the file.  */
  static const struct file fs[] = {
    {"/b/v.img", DISK, 11}, {"/a/v.img", OTHER, 11},
    {"/x/a/v.img", OTHER, 11}, {"/s/v.img", OTHER, 11},
  };
  static const struct mount_entry inside[] = {
    {OTHER, "/", "/", "ext4", 1, 0},
    {DISK, "/pools", "/a", "ext4", 10, 1},
    {OTHER, "/", "/a/v.img", "ext4", 12, 10},
    {DISK, "/pools", "/b", "ext4", 11, 1},
  };
  static const struct mount_entry above[] = {
    {OTHER, "/", "/", "ext4", 1, 0},
    {DISK, "/pools", "/x/a", "ext4", 13, 1},
    {OTHER, "/", "/x", "ext4", 14, 1},
    {DISK, "/pools", "/b", "ext4", 11, 1},
  };
  static const struct mount_entry on_top[] = {
    {OTHER, "/", "/", "ext4", 1, 0},
    {DISK, "/pools", "/s", "ext4", 16, 1},
    {OTHER, "/", "/s", "ext4", 17, 16},
    {DISK, "/pools", "/b", "ext4", 11, 1},
  };

  SET_FILES (fs);
  expect ("a mount with a mount inside it does not stand for others",
          run_hidden (inside, 4), "/b/v.img");
  expect ("nor one hidden by a mount over a directory above it",
          run_hidden (above, 4), "/b/v.img");
  expect ("nor one with another mount on top of it",
          run_hidden (on_top, 4), "/b/v.img");
}

static void
test_no_facts (void)
{
  static const struct file fs[] = { {"/a.img", DISK, 70} };
  static const struct resolver_ops ops = { .stat_path = fake_stat };
  struct resolver *r = resolver_new (&ops, NULL);
  struct loop_info_facts info = { .valid = false };
  struct resolve_input in = { .name = "/dev/loop0", .sysfs_path = "/a.img",
                              .info = &info };
  char *res;

  SET_FILES (fs);
  stat_calls = 0;
  res = resolve (r, &in);
  CHECK (res == NULL && stat_calls == 0,
         "without ioctl facts nothing is accepted or even looked at");
  resolver_free (r);
  expect ("no sysfs text: lo_file_name alone", run (NULL, NULL, "/a.img", 70),
          "/a.img");
  expect ("a deleted file keeps losetup's text",
          run ("/", "/a.img (deleted)", "/a.img", 71), NULL);
}

static void
test_split (void)
{
  size_t n;
  char **v = split_bind_mounts ("/a:/b\n\n/c::", &n);

  CHECK (n == 3 && strcmp (v[0], "/a") == 0 && strcmp (v[1], "/b") == 0
         && strcmp (v[2], "/c") == 0, "split on ':' and newlines (%zu)", n);
  for (size_t i = 0; i < n; i++)
    free (v[i]);
  free (v);
  v = split_bind_mounts (NULL, &n);
  CHECK (n == 0 && v == NULL, "unset list");
  v = split_bind_mounts (":\n:", &n);
  CHECK (n == 0, "only separators");
  free (v);
  CHECK (has_dot_component ("/a/../b") && has_dot_component ("/a/.")
         && has_dot_component ("./a") && !has_dot_component ("/a/.b/..c")
         && !has_dot_component ("/a/b."), "dot components");
}

int
main (void)
{
  CHECK (DISK == makedev (8, 1) && OTHER == makedev (8, 2),
         "test device numbers");
  test_order ();
  test_truncated ();
  test_truncated_at_boundary ();
  test_relative_and_empty ();
  test_binds ();
  test_mounts ();
  test_file_mounts ();
  test_mount_tails ();
  test_subvolumes ();
  test_hint ();
  test_fs_rule ();
  test_fs_rule_per_device ();
  test_many_mounts ();
  test_hidden_mounts ();
  test_file_mount_once ();
  test_no_facts ();
  test_split ();
  CHECK_END ();
}
