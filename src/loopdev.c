/* SPDX-License-Identifier: GPL-3.0-or-later */
/* loopdev.c -- the kernel interface: sysfs, /dev/loopN and LOOP_GET_STATUS64.

   The scan follows util-linux losetup's own rules, so that the set and the
   order of the devices listed are the ones losetup lists: entries of
   /sys/block in readdir order that have a loop/backing_file, each with the
   text of the device its /dev node stands for.

   DESIGN: a node is opened only once stat() has shown that it is the very
   block device its /sys/block entry names (major 7, that entry's minor:
   entry_minor).  Opening a node whose minor has no device makes the
   kernel create one, and util-linux, which never opens a node to list,
   creates nothing.  Any other node (another loop device, a partition, a
   character node, a minor with no device, or one that cannot be looked
   at) is never opened: its row is util-linux's, by the rules of the
   installed release (UL_NODE_ANY_TYPE, UL_LOST_ROWS in ulversions.h),
   read from sysfs.  The scan itself never opens a node on the kernel's
   sysfs (loop_read_info is called by the listing's worker, which may wait
   on a backing file); only without /sys/block, where the ioctl is
   losetup's only source, is a node opened here, and then one proven by
   /proc/partitions' numbers: there the scan waits on a backing file's
   file system as losetup's own does.

   When /sys/block is the kernel's own sysfs, its entries are what they
   say: the text is read through /sys/devices/virtual/block, where the
   kernel's entries point (an unused device costs one openat), and the
   node is looked at with one fstatat.  Anything else mounted there (a
   test rig, a hostile container) gets losetup's own, slower procedure:
   look at the entry, read every entry's `dev'.  */

#include "system.h"

#include "loopdev.h"

#include <c-ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <linux/magic.h>
#include <unistd.h>

#include "ulversions.h"
#include "xalloc.h"
#include "xvasprintf.h"

#define LOOP_MAJOR 7

struct loop_scan
{
  DIR *sysblock;                /* NULL: scanning /proc/partitions */
  FILE *partitions;
  /* Nodes are /dev/loop/N, not /dev/loopN.  losetup finds the number of
     a missing /dev/loop/N node nowhere, so it calls no such device lost:
     a missing node is lost only when this is false.  */
  bool dev_subdir;
  bool genuine;                 /* /sys/block is the kernel's sysfs */
  /* /sys/devices/virtual/block, where the kernel's /sys/block/loopN links
     point, or -1: reading there spares a link per device.  */
  int virtual_dir;
  /* The layout holds: an entry was found there.  Until then a miss is
     looked at once more (fstatat of the entry) before /sys/block is
     read instead.  */
  bool virtual_seen;
  /* The loop driver's part_shift: loopN is minor N << shift; -1 until
     learnt from the first `dev' attribute read.  */
  int minor_shift;
  unsigned int version;         /* util-linux's rules (a UL_VERSION) */
  int sysblock_fd;              /* SYSBLOCK's, or another for the same */
  int dev_dir;                  /* /dev (or /dev/loop) for the nodes, or -1 */
  /* The first shortage of descriptors or memory met in the entry being
     read (an errno value), or 0.  */
  int shortage;
  const struct loop_scan_dirs *dirs;
};

dev_t
loop_decode_dev (uint64_t encoded)
{
  unsigned int major = (encoded >> 8) & 0xfff;
  unsigned int minor = (encoded & 0xff) | ((encoded >> 12) & 0xfff00);

  return makedev (major, minor);
}

size_t
loop_copy_name (char *out, const unsigned char *raw)
{
  size_t len = strnlen ((const char *) raw, LO_NAME_SIZE);

  memcpy (out, raw, len);
  out[len] = '\0';
  return len;
}

/* The most bytes loop_read_attribute reads: sysfs hands out at most a
   page, and a backing file's path is at most PATH_MAX.  */
#define LOOP_ATTRIBUTE_MAX (64 * 1024)

