/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dynlib.h -- load a shared library's functions on demand.  */

#ifndef LC_DYNLIB_H
#define LC_DYNLIB_H

#include <stddef.h>

/* Opens SONAME with dlopen() and stores the address of each of the N
   functions named in NAMES at the same index of SLOTS.  Returns the
   handle (the library stays loaded until dlclose), or NULL when the
   library or a function is missing, with dlerror()'s reason in *WHY.  */
void *dynlib_load (const char *soname, const char *const *names, size_t n,
                   void **slots, const char **why);

#endif /* LC_DYNLIB_H */
