/* SPDX-License-Identifier: GPL-3.0-or-later */
/* loopdev.c -- the kernel interface: sysfs, /dev/loopN and LOOP_GET_STATUS64.

   The scan follows util-linux losetup's own rules, so that the set and the
   order of the devices listed are the ones losetup lists: entries of
   /sys/block in readdir order that have a loop/backing_file, each with the
   text of the device its /dev node stands for.

   DESIGN: a node is opened only once stat() has shown that it is the very
   block device its /sys/block entry names (major 7, that entry's minor).
   Opening a node whose minor has no device makes the kernel create one,
   and util-linux, which never opens a node to list, creates nothing.  The
   minor of loopN is N << part_shift, one shift for the whole driver: it is
   learnt from the first `dev' attribute read and then costs nothing.  Any
   other node (another loop device, a partition, a character node, a minor
   with no device, or one that cannot be looked at) is never opened: its
   row is util-linux's, by the rules of the installed release
   (UL_NODE_ANY_TYPE, UL_LOST_ROWS in ulversions.h), read from sysfs.  The
   scan itself never opens a node on the kernel's sysfs (loop_read_info
   is called by the listing's worker, which may wait on a backing file);
   only without /sys/block, where the ioctl is losetup's only source, is a
   node opened here, and then one proven by /proc/partitions' numbers.

   When /sys/block is the kernel's own sysfs, its entries are what they
   say: the text is read through /sys/devices/virtual/block, where the
   kernel's entries point (an unused device costs one openat), and the
   node is looked at with one fstatat.  Descriptors are closed in batches
   (fdbatch.h).  Anything else mounted there (a test rig, a hostile
   container) gets losetup's own, slower procedure: look at the entry,
   read every entry's `dev'.  */

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

#include "fdbatch.h"
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
  unsigned int (*version) (void);       /* util-linux's rules; NULL: newest */
  struct fd_batch attr_fds;     /* attribute descriptors, closed in batches */
  int dev_dir;                  /* /dev (or /dev/loop) for the nodes, or -1 */
  char *sys_dev_block;          /* "/sys/dev/block", owned */
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

/* loop_read_attribute, leaving the descriptor open in *FD (-1: none)
   for the caller to close, unless FD is NULL.  */