char *
loop_read_attribute (int dirfd, const char *path)
{
  /* Read whole in one call when it fits, as the kernel renders it at
     once; on the stack, and copied to its size: a listing keeps every
     device's text.  */
  char first[8192], *buf;
  char *heap = NULL;            /* once it does not fit FIRST */
  size_t size = sizeof first, len = 0;
  int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

  if (fd < 0)
    return NULL;
  for (;;)
    {
      ssize_t n;

      buf = heap != NULL ? heap : first;
      n = read (fd, buf + len, size - len - 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 || len + n >= LOOP_ATTRIBUTE_MAX)
        {
          int e = n < 0 ? errno : EFBIG;
          close (fd);
          free (heap);
          errno = e;
          return NULL;
        }
      len += n;
      if (n == 0 || len < size - 1)
        break;
      if (heap == NULL)
        heap = memcpy (xmalloc (size), first, len);
      heap = x2realloc (heap, &size);
    }
  close (fd);
  if (len > 0 && buf[len - 1] == '\n')
    len--;
  buf[len] = '\0';
  return heap != NULL ? heap : xmemdup (first, len + 1);
}

bool
loop_shortage (int err)
{
  return err == EMFILE || err == ENFILE || err == ENOMEM;
}

/* loop_read_attribute for SCAN, which notes a shortage.  */
static char *
scan_read_attribute (struct loop_scan *scan, int dirfd, const char *path)
{
  char *text = loop_read_attribute (dirfd, path);

  if (text == NULL && loop_shortage (errno) && scan->shortage == 0)
    scan->shortage = errno;
  return text;
}

/* Opens the directory PATH for SCAN, on a descriptor above the standard
   ones (which stay free when the caller closed them); -1 when it cannot
   be opened.  */
static int
open_dir (const char *path)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0 && fd < 3)
    {
      int high = fcntl (fd, F_DUPFD_CLOEXEC, 3);
      close (fd);
      fd = high;
    }
  return fd;
}

/* The directories of a real scan.  */
static const struct loop_scan_dirs kernel_dirs = {
  .sys_block = "/sys/block",
  .virtual_block = "/sys/devices/virtual/block",
  .dev = "/dev",
  .dev_loop = "/dev/loop",
  .sys_dev_block = "/sys/dev/block",
  .partitions = "/proc/partitions",
  .sysfs = -1
};

struct loop_scan *
loop_scan_open (unsigned int version)
{
  return loop_scan_open_dirs (&kernel_dirs, version);
}

/* Opens the directories SCAN reads entries and nodes through.  */
static void
open_dirs (struct loop_scan *scan)
{
  const struct loop_scan_dirs *dirs = scan->dirs;

  scan->dev_dir = open_dir (scan->dev_subdir ? dirs->dev_loop : dirs->dev);
  scan->virtual_dir = (scan->genuine && dirs->virtual_block != NULL
                       ? open_dir (dirs->virtual_block) : -1);
  if (scan->sysblock != NULL)
    scan->sysblock_fd = dirfd (scan->sysblock);
}

struct loop_scan *
loop_scan_open_dirs (const struct loop_scan_dirs *dirs, unsigned int version)
{
  struct loop_scan *scan = xzalloc (sizeof *scan);
  struct stat st;
  int fd;

  scan->dirs = dirs;
  scan->version = version;
  scan->dev_subdir = stat (dirs->dev_loop, &st) == 0 && S_ISDIR (st.st_mode);
  scan->minor_shift = -1;
  if (stat (dirs->sys_block, &st) == 0 && S_ISDIR (st.st_mode))
    {
      struct statfs fs;

      fd = open_dir (dirs->sys_block);
      scan->sysblock = fd >= 0 ? fdopendir (fd) : NULL;
      if (fd >= 0 && scan->sysblock == NULL)
        close (fd);
      scan->genuine = (scan->sysblock != NULL
                       && (dirs->sysfs >= 0 ? dirs->sysfs
                           : (fstatfs (fd, &fs) == 0
                              && fs.f_type == SYSFS_MAGIC)));
    }
  else
    scan->partitions = fopen (dirs->partitions, "re");
  if (scan->sysblock == NULL && scan->partitions == NULL)
    {
      int e = errno;
      free (scan);
      errno = e;
      return NULL;
    }
  open_dirs (scan);
  return scan;
}

