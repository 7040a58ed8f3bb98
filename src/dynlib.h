/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dynlib.h -- load a shared library's functions on demand.  */

#ifndef LC_DYNLIB_H
#define LC_DYNLIB_H

#include <stddef.h>

/* One function to look up: its name in the library, and the pointer that
   receives its address.  Write entries with DYNLIB_SYM, never by hand.  */
struct dynlib_sym
{
  void **slot;
  const char *name;
};

/* DYNLIB_SYM (SLOT, FN) is the entry for the library function FN, whose
   declaration must be in scope: its name is FN spelt out, and its address
   goes to SLOT, which must be a pointer to a function of FN's very type
   (anything else is a compile-time error, a negative array size).  */
#define DYNLIB_SYM(slot, fn) \
  { (void **) &(slot) + DYNLIB_SAME_TYPE_ (slot, &(fn)), #fn }

/* 0 when A and B have compatible types; does not compile otherwise.
   GCC and Clang only: __builtin_types_compatible_p and __typeof__ are
   their extensions.  */
#define DYNLIB_SAME_TYPE_(a, b) \
  (0 * sizeof (char[__builtin_types_compatible_p (__typeof__ (a), \
                                                   __typeof__ (b)) ? 1 : -1]))

/* Opens SONAME with dlopen() and stores the address of each of the N
   functions in SYMS in its slot.  Returns the handle (the library stays
   loaded until dlclose), or NULL when the library or a function is
   missing, with dlerror()'s reason in *WHY.  */
void *dynlib_load (const char *soname, const struct dynlib_sym *syms,
                   size_t n, const char **why);

#endif /* LC_DYNLIB_H */
