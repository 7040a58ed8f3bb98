/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-loopdev.c -- the loop device scan, over a made-up /sys/block and
   /dev in a temporary directory (no root, no loop device needed).

   Regression test for the phantom row: an entry of the kernel's
   /sys/block that is not a loop device (vda, dm-0) was passed over only
   when errno happened to be ENOENT, so a stale errno listed it as a row
   with an empty name.  Here errno is set to other values before each
   step of the scan, and no entry of the tree may be listed.  */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loopdev.h"
#include "check.h"

/* The tree, relative to the temporary directory, in creation order; it is
   removed in the reverse order.  A name ending in '/' is a directory.  */
static const char *const tree[] = {
  "sys/", "sys/block/", "sys/virtual/", "dev/",
  /* Block devices that are not loop devices, as on any machine.  */
  "sys/block/vda/", "sys/block/dm-0/", "sys/block/sr0/", "sys/block/loop/",
  "sys/block/loopback7/",
  /* A loop device whose /dev node is missing: passed over too.  */
  "sys/block/loop3/", "sys/block/loop3/loop/",
  "sys/block/loop3/loop/backing_file",
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
      const char *rel = tree[i];
      int fd;

      if (rel[strlen (rel) - 1] == '/')
        {
          if (mkdir (in_root (rel), 0755) != 0)
            return false;
          continue;
        }
      fd = open (in_root (rel), O_WRONLY | O_CREAT | O_EXCL, 0644);
      if (fd < 0 || write (fd, "/backing.img\n", 13) != 13 || close (fd) != 0)
        return false;
    }
  return true;
}

static void
remove_tree (void)
{
  for (size_t i = TREE_SIZE; i-- > 0;)
    remove (in_root (tree[i]));
  rmdir (root);
}

/* Scans the tree, read as the kernel's sysfs or not (SYSFS), with errno
   set to STALE before each step.  Returns the number of rows listed.  */
static int
count_rows (int sysfs, int stale)
{
  char sys_block[256], virtual_block[256], dev[256], dev_loop[256];
  struct loop_scan_dirs dirs = {
    .sys_block = strcpy (sys_block, in_root ("sys/block")),
    .virtual_block = strcpy (virtual_block, in_root ("sys/virtual")),
    .dev = strcpy (dev, in_root ("dev")),
    .dev_loop = strcpy (dev_loop, in_root ("dev/loop")),
    .partitions = "/nonexistent",
    .sysfs = sysfs
  };
  struct loop_scan *scan = loop_scan_open_dirs (&dirs);
  struct loop_facts f;
  int rows = 0;

  if (scan == NULL)
    return -1;
  for (;;)
    {
      errno = stale;
      if (!loop_scan_next (scan, &f))
        break;
      printf ("  listed: '%s'\n", f.device);
      rows++;
    }
  loop_scan_close (scan);
  return rows;
}

int
main (void)
{
  static const int stale[] = { 0, EIO, EACCES, ENOENT };

  if (!make_tree ())
    {
      CHECK (false, "the made-up tree is created under /tmp: %s",
             strerror (errno));
      remove_tree ();
      CHECK_END ();
    }
  for (size_t i = 0; i < sizeof stale / sizeof *stale; i++)
    {
      int n = count_rows (1, stale[i]);
      CHECK (n == 0, "as the kernel's sysfs, with errno %d before each "
             "step, no entry is listed (got %d rows)", stale[i], n);
      n = count_rows (0, stale[i]);
      CHECK (n == 0, "as any other file system, with errno %d before each "
             "step, no entry is listed (got %d rows)", stale[i], n);
    }
  remove_tree ();
  CHECK_END ();
}