void
loop_scan_reopen (struct loop_scan *scan)
{
  open_dirs (scan);
  if (scan->sysblock != NULL)
    scan->sysblock_fd = open_dir (scan->dirs->sys_block);
}

void
loop_scan_close (struct loop_scan *scan)
{
  if (scan == NULL)
    return;
  if (scan->sysblock)
    closedir (scan->sysblock);
  if (scan->partitions)
    fclose (scan->partitions);
  if (scan->virtual_dir >= 0)
    close (scan->virtual_dir);
  if (scan->dev_dir >= 0)
    close (scan->dev_dir);
  free (scan);
}

/* Returns true when NAME is "loop" followed by decimal digits only.  */
static bool
is_loop_name (const char *name)
{
  if (strncmp (name, "loop", 4) != 0 || name[4] == '\0')
    return false;
  for (const char *p = name + 4; *p; p++)
    if (!c_isdigit (*p))
      return false;
  return true;
}

/* Fills F->device for the /sys/block entry NAME ("loop7") as losetup
   names it: /dev/NAME, or /dev/loop/ and what follows "loop"; and
   F->entry_number.  Returns false when there is no such name (losetup
   passes the entry over).  */
static bool
set_device (const struct loop_scan *scan, struct loop_facts *f,
            const char *name)
{
  if (scan->dev_subdir && strlen (name) < 5)
    return false;
  snprintf (f->device, sizeof f->device, "%s%s",
            scan->dev_subdir ? "/dev/loop/" : "/dev/",
            scan->dev_subdir ? name + 4 : name);
  f->entry_number = strtoul (name + 4, NULL, 10);
  return true;
}

/* Returns the name of F->device's node within SCAN's dev_dir: what
   follows the last '/'.  */
static const char *
node_name (const struct loop_facts *f)
{
  return strrchr (f->device, '/') + 1;
}

/* Looks at the node F->device with stat only (following a symbolic link,
   as losetup does), relative to SCAN's /dev (which spares a path walk);
   fills *ST.  Returns 0, or stat's errno value.  */
static int
stat_node (const struct loop_scan *scan, const struct loop_facts *f,
           struct stat *st)
{
  int rc = (scan->dev_dir >= 0 ? fstatat (scan->dev_dir, node_name (f), st, 0)
            : stat (f->device, st));

  return rc == 0 ? 0 : errno;
}

bool
loop_read_info (const struct loop_scan *scan, struct loop_facts *f)
{
  struct loop_info64 info;
  int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
  int fd = (scan->dev_dir >= 0 ? openat (scan->dev_dir, node_name (f), flags)
            : open (f->device, flags));
  int rc;

  f->info.valid = false;
  if (fd < 0)
    return false;
  /* Zeroed first: tools that do not know this ioctl (valgrind 3.19) would
     take every byte of the answer for uninitialised.  */
  memset (&info, 0, sizeof info);
  rc = ioctl (fd, LOOP_GET_STATUS64, &info);
  /* Held only for its one ioctl: a losetup -d meanwhile detaches.  */
  close (fd);
  /* A node replaced meanwhile answers for another device, whose facts
     are never taken.  */
  if (rc != 0 || info.lo_number != f->entry_number)
    return false;
  loop_copy_name (f->info.file_name, info.lo_file_name);
  f->info.dev = loop_decode_dev (info.lo_device);
  f->info.ino = info.lo_inode;
  f->info.valid = true;
  return true;
}

const char *
loop_losetup_text (const struct loop_facts *f)
{
  return f->from_partitions ? f->marked_name : f->sysfs_path;
}

/* Returns true when ERR, from reading loop/backing_file, means the device
   is not bound (or no longer).  */
static bool
unbound (int err)
{
  return err == ENOENT || err == ENODEV || err == ENXIO;
}

/* Returns the minor number of the /sys/block entry NAME, loop device
   number N, or -1 when it cannot be told.  The kernel's loop driver makes
   loopN minor N << part_shift, one shift for all: on the kernel's sysfs
   the shift is learnt from the first `dev' attribute read, and no other
   is read after it.  Anywhere else every entry's `dev' is read.  */
