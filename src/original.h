/* SPDX-License-Identifier: GPL-3.0-or-later */
/* original.h -- find the util-linux losetup and hand a call over to it.  */

#ifndef LC_ORIGINAL_H
#define LC_ORIGINAL_H

/* Exit statuses when no original can be run, as env(1) uses them.  */
enum
{
  EXIT_CANNOT_INVOKE = 126,
  EXIT_ENOENT = 127
};

/* Returns the places an original losetup is looked for when
   LOSETUP_CONTAINER_ORIGINAL_LOSETUP is unset or empty, in order, as a
   static list ending with NULL.  */
const char *const *original_default_paths (void);

/* Returns LOSETUP_CONTAINER_ORIGINAL_LOSETUP (owned by the environment)
   when it is set and not empty, otherwise NULL.  */
const char *original_named (void);

/* Returns the original losetup that would be run now: a static string
   or one owned by the environment, or NULL when there is none.  */
const char *original_find (void);

/* Replaces this process with the original losetup, ARGV unchanged.
   Returns only when that cannot be done, after a message on stderr,
   with the status to exit with (126 or 127).  */
int original_exec (char *const *argv);

#endif /* LC_ORIGINAL_H */
