/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dynlib.c -- load a shared library's functions on demand.

   libsmartcols and libmount are needed by the listing only: opened here
   when it needs them, they cost nothing to the calls handed over to the
   original losetup.  */

#include "system.h"

#include "dynlib.h"

#include <dlfcn.h>

void *
dynlib_load (const char *soname, const struct dynlib_sym *syms, size_t n,
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
        *why = dlerror ();
        dlclose (h);
        return NULL;
      }
  return h;
}