static long
entry_minor (struct loop_scan *scan, const char *name, uint32_t n)
{
  char path[NAME_MAX + sizeof "/dev"];
  unsigned int maj, min;
  char *text;
  bool ok;

  if (scan->genuine && n == 0)
    return 0;
  if (scan->genuine && scan->minor_shift >= 0
      && n < (UINT32_C (1) << (20 - scan->minor_shift)))
    return (long) n << scan->minor_shift;
  snprintf (path, sizeof path, "%s/dev", name);
  text = scan_read_attribute (scan, scan->sysblock_fd, path);
  ok = (text != NULL && sscanf (text, "%u:%u", &maj, &min) == 2
        && maj == LOOP_MAJOR);
  free (text);
  if (!ok)
    return -1;
  for (int shift = 0; scan->genuine && n > 0 && shift < 20; shift++)
    if (((unsigned long) n << shift) == min)
      {
        scan->minor_shift = shift;
        break;
      }
  return min;
}

/* Replaces *TEXT with the text of the device numbered DEV, read through
   /sys/dev/block as losetup reads it.  Returns false when DEV is not a
   bound loop device: losetup then passes the entry over.  */
static bool
other_device_text (struct loop_scan *scan, dev_t dev, char **text)
{
  char *attr = xasprintf ("%s/%u:%u/loop/backing_file", scan->dirs->sys_dev_block,
                          major (dev), minor (dev));
  int err;

  free (*text);
  *text = scan_read_attribute (scan, AT_FDCWD, attr);
  err = errno;                  /* the read's, whatever free does to it */
  free (attr);
  return *text != NULL || !unbound (err);
}

/* Decides, for the bound entry NAME of F (F->device set) whose own text
   is *TEXT, whether util-linux lists it and with whose text, from a
   stat() of the node alone, as util-linux does (see ulversions.c, and
   UL_LOST_ROWS and UL_NODE_ANY_TYPE in ulversions.h).  Returns true when
   it is listed; *TEXT is then the text to print (replaced when the node
   is another device).  Sets F->proven when the node is the entry's own
   block device, F->lost when the node could not be looked at.  */
static bool
judge_node (struct loop_scan *scan, struct loop_facts *f, const char *name,
            char **text)
{
  struct stat st;
  int err = stat_node (scan, f, &st);
  bool loop_block;
  long own;

  if (loop_shortage (err))
    {
      scan->shortage = err;
      return false;
    }
  if (err != 0)
    {
      /* losetup finds the number of a /dev/loop/N device nowhere.  */
      if (scan->dev_subdir || !ul_has (scan->version, UL_LOST_ROWS))
        return false;
      f->lost = true;
      return true;
    }
  loop_block = S_ISBLK (st.st_mode) && major (st.st_rdev) == LOOP_MAJOR;
  if (!loop_block && !ul_has (scan->version, UL_NODE_ANY_TYPE))
    return false;
  if (st.st_rdev == 0)
    return false;
  own = entry_minor (scan, name, f->entry_number);
  if (own >= 0 && st.st_rdev == makedev (LOOP_MAJOR, own))
    {
      /* The entry's own number: its own text.  Only a block node of it
         is ever opened.  */
      f->proven = S_ISBLK (st.st_mode);
      return true;
    }
  return other_device_text (scan, st.st_rdev, text);
}

/* The kernel's /sys/block: entry NAME, whose loop/backing_file is PATH.
   Returns true when the device is listed, with F filled and *TEXT the
   text to print (NULL: unreadable); false when it is passed over.  *TEXT
   is malloc'd either way.  */
static bool
facts_from_genuine (struct loop_scan *scan, struct loop_facts *f,
                    const char *name, const char *path, char **text)
{
  struct stat st;

  *text = NULL;
  /* The kernel's loop entries link to /sys/devices/virtual/block/NAME:
     read there.  Until a device has been found there, "not there" may
     mean another layout: the first miss looks for the entry itself (an
     unbound device has one) before it looks through the link.  */
  if (scan->virtual_dir >= 0)
    {
      int err;

      *text = scan_read_attribute (scan, scan->virtual_dir, path);
      err = errno;
      if (*text != NULL || err != ENOENT
          || (!scan->virtual_seen
              && fstatat (scan->virtual_dir, name, &st,
                          AT_SYMLINK_NOFOLLOW) == 0))
        scan->virtual_seen = true;
      errno = err;
    }
  if (scan->virtual_dir < 0
      || (*text == NULL && errno == ENOENT && !scan->virtual_seen))
    *text = scan_read_attribute (scan, scan->sysblock_fd, path);
  if ((*text == NULL && unbound (errno)) || !set_device (scan, f, name))
    return false;
  return judge_node (scan, f, name, text);
}

