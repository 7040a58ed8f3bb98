/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-resolve.c -- the resolver's rules, over a made-up file system.

   Every path the tests use is declared below with a device and an inode;
   the stat callback answers from that table alone, so the expectations
   are the table's, never the program's own output.  */

#include <config.h>

#include <errno.h>
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
};

static const struct file *files;
static size_t n_files;
static int stat_calls;

static int
fake_stat (const char *path, dev_t *dev, uint64_t *ino)
{
  stat_calls++;
  for (size_t i = 0; i < n_files; i++)
    if (strcmp (files[i].path, path) == 0)
      {
        *dev = files[i].dev;
        *ino = files[i].ino;
        return 0;
      }
  return ENOENT;
}

static const struct mount_entry *mounts;
static size_t n_mounts;
static int mount_loads;

static const struct mount_entry *
fake_mounts (void *data, size_t *n)
{
  mount_loads++;
  *n = n_mounts;
  return mounts;
}

/* Resolves one device whose backing file is (DISK, INO).  */
static char *
run (const char *binds, const char *sysfs, const char *name, uint64_t ino)
{
  struct resolver r;
  struct resolve_input in = {
    .name = "/dev/loop0", .sysfs_path = sysfs, .has_info = true,
    .file_name = name, .dev = DISK, .ino = ino
  };
  char *res;

  resolver_init (&r, binds);
  r.stat_path = fake_stat;
  r.load_mounts = fake_mounts;
  res = resolve (&r, &in);
  resolver_free (&r);
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

static void
test_no_facts (void)
{
  static const struct file fs[] = { {"/a.img", DISK, 70} };
  struct resolver r;
  struct resolve_input in = { .name = "/dev/loop0", .sysfs_path = "/a.img",
                              .has_info = false, .file_name = "" };
  char *res;

  SET_FILES (fs);
  resolver_init (&r, NULL);
  r.stat_path = fake_stat;
  stat_calls = 0;
  res = resolve (&r, &in);
  CHECK (res == NULL && stat_calls == 0,
         "without ioctl facts nothing is accepted or even looked at");
  resolver_free (&r);
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

static void
test_kernel_encoding (void)
{
  unsigned char raw[LO_NAME_SIZE];
  char out[LO_NAME_SIZE + 1];

  CHECK (DISK == makedev (8, 1) && OTHER == makedev (8, 2), "test device numbers");
  CHECK (loop_decode_dev (0x0801) == makedev (8, 1), "lo_device 8:1");
  CHECK (loop_decode_dev (0x10300) == makedev (259, 0), "lo_device 259:0");
  CHECK (loop_decode_dev (0x1234567) == makedev (0x345, 0x1267),
         "lo_device with a large minor");
  memset (raw, 'x', sizeof raw);
  CHECK (loop_copy_name (out, raw) == LO_NAME_SIZE && out[LO_NAME_SIZE] == 0,
         "a 64-byte name without NUL is bounded");
}

int
main (void)
{
  test_order ();
  test_truncated ();
  test_truncated_at_boundary ();
  test_relative_and_empty ();
  test_binds ();
  test_mounts ();
  test_no_facts ();
  test_split ();
  test_kernel_encoding ();
  CHECK_END ();
}
