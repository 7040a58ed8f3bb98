/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ulprobe.h -- which util-linux release is installed here.

   Kept apart from ulversions.c, whose table stays pure (the unit tests
   and the scripts' ul-has read it without loading any library).  */

#ifndef LC_ULPROBE_H
#define LC_ULPROBE_H

/* Returns the UL_RELEASE value of the util-linux release installed, as
   the libsmartcols beside losetup tells it, or UL_VERSION_UNKNOWN when
   the library does not load or its version does not read as one.  Asks
   the library the first time only.  */
unsigned int ul_installed_version (void);

#endif /* LC_ULPROBE_H */
