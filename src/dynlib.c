/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dynlib.c -- load a shared library's functions on demand.

   libsmartcols and libmount are needed by the listing only: opened here
   when it needs them, they cost nothing to the calls handed over to the
   original losetup.  */

#include "system.h"

#include "dynlib.h"

#include <dlfcn.h>

bool
dynlib_open (struct dynlib *lib, const char **why)
{
  void *h;

  if (lib->handle != NULL)
    return true;
  h = dlopen (lib->soname, RTLD_NOW | RTLD_LOCAL);
  for (size_t i = 0; h != NULL && i < lib->n; i++)
    if ((*lib->syms[i].slot = dlsym (h, lib->syms[i].name)) == NULL)
      h = NULL;                 /* not closed: dlclose would free the reason */
  if (h == NULL)
    *why = dlerror ();
  lib->handle = h;
  return h != NULL;
}
