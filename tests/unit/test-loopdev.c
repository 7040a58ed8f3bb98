/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-loopdev.c -- the loop device scan, over a made-up /sys/block and
   /dev in a temporary directory (no root, no loop device needed).

   Regression test for the phantom row: an entry of the kernel's
   /sys/block that is not a loop device (vda, dm-0) was passed over only
   when errno happened to be ENOENT, so a stale errno listed it as a row
   with an empty name.  Here errno is set to other values before each
   step of the scan: no entry of the tree but the loop device whose node
   is missing may be listed, and that one exactly once, as lost, as
   util-linux 2.40 and later list it (its number is in sysfs).  The scan
   must look at nothing outside the tree (not the machine's /dev).

   Then the kernel's encodings that loopdev.c reads: lo_device (the old
   16-bit and the new 32-bit device numbers) and the 64-byte lo_file_name,
   which may have no NUL.  */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "loopdev.h"
#include "ulversions.h"
#include "check.h"

#define BACKING "/backing.img"

/* The tree, relative to the temporary directory, in creation order; it is
   removed in the reverse order.  A name ending in '/' is a directory,
   any other a file holding TEXT.  */
static const struct
{
  const char *name, *text;
} tree[] = {
  {"sys/"}, {"sys/block/"}, {"sys/virtual/"}, {"sys/dev/"},
  {"sys/dev/block/"}, {"dev/"},
  /* Block devices that are not loop devices, as on any machine.  */
  {"sys/block/vda/"}, {"sys/block/dm-0/"}, {"sys/block/sr0/"},
  {"sys/block/loop/"}, {"sys/block/loopback7/"},
  /* A loop device 7:3 whose /dev node is missing: lost.  */
  {"sys/block/loop3/"}, {"sys/block/loop3/loop/"},
  {"sys/block/loop3/loop/backing_file", BACKING "\n"},
  {"sys/block/loop3/dev", "7:3\n"},
  {"sys/dev/block/7:3/"}, {"sys/dev/block/7:3/loop/"},
  {"sys/dev/block/7:3/loop/backing_file", BACKING "\n"},
};
#define TREE_SIZE (sizeof tree / sizeof *tree)

static char root[] = "/tmp/test-loopdev.XXXXXX";

static char *
in_root (const char *rel)
{
  static char path[256];

  snprintf (path, sizeof path, "%s/%s", root, rel);
  return path;
}

/* Makes the tree; returns false on any error.  */
static bool
make_tree (void)
{
  if (mkdtemp (root) == NULL)
    return false;
  for (size_t i = 0; i < TREE_SIZE; i++)
    {
      const char *rel = tree[i].name, *text = tree[i].text;
      int fd;

      if (rel[strlen (rel) - 1] == '/')
        {
          if (mkdir (in_root (rel), 0755) != 0)
            return false;
          continue;
        }
      fd = open (in_root (rel), O_WRONLY | O_CREAT | O_EXCL, 0644);
      if (fd < 0 || write (fd, text, strlen (text)) != (ssize_t) strlen (text)
          || close (fd) != 0)
        return false;
    }
  return true;
}

static void
remove_tree (void)
{
  for (size_t i = TREE_SIZE; i-- > 0;)
    remove (in_root (tree[i].name));
  rmdir (root);
}

/* What a scan listed.  */
struct listed
{
  int rows;                     /* all rows */
  int others;                   /* rows of anything but /dev/loop3 */
  int loop3;                    /* rows of /dev/loop3 */
  int loop3_lost;               /* ... with lost set and the tree's text */
};

/* Scans the tree, read as the kernel's sysfs or not (SYSFS), with errno
   set to STALE before each step.  Returns false when the scan could not
   be opened.  */
static bool
scan_tree (int sysfs, int stale, struct listed *out)
{
  char sys_block[256], virtual_block[256], dev[256], dev_loop[256];
  char sys_dev_block[256];
  struct loop_scan_dirs dirs = {
    .sys_block = strcpy (sys_block, in_root ("sys/block")),
    .virtual_block = strcpy (virtual_block, in_root ("sys/virtual")),
    .dev = strcpy (dev, in_root ("dev")),
    .dev_loop = strcpy (dev_loop, in_root ("dev/loop")),
    .sys_dev_block = strcpy (sys_dev_block, in_root ("sys/dev/block")),
    .partitions = "/nonexistent",
    .sysfs = sysfs
  };
  struct loop_scan *scan = loop_scan_open_dirs (&dirs, UL_VERSION_UNKNOWN);
  struct loop_facts f;

  memset (out, 0, sizeof *out);
  if (scan == NULL)
    return false;
  for (;;)
    {
      errno = stale;
      if (loop_scan_next (scan, &f) <= 0)
        break;
      printf ("  listed: '%s'%s\n", f.device, f.lost ? " (lost)" : "");
      out->rows++;
      if (strcmp (f.device, "/dev/loop3") != 0)
        out->others++;
      else
        {
          out->loop3++;
          if (f.lost && check_streq (f.sysfs_path, BACKING))
            out->loop3_lost++;
        }
      free (f.sysfs_path);
    }
  loop_scan_close (scan);
  return true;
}

static void
test_kernel_encoding (void)
{
  unsigned char raw[LO_NAME_SIZE];
  char out[LO_NAME_SIZE + 1];

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
  static const int stale[] = { 0, EIO, EACCES, ENOENT };

  test_kernel_encoding ();

  if (!make_tree ())
    {
      CHECK (false, "the made-up tree is created under /tmp: %s",
             strerror (errno));
      remove_tree ();
      CHECK_END ();
    }
  for (size_t i = 0; i < sizeof stale / sizeof *stale; i++)
    for (int sysfs = 1; sysfs >= 0; sysfs--)
      {
        const char *as = (sysfs ? "the kernel's sysfs"
                          : "any other file system");
        struct listed l;
        bool opened = scan_tree (sysfs, stale[i], &l);

        CHECK (opened && l.others == 0, "as %s, with errno %d before each "
               "step, vda, dm-0, sr0, loop and loopback7 are not listed "
               "(%d rows of them)", as, stale[i], l.others);
        CHECK (opened && l.loop3 == 1 && l.loop3_lost == 1,
               "as %s, with errno %d before each step, loop3 (node "
               "missing) is listed once, lost, with its text (%d rows, "
               "%d lost)", as, stale[i], l.loop3, l.loop3_lost);
      }
  remove_tree ();
  CHECK_END ();
}
