/* SPDX-License-Identifier: GPL-3.0-or-later */
/* original.h -- find the util-linux losetup and hand a call over to it.  */

#ifndef LC_ORIGINAL_H
#define LC_ORIGINAL_H

/* The number of calls handed over so far, in this chain of execs: set
   here before every hand-over, read when the chain comes back (an
   original that is a script or a shim may run this program again).  */
#define ENV_HOPS "LOSETUP_CONTAINER_HOPS"

/* The hand-overs allowed in one chain: a chain that comes back here once
   more than this is taken for a loop and stopped with 126.  */
#define MAX_HOPS 3

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
   Returns only when that cannot be done, after a message on stderr, with
   the status to exit with: EXIT_NOT_FOUND when none is found,
   EXIT_CANNOT_RUN when the one found cannot be run, is this program
   itself (named by LOSETUP_CONTAINER_ORIGINAL_LOSETUP, through any
   symbolic links), or the call has come back here MAX_HOPS times
   already (see ENV_HOPS).  */
int original_exec (char *const *argv);

#endif /* LC_ORIGINAL_H */