static char *
read_attribute (int dirfd, const char *path, int *fd_out)
{
  /* A sysfs attribute is at most a page; read it whole in one call when
     it fits, as the kernel renders it at once.  It is read on the stack
     and copied to its size: a listing keeps every device's text.  */
  char first[8192];
  char *heap = NULL;            /* once it does not fit FIRST */
  size_t size = sizeof first, len = 0;
  int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

  if (fd_out != NULL)
    *fd_out = -1;
  if (fd < 0)
    return NULL;
  for (;;)
    {
      char *buf = heap != NULL ? heap : first;
      ssize_t n = read (fd, buf + len, size - len - 1);
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
  if (fd_out != NULL)
    *fd_out = fd;
  else
    close (fd);
  {
    char *buf = heap != NULL ? heap : first;
    if (len > 0 && buf[len - 1] == '\n')
      len--;
    buf[len] = '\0';
  }
  return heap != NULL ? heap : xmemdup (first, len + 1);
}

char *
loop_read_attribute (int dirfd, const char *path)
{
  return read_attribute (dirfd, path, NULL);
}

/* read_attribute for SCAN: the descriptor goes to its batch.  */
static char *
scan_read_attribute (struct loop_scan *scan, int dirfd, const char *path)
{
  int fd;
  char *text = read_attribute (dirfd, path, &fd);

  fd_batch_add (&scan->attr_fds, fd);
  return text;
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
loop_scan_open (void)
{
  return loop_scan_open_dirs (&kernel_dirs);
}

struct loop_scan *
loop_scan_open_dirs (const struct loop_scan_dirs *dirs)
{
  struct loop_scan *scan = xzalloc (sizeof *scan);
  struct stat st;

  scan->dev_subdir = stat (dirs->dev_loop, &st) == 0 && S_ISDIR (st.st_mode);
  scan->virtual_dir = -1;
  scan->minor_shift = -1;
  scan->dev_dir = open (scan->dev_subdir ? dirs->dev_loop : dirs->dev,
                        O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (stat (dirs->sys_block, &st) == 0 && S_ISDIR (st.st_mode))
    {
      struct statfs fs;

      scan->sysblock = opendir (dirs->sys_block);
      scan->genuine = (scan->sysblock != NULL
                       && (dirs->sysfs >= 0 ? dirs->sysfs
                           : (fstatfs (dirfd (scan->sysblock), &fs) == 0
                              && fs.f_type == SYSFS_MAGIC)));
      if (scan->genuine && dirs->virtual_block != NULL)
        scan->virtual_dir = open (dirs->virtual_block,
                                  O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
  else
    scan->partitions = fopen (dirs->partitions, "re");
  if (scan->sysblock == NULL && scan->partitions == NULL)
    {
      int e = errno;
      if (scan->dev_dir >= 0)
        close (scan->dev_dir);
      free (scan);
      errno = e;
      return NULL;
    }
  scan->sys_dev_block = xstrdup (dirs->sys_dev_block);
  return scan;
}

void
loop_scan_close (struct loop_scan *scan)
{
  if (scan == NULL)
    return;
  fd_batch_close (&scan->attr_fds);
  if (scan->sysblock)
    closedir (scan->sysblock);
  if (scan->partitions)
    fclose (scan->partitions);
  if (scan->virtual_dir >= 0)
    close (scan->virtual_dir);
  if (scan->dev_dir >= 0)
    close (scan->dev_dir);
  free (scan->sys_dev_block);
  free (scan);
}

void
loop_scan_set_version (struct loop_scan *scan, unsigned int (*version) (void))
{
  scan->version = version;
}

int
loop_scan_dev_fd (const struct loop_scan *scan)
{
  return scan->dev_dir;
}

/* Returns true when FACT holds for the util-linux release SCAN follows.  */
static bool
rule (const struct loop_scan *scan, enum ul_fact fact)
{
  return ul_has (scan->version != NULL ? scan->version () : UL_VERSION_UNKNOWN,
                 fact);
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
loop_read_info (int dev_fd, struct loop_facts *f, int *fd_out)
{
  struct loop_info64 info;
  int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
  int fd = (dev_fd >= 0 ? openat (dev_fd, node_name (f), flags)
            : open (f->device, flags));

  *fd_out = fd;
  f->info.valid = false;
  if (fd < 0)
    return false;
  /* Zeroed first: tools that do not know this ioctl (valgrind 3.19) would
     take every byte of the answer for uninitialised.  */
  memset (&info, 0, sizeof info);
  if (ioctl (fd, LOOP_GET_STATUS64, &info) != 0)
    return false;               /* ENXIO: detached meanwhile; ENOTTY ... */
  /* The node was proven to be this device; facts of another (a node
     replaced meanwhile) are never taken.  */
  if (info.lo_number != f->entry_number)
    return false;
  loop_copy_name (f->info.file_name, info.lo_file_name);
  f->info.dev = loop_decode_dev (info.lo_device);
  f->info.ino = info.lo_inode;
  f->number = info.lo_number;
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
  text = scan_read_attribute (scan, dirfd (scan->sysblock), path);
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
  char *attr = xasprintf ("%s/%u:%u/loop/backing_file", scan->sys_dev_block,
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
   stat() of the node alone.  Returns true when it is listed; *TEXT is
   then the text to print (replaced when the node is another device).
   Sets F->proven when the node is the entry's own block device, F->lost
   when the node could not be looked at.

   util-linux takes the number of the device it reports from the node,
   whatever it is, and reads that device's sysfs entry; before 2.40 only
   a block node of major 7 is looked at (is_loopdev), and a node that
   cannot be looked at drops the entry; from 2.40 on any node gives its
   number, and one that cannot be looked at is "lost", with the entry's
   own number.  A node that is not a bound loop device (a partition, a
   minor with no device) leaves the entry out.  */
static bool
judge_node (struct loop_scan *scan, struct loop_facts *f, const char *name,
            char **text)
{
  struct stat st;
  int err = stat_node (scan, f, &st);
  bool loop_block;
  long own;

  if (err != 0)
    {
      /* losetup finds the number of a /dev/loop/N device nowhere.  */
      if (scan->dev_subdir || !rule (scan, UL_LOST_ROWS))
        return false;
      f->lost = true;
      return true;
    }
  loop_block = S_ISBLK (st.st_mode) && major (st.st_rdev) == LOOP_MAJOR;
  if (!loop_block && !rule (scan, UL_NODE_ANY_TYPE))
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

/* The kernel's /sys/block: entry NAME.  Returns true when the device is
   listed, with F filled and *TEXT the malloc'd text to print (NULL:
   unreadable); false when it is passed over.  */
static bool
facts_from_genuine (struct loop_scan *scan, struct loop_facts *f,
                    const char *name, char **text)
{
  char path[NAME_MAX + sizeof "/loop/backing_file"];
  struct stat st;

  *text = NULL;
  if (!is_loop_name (name))
    return false;
  snprintf (path, sizeof path, "%s/loop/backing_file", name);
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
    *text = scan_read_attribute (scan, dirfd (scan->sysblock), path);
  if ((*text == NULL && unbound (errno)) || !set_device (scan, f, name)
      || !judge_node (scan, f, name, text))
    {
      free (*text);
      *text = NULL;
      return false;
    }
  return true;
}

/* Anything else mounted on /sys/block: losetup's procedure, step by step
   (the entry's loop/backing_file is looked at, not read, first).
   Returns as facts_from_genuine.  */
static bool
facts_from_other (struct loop_scan *scan, struct loop_facts *f,
                  const char *name, char **text)
{
  char path[NAME_MAX + sizeof "/loop/backing_file"];
  struct stat st;

  *text = NULL;
  if (strncmp (name, "loop", 4) != 0)
    return false;
  snprintf (path, sizeof path, "%s/loop/backing_file", name);
  if (fstatat (dirfd (scan->sysblock), path, &st, 0) != 0
      || !set_device (scan, f, name))
    return false;
  *text = scan_read_attribute (scan, dirfd (scan->sysblock), path);
  if ((*text == NULL && unbound (errno)) || !judge_node (scan, f, name, text)
      || (*text == NULL && f->lost))
    {
      free (*text);
      *text = NULL;
      return false;
    }
  return true;
}

static bool
next_from_sysfs (struct loop_scan *scan, struct loop_facts *f)
{
  struct dirent *d;

  while ((d = readdir (scan->sysblock)) != NULL)
    {
      char *text;

      if (!(scan->genuine ? facts_from_genuine (scan, f, d->d_name, &text)
            : facts_from_other (scan, f, d->d_name, &text)))
        {
          memset (f, 0, sizeof *f);
          continue;
        }
      if (text != NULL && *text == '\0')
        {
          free (text);
          text = NULL;          /* losetup prints an empty cell */
        }
      f->sysfs_path = text;
      return true;
    }
  return false;
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
      int fd;

      memset (f, 0, sizeof *f);
      if (sscanf (line, " %u %u %*s %128[^\n ]", &maj, &min, name) != 3
          || maj != LOOP_MAJOR || !is_loop_name (name)
          || !set_device (scan, f, name) || stat_node (scan, f, &st) != 0
          || !S_ISBLK (st.st_mode) || st.st_rdev != makedev (maj, min))
        continue;
      loop_read_info (scan->dev_dir, f, &fd);
      if (fd >= 0)
        close (fd);
      if (!f->info.valid)
        continue;
      memcpy (f->marked_name, f->info.file_name, LO_NAME_SIZE);
      f->marked_name[LO_NAME_SIZE - 2] = '*';
      f->marked_name[LO_NAME_SIZE - 1] = '\0';
      f->from_partitions = true;
      return true;
    }
  return false;
}

bool
loop_scan_next (struct loop_scan *scan, struct loop_facts *f)
{
  memset (f, 0, sizeof *f);
  if (scan->sysblock != NULL)
    return next_from_sysfs (scan, f);
  return next_from_partitions (scan, f);
}
