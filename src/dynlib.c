/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dynlib.c -- load a shared library's functions on demand.

   libsmartcols and libmount are needed by the listing only: opened here
   when it needs them, they cost nothing to the calls handed over to the
   original losetup.  */

#include "system.h"

#include "dynlib.h"

#include <dlfcn.h>

/* Opens SONAME with dlopen() and stores the address of each of the N
   functions in SYMS in its slot.  Returns the handle, or NULL when the
   library or a function is missing, with dlerror()'s reason in *WHY.  */
static void *
load (const char *soname, const struct dynlib_sym *syms, size_t n,
      const char **why)
{
  void *h = dlopen (soname, RTLD_NOW | RTLD_LOCAL);

  if (h == NULL)
    {
      *why = dlerror ();
      return NULL;
    }
  for (size_t i = 0; i < n; i++)
    if ((*syms[i].slot = dlsym (h, syms[i].name)) == NULL)
      {
        /* Not closed: dlclose would free the reason.  */
        *why = dlerror ();
        return NULL;
      }
  return h;
}

bool
dynlib_open (struct dynlib *lib, const char **why)
{
  if (lib->handle == NULL)
    lib->handle = load (lib->soname, lib->syms, lib->n, why);
  return lib->handle != NULL;
}
