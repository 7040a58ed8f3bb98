/* SPDX-License-Identifier: GPL-3.0-or-later */
/* loopinfo.h -- what LOOP_GET_STATUS64 says of a loop device's backing
   file: read by loopdev.c, and the facts that resolve.c proves a path
   with.  One type for both, so that the facts go from the one to the
   other as they are.  */

#ifndef LC_LOOPINFO_H
#define LC_LOOPINFO_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/loop.h>

struct loop_info_facts
{
  bool valid;                   /* the ioctl answered: the rest is set */
  char file_name[LO_NAME_SIZE + 1];     /* lo_file_name, NUL added */
  dev_t dev;                    /* lo_device, decoded */
  uint64_t ino;                 /* lo_inode */
};

#endif /* LC_LOOPINFO_H */