/* Anything else mounted on /sys/block: losetup's procedure, step by step
   (the entry's loop/backing_file is looked at, not read, first).
   Returns as facts_from_genuine.  */
static bool
facts_from_other (struct loop_scan *scan, struct loop_facts *f,
                  const char *name, const char *path, char **text)
{
  struct stat st;

  *text = NULL;
  if (fstatat (scan->sysblock_fd, path, &st, 0) != 0)
    {
      if (loop_shortage (errno))
        scan->shortage = errno;
      return false;
    }
  if (!set_device (scan, f, name))
    return false;
  *text = scan_read_attribute (scan, scan->sysblock_fd, path);
  if (*text == NULL && unbound (errno))
    return false;
  return judge_node (scan, f, name, text) && (*text != NULL || !f->lost);
}

const char *
loop_scan_next_name (struct loop_scan *scan)
{
  struct dirent *d;

  errno = 0;
  while (scan->sysblock != NULL && (d = readdir (scan->sysblock)) != NULL)
    {
      if (scan->genuine ? is_loop_name (d->d_name)
          : strncmp (d->d_name, "loop", 4) == 0)
        return d->d_name;
      errno = 0;
    }
  return NULL;
}

int
loop_scan_entry (struct loop_scan *scan, const char *name,
                 struct loop_facts *f)
{
  char path[NAME_MAX + sizeof "/loop/backing_file"], *text;
  bool listed;

  memset (f, 0, sizeof *f);
  scan->shortage = 0;
  snprintf (path, sizeof path, "%s/loop/backing_file", name);
  listed = (scan->genuine ? facts_from_genuine (scan, f, name, path, &text)
            : facts_from_other (scan, f, name, path, &text));
  if (scan->shortage != 0 || !listed)
    {
      free (text);
      memset (f, 0, sizeof *f);
      return -scan->shortage;
    }
  if (text != NULL && *text == '\0')
    {
      free (text);
      text = NULL;              /* losetup prints an empty cell */
    }
  f->sysfs_path = text;
  return 1;
}

/* Without /sys/block losetup finds devices in /proc/partitions, asks the
   node of each (a block node of major 7: is_loopdev) and prints the
   ioctl name, its 63rd byte replaced by '*'.  The node is opened only
   when it is the very device the line names.  */
static bool
next_from_partitions (struct loop_scan *scan, struct loop_facts *f)
{
  char line[512];

  while (fgets (line, sizeof line, scan->partitions) != NULL)
    {
      unsigned int maj, min;
      char name[129];
      struct stat st;

      memset (f, 0, sizeof *f);
      if (sscanf (line, " %u %u %*s %128[^\n ]", &maj, &min, name) != 3
          || maj != LOOP_MAJOR || !is_loop_name (name)
          || !set_device (scan, f, name) || stat_node (scan, f, &st) != 0
          || !S_ISBLK (st.st_mode) || st.st_rdev != makedev (maj, min))
        continue;
      if (!loop_read_info (scan, f))
        continue;
      memcpy (f->marked_name, f->info.file_name, LO_NAME_SIZE);
      f->marked_name[LO_NAME_SIZE - 2] = '*';
      f->marked_name[LO_NAME_SIZE - 1] = '\0';
      f->from_partitions = true;
      return true;
    }
  return false;
}

int
loop_scan_next (struct loop_scan *scan, struct loop_facts *f)
{
  const char *name;

  memset (f, 0, sizeof *f);
  if (scan->sysblock == NULL)
    return next_from_partitions (scan, f);
  while ((name = loop_scan_next_name (scan)) != NULL)
    {
      int rc = loop_scan_entry (scan, name, f);
      if (rc != 0)
        return rc;
    }
  return 0;
}
