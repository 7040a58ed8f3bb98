/* SPDX-License-Identifier: GPL-3.0-or-later */
/* loopdev.c -- the kernel interface: sysfs, /dev/loopN and LOOP_GET_STATUS64.

   The scan follows util-linux losetup's own rules, so that the set and the
   order of the devices listed are the ones losetup lists: entries of
   /sys/block in readdir order that have a loop/backing_file and a /dev node
   that is a loop device.  */

#include "system.h"

#include "loopdev.h"

#include <c-ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "xalloc.h"

#define LOOP_MAJOR 7

struct loop_scan
{
  DIR *sysblock;                /* NULL: scanning /proc/partitions */
  FILE *partitions;
  bool dev_subdir;              /* nodes are /dev/loop/N, not /dev/loopN */
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
  int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return NULL;
  buf = xmalloc (size);
  for (;;)
    {
      ssize_t n = read (fd, buf + len, size - len - 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int e = errno;
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

struct loop_scan *
loop_scan_open (void)
{
  struct loop_scan *scan = xzalloc (sizeof *scan);
  struct stat st;

  scan->dev_subdir = stat ("/dev/loop", &st) == 0 && S_ISDIR (st.st_mode);
  if (stat ("/sys/block", &st) == 0 && S_ISDIR (st.st_mode))
    scan->sysblock = opendir ("/sys/block");
  else
    scan->partitions = fopen ("/proc/partitions", "re");
  if (scan->sysblock == NULL && scan->partitions == NULL)
    {
      int e = errno;
      free (scan);
      errno = e;
      return NULL;
    }
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

/* Fills F->device for the kernel name NAME ("loop7").  */
static void
set_device (const struct loop_scan *scan, struct loop_facts *f,
            const char *name)
{
  snprintf (f->device, sizeof f->device, "%s%s",
            scan->dev_subdir ? "/dev/loop/" : "/dev/",
            scan->dev_subdir ? name + 4 : name);
}

/* Returns true when the node F->device is a loop block device (losetup's
   test before it lists a device), looking at it with stat only.  */
static bool
node_is_loop (const struct loop_facts *f)
{
  struct stat st;

  return (stat (f->device, &st) == 0 && S_ISBLK (st.st_mode)
          && major (st.st_rdev) == LOOP_MAJOR);
}

/* Asks the kernel for F->device's loop_info64.  Returns false when the
   device is to be passed over: no node, not a loop device, or unbound by
   now.  A node that cannot be opened (permissions) leaves has_info false
   and the device listed, as losetup lists it.  */
static bool
read_info (struct loop_facts *f)
{
  struct loop_info64 info;
  int fd = open (f->device, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  int rc;

  f->has_info = false;
  if (fd < 0)
    {
      f->info_errno = errno;
      return errno != ENOENT && errno != ENOTDIR && node_is_loop (f);
    }
  rc = ioctl (fd, LOOP_GET_STATUS64, &info);
  f->info_errno = rc == 0 ? 0 : errno;
  close (fd);
  if (rc != 0)
    return false;               /* ENXIO: detached meanwhile; ENOTTY ... */
  loop_copy_name (f->file_name, info.lo_file_name);
  f->backing_dev = loop_decode_dev (info.lo_device);
  f->backing_ino = info.lo_inode;
  f->has_info = true;
  return true;
}

static bool
next_from_sysfs (struct loop_scan *scan, struct loop_facts *f)
{
  int dfd = dirfd (scan->sysblock);
  struct dirent *d;

  while ((d = readdir (scan->sysblock)) != NULL)
    {
      char path[NAME_MAX + sizeof "/loop/backing_file"];
      char *text;

      if (!is_loop_name (d->d_name))
        continue;
      snprintf (path, sizeof path, "%s/loop/backing_file", d->d_name);
      text = loop_read_attribute (dfd, path);
      if (text == NULL && (errno == ENOENT || errno == ENODEV
                           || errno == ENXIO))
        continue;               /* unbound, or detached meanwhile */
      set_device (scan, f, d->d_name);
      if (!read_info (f))
        {
          free (text);
          continue;
        }
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
      set_device (scan, f, name);
      if (!read_info (f) || !f->has_info)
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
