/* SPDX-License-Identifier: GPL-3.0-or-later */
/* loopdev.c -- the kernel interface: sysfs, /dev/loopN and LOOP_GET_STATUS64.

   The scan follows util-linux losetup's own rules, so that the set and the
   order of the devices listed are the ones losetup lists: entries of
   /sys/block in readdir order that have a loop/backing_file and a /dev node
   that is a loop device, the text read for the device of that node.

   A bound device whose node is missing is reported as lost (util-linux
   lists it so from 2.40 on; the caller decides by version).

   When /sys/block is the kernel's own sysfs, its entries are what they
   say: the text is read from the entry and the ioctl on the node tells
   (lo_number) whether the node is that device, seven system calls in all
   with the one stat of the resolver.  Anything else mounted there (a test
   rig, a hostile container) gets losetup's own, slower procedure: look at
   the entry, stat the node, read the text of the node's device through
   /sys/dev/block.  */

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
  bool virtual_seen;            /* a device was read there: the layout holds */
  int dev_dir;                  /* /dev (or /dev/loop) for the nodes, or -1 */
  char *sys_dev_block;          /* "/sys/dev/block", owned */
  char *sysfs_path;             /* owned; handed out in loop_facts */
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

char *
loop_read_attribute (int dirfd, const char *path)
{
  /* A sysfs attribute is at most a page; read it whole in one call when
     it fits, as the kernel renders it at once.  */
  size_t size = 8192, len = 0;
  char *buf;
  int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

  if (fd < 0)
    return NULL;
  buf = xmalloc (size);
  for (;;)
    {
      ssize_t n = read (fd, buf + len, size - len - 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 || len + n >= LOOP_ATTRIBUTE_MAX)
        {
          int e = n < 0 ? errno : EFBIG;
          close (fd);
          free (buf);
          errno = e;
          return NULL;
        }
      len += n;
      if (n == 0 || len < size - 1)
        break;
      buf = x2realloc (buf, &size);
    }
  close (fd);
  if (len > 0 && buf[len - 1] == '\n')
    len--;
  buf[len] = '\0';
  return buf;
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
  if (scan->sysblock)
    closedir (scan->sysblock);
  if (scan->partitions)
    fclose (scan->partitions);
  if (scan->virtual_dir >= 0)
    close (scan->virtual_dir);
  if (scan->dev_dir >= 0)
    close (scan->dev_dir);
  free (scan->sys_dev_block);
  free (scan->sysfs_path);
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
   names it: /dev/NAME, or /dev/loop/ and what follows "loop".  Returns
   false when there is no such name (losetup passes the entry over).  */
static bool
set_device (const struct loop_scan *scan, struct loop_facts *f,
            const char *name)
{
  if (scan->dev_subdir && strlen (name) < 5)
    return false;
  snprintf (f->device, sizeof f->device, "%s%s",
            scan->dev_subdir ? "/dev/loop/" : "/dev/",
            scan->dev_subdir ? name + 4 : name);
  return true;
}

/* Returns the name of F->device's node within SCAN's dev_dir: what
   follows the last '/'.  */
static const char *
node_name (const struct loop_facts *f)
{
  return strrchr (f->device, '/') + 1;
}

/* Returns true when the node F->device is a loop block device (losetup's
   test before it lists a device), looking at it with stat only, relative
   to SCAN's /dev (which spares a path walk); fills *ST.  *ERR is stat's
   errno value, or 0 when the node was looked at.  */
static bool
node_is_loop (const struct loop_scan *scan, const struct loop_facts *f,
              struct stat *st, int *err)
{
  int rc = (scan->dev_dir >= 0 ? fstatat (scan->dev_dir, node_name (f), st, 0)
            : stat (f->device, st));

  *err = rc == 0 ? 0 : errno;
  return rc == 0 && S_ISBLK (st->st_mode) && major (st->st_rdev) == LOOP_MAJOR;
}

/* Returns true when ERR, from looking at a node, means it is missing.  */
static bool
node_missing (int err)
{
  return err == ENOENT || err == ENOTDIR;
}

/* Asks the kernel for F->device's loop_info64.  Returns true when the
   device is listed, with has_info set when the kernel answered: a node
   that cannot be opened (permissions) leaves it false, as does a missing
   /dev/loopN node, which sets F->lost.  Returns false when the device is
   passed over: a missing /dev/loop/N node, a node that is not a loop
   device, or a device unbound by now.  CHECKED says the node was already
   found to be a loop device.  The node is opened relative to SCAN's
   /dev, which spares a path walk per device.  */
static bool
read_info (const struct loop_scan *scan, struct loop_facts *f, bool checked)
{
  struct loop_info64 info;
  struct stat st;
  int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
  int fd = (scan->dev_dir >= 0 ? openat (scan->dev_dir, node_name (f), flags)
            : open (f->device, flags));
  int rc, err;

  f->has_info = false;
  if (fd < 0 && node_missing (errno))
    {
      f->lost = !scan->dev_subdir;
      return f->lost;
    }
  if (fd < 0)
    return checked || node_is_loop (scan, f, &st, &err);
  /* Zeroed first: tools that do not know this ioctl (valgrind 3.19) would
     take every byte of the answer for uninitialised.  */
  memset (&info, 0, sizeof info);
  rc = ioctl (fd, LOOP_GET_STATUS64, &info);
  close (fd);
  if (rc != 0)
    return false;               /* ENXIO: detached meanwhile; ENOTTY ... */
  loop_copy_name (f->file_name, info.lo_file_name);
  f->backing_dev = loop_decode_dev (info.lo_device);
  f->backing_ino = info.lo_inode;
  f->number = info.lo_number;
  f->has_info = true;
  return true;
}

/* Returns true when ERR, from reading loop/backing_file, means the device
   is not bound (or no longer).  */
static bool
unbound (int err)
{
  return err == ENOENT || err == ENODEV || err == ENXIO;
}

/* The kernel's /sys/block: entry NAME is loop device number N.  Returns
   true when the device is listed, with F filled and *TEXT the malloc'd
   text of the device the node NAME stands for (NULL: unreadable); false
   when it is passed over.  */
static bool
facts_from_genuine (struct loop_scan *scan, struct loop_facts *f,
                    const char *name, char **text)
{
  char path[NAME_MAX + sizeof "/loop/backing_file"];

  *text = NULL;
  if (!is_loop_name (name))
    return false;
  snprintf (path, sizeof path, "%s/loop/backing_file", name);
  /* The kernel's loop entries link to /sys/devices/virtual/block/NAME:
     read there.  Until a device has been found there, "not there" may
     mean another layout, so look through the link as well.  */
  if (scan->virtual_dir >= 0)
    {
      *text = loop_read_attribute (scan->virtual_dir, path);
      if (*text != NULL || errno != ENOENT)
        scan->virtual_seen = true;
    }
  if (scan->virtual_dir < 0
      || (*text == NULL && errno == ENOENT && !scan->virtual_seen))
    *text = loop_read_attribute (dirfd (scan->sysblock), path);
  if ((*text == NULL && unbound (errno)) || !set_device (scan, f, name)
      || !read_info (scan, f, false))
    goto skip;
  if (f->has_info && f->number != strtoul (name + 4, NULL, 10))
    {
      /* The node is another loop device's: losetup shows that one's.  */
      free (*text);
      snprintf (path, sizeof path, "loop%" PRIu32 "/loop/backing_file",
                f->number);
      *text = loop_read_attribute (dirfd (scan->sysblock), path);
      if (*text == NULL && unbound (errno))
        goto skip;
    }
  return true;
 skip:
  free (*text);
  *text = NULL;
  return false;
}

/* For a device whose node is missing, stores in *ST's st_rdev the device
   number that /sys/block/NAME/dev gives, as losetup finds it.  Returns
   false when there is none (the device is then passed over).  */
static bool
lost_devno (const struct loop_scan *scan, const char *name, struct stat *st)
{
  char path[NAME_MAX + sizeof "/dev"];
  unsigned int maj, min;
  char *text;
  bool ok;

  snprintf (path, sizeof path, "%s/dev", name);
  text = loop_read_attribute (dirfd (scan->sysblock), path);
  ok = text != NULL && sscanf (text, "%u:%u", &maj, &min) == 2
       && (maj != 0 || min != 0);
  free (text);
  if (ok)
    st->st_rdev = makedev (maj, min);
  return ok;
}

/* Anything else mounted on /sys/block: losetup's procedure, step by step.
   Returns as facts_from_genuine.  */
static bool
facts_from_other (struct loop_scan *scan, struct loop_facts *f,
                  const char *name, char **text)
{
  char path[NAME_MAX + sizeof "/loop/backing_file"];
  char *attr;
  struct stat st;
  int err;

  *text = NULL;
  if (strncmp (name, "loop", 4) != 0)
    return false;
  snprintf (path, sizeof path, "%s/loop/backing_file", name);
  if (fstatat (dirfd (scan->sysblock), path, &st, 0) != 0
      || !set_device (scan, f, name))
    return false;
  if (!node_is_loop (scan, f, &st, &err))
    {
      /* Lost: the device number comes from sysfs, the node is not read.  */
      if (scan->dev_subdir || !node_missing (err)
          || !lost_devno (scan, name, &st))
        return false;
      f->lost = true;
    }
  attr = xasprintf ("%s/%u:%u/loop/backing_file", scan->sys_dev_block,
                    major (st.st_rdev), minor (st.st_rdev));
  *text = loop_read_attribute (AT_FDCWD, attr);
  err = errno;                  /* the read's, whatever free does to it */
  free (attr);
  if ((*text == NULL && (unbound (err) || f->lost))
      || (!f->lost && !read_info (scan, f, true)))
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
        continue;
      free (scan->sysfs_path);
      if (text != NULL && *text == '\0')
        {
          free (text);
          text = NULL;          /* losetup prints an empty cell */
        }
      scan->sysfs_path = text;
      f->sysfs_path = text;
      f->losetup_text = text;
      return true;
    }
  return false;
}

/* Without /sys/block losetup finds devices in /proc/partitions and prints
   the ioctl name, its 63rd byte replaced by '*'.  */
static bool
next_from_partitions (struct loop_scan *scan, struct loop_facts *f)
{
  char line[512];

  while (fgets (line, sizeof line, scan->partitions) != NULL)
    {
      unsigned int maj;
      char name[129];

      if (sscanf (line, " %u %*s %*s %128[^\n ]", &maj, name) != 2
          || maj != LOOP_MAJOR || !is_loop_name (name))
        continue;
      if (!set_device (scan, f, name) || !read_info (scan, f, false)
          || !f->has_info)
        continue;
      memcpy (f->marked_name, f->file_name, LO_NAME_SIZE);
      f->marked_name[LO_NAME_SIZE - 2] = '*';
      f->marked_name[LO_NAME_SIZE - 1] = '\0';
      f->sysfs_path = NULL;
      f->losetup_text = f->marked_name;
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
