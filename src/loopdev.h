/* SPDX-License-Identifier: GPL-3.0-or-later */
/* loopdev.h -- what the kernel says about the loop devices in use.  */

#ifndef LC_LOOPDEV_H
#define LC_LOOPDEV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/loop.h>

#include "loopinfo.h"

/* The facts about one bound loop device.  */
struct loop_facts
{
  /* "/dev/loop7", or "/dev/loop/7" where /dev/loop is a directory.  */
  char device[sizeof "/dev/loop/" + 256];
  /* loop/backing_file as sysfs renders it for this process, less its
     final newline; NULL when it could not be read or was empty.  */
  char *sysfs_path;
  /* The node was proven, with stat() alone, to be the very block device
     that the /sys/block entry names (major 7, that entry's minor): it may
     be opened (loop_read_info).  Any other node is never opened.  */
  bool proven;
  /* Without /sys/block: the text is the ioctl name (marked_name).  */
  bool from_partitions;
  struct loop_info_facts info;  /* what LOOP_GET_STATUS64 said */
  uint32_t number;              /* lo_number: which loop device answered */
  uint32_t entry_number;        /* N of the entry loopN */
  /* The device's /dev/loopN node is missing or cannot be looked at
     (listed from util-linux 2.40 on, as "/dev/loopN (lost)").  Never set
     for /dev/loop/N nodes: such a device is passed over.  */
  bool lost;
  char marked_name[LO_NAME_SIZE];       /* storage for losetup_text */
};

struct loop_scan;

/* Starts a scan of the loop devices in use, from /sys/block (or from
   /proc/partitions where there is no /sys/block, as losetup does).
   Returns NULL after setting errno when neither can be read.  */
struct loop_scan *loop_scan_open (void);

/* Where a scan looks, for the unit tests: loop_scan_open uses the
   kernel's own places.  */
struct loop_scan_dirs
{
  const char *sys_block;        /* "/sys/block" */
  const char *virtual_block;    /* "/sys/devices/virtual/block", or NULL */
  const char *dev;              /* "/dev" */
  const char *dev_loop;         /* "/dev/loop" */
  const char *sys_dev_block;    /* "/sys/dev/block" */
  const char *partitions;       /* "/proc/partitions" */
  /* 1: read sys_block as the kernel's sysfs, 0: as anything else;
     -1: ask its file system (what loop_scan_open does).  */
  int sysfs;
};

/* loop_scan_open over the places in DIRS.  Device names in loop_facts
   still start with "/dev/".  */
struct loop_scan *loop_scan_open_dirs (const struct loop_scan_dirs *dirs);

/* Fills *F with the next bound device and returns true, or returns false
   at the end.  Devices that are unbound, vanish mid-scan or whose /dev
   node is not a loop device are passed over silently; a missing node
   sets F->lost.  F->sysfs_path is malloc'd: the caller frees it.  No
   node is opened, except without /sys/block (where the ioctl is the only
   source of the text, as for losetup), and then only a node that stat()
   shows to be the device /proc/partitions names.  */
bool loop_scan_next (struct loop_scan *scan, struct loop_facts *f);

/* Makes SCAN follow the util-linux release that VERSION returns (a
   UL_VERSION value, asked for only when a node is not the device its
   entry names) for nodes that are missing or another device.  Without
   it, the newest release's rules apply.  */
void loop_scan_set_version (struct loop_scan *scan,
                            unsigned int (*version) (void));

/* Returns the directory SCAN opens nodes in (/dev or /dev/loop), or -1:
   nodes are then opened by their full name.  */
int loop_scan_dev_fd (const struct loop_scan *scan);

/* Asks the kernel for the loop_info64 of F's node (F->proven must be
   set), opening it relative to DEV_FD (-1: by its full name), and fills
   F->info (and F->number).  May block as long as the backing
   file's file system does not answer.  The node's descriptor is stored
   in *FD (-1 when none) for the caller to close, so that closes can be
   batched (fdbatch.h).  Returns true when the kernel answered for F's
   own device.  */
bool loop_read_info (int dev_fd, struct loop_facts *f, int *fd);

/* Returns what losetup prints for F when the path is not corrected: the
   sysfs text, or without sysfs the ioctl name with losetup's '*' mark,
   or NULL (an empty cell).  Points into F.  */
const char *loop_losetup_text (const struct loop_facts *f);

void loop_scan_close (struct loop_scan *scan);

/* Decodes the kernel's 32-bit "huge" device number encoding used for
   lo_device.  */
dev_t loop_decode_dev (uint64_t encoded);

/* Copies the 64-byte lo_file_name RAW into OUT (LO_NAME_SIZE + 1 bytes)
   with a terminating NUL, whether or not RAW had one; returns its length.  */
size_t loop_copy_name (char *out, const unsigned char *raw);

/* Reads a whole sysfs-style attribute at PATH relative to DIRFD, less one
   final newline.  Returns a malloc'd string (NULL with errno set on error;
   an empty string when the attribute is empty).  Never blocks (a FIFO put
   in its place reads as an error) and stops, with EFBIG, at a bound far
   above any attribute's size, whatever stands at PATH.  */
char *loop_read_attribute (int dirfd, const char *path);

#endif /* LC_LOOPDEV_H */
