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
  uint32_t entry_number;        /* N of the entry loopN */
  /* The device's /dev/loopN node is missing or cannot be looked at
     (listed from util-linux 2.40 on, as "/dev/loopN (lost)").  Never set
     for /dev/loop/N nodes: such a device is passed over.  */
  bool lost;
  char marked_name[LO_NAME_SIZE];       /* storage for losetup_text */
};

struct loop_scan;

/* Starts a scan of the loop devices in use, from /sys/block (or from
   /proc/partitions where there is no /sys/block, as losetup does), by
   the rules of util-linux VERSION (a UL_VERSION value of ulversions.h)
   for nodes that are missing or another device.  Returns NULL after
   setting errno when neither can be read.  */
struct loop_scan *loop_scan_open (unsigned int version);

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

/* loop_scan_open over the places in DIRS, which must outlive the scan.
   Device names in loop_facts still start with "/dev/".  */
struct loop_scan *loop_scan_open_dirs (const struct loop_scan_dirs *dirs,
                                       unsigned int version);

/* Returns the name of the next /sys/block entry that may be a loop
   device ("loop7"), valid until the next call, or NULL at the end (errno
   0), on an error (errno set), and when SCAN reads /proc/partitions.  */
const char *loop_scan_next_name (struct loop_scan *scan);

/* Fills *F for the /sys/block entry NAME (one loop_scan_next_name
   returned).  Returns 1 when util-linux lists it, 0 when it passes it
   over (unbound, vanished mid-scan, a node that is not a bound loop
   device; a missing node sets F->lost), or -errno when the system ran
   short of descriptors or memory: nothing is known of the entry then.
   F->sysfs_path is malloc'd: the caller frees it.  No node is opened.  */
int loop_scan_entry (struct loop_scan *scan, const char *name,
                     struct loop_facts *f);

/* Fills *F with the next bound device and returns 1, or returns 0 at the
   end or -errno as loop_scan_entry.  Without /sys/block (where the ioctl
   is the only source of the text, as for losetup) a node is opened, and
   only one that stat() shows to be the device /proc/partitions names.  */
int loop_scan_next (struct loop_scan *scan, struct loop_facts *f);

/* Returns true when ERR says that the system ran short of descriptors
   or memory (EMFILE, ENFILE, ENOMEM): nothing is known of what was to be
   read, which must never be taken for "no device".  */
bool loop_shortage (int err);

/* In a child process whose descriptors were closed: opens again the
   directories SCAN works through.  */
void loop_scan_reopen (struct loop_scan *scan);

/* Asks the kernel for the loop_info64 of F's node (F->proven must be
   set), opened in SCAN's /dev for that one call, and fills F->info.  May
   block as long as the backing file's file system does not answer.
   Returns true when the kernel answered for F's own device.  */
bool loop_read_info (const struct loop_scan *scan, struct loop_facts *f);

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
