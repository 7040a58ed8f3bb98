/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dynlib.h -- load a shared library's functions on demand.  */

#ifndef LC_DYNLIB_H
#define LC_DYNLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One function to look up: its name in the library, and the pointer that
   receives its address (entries made by DYNLIB_FUNCTIONS only).  */
struct dynlib_sym
{
  void **slot;
  const char *name;
};

/* DYNLIB_FUNCTIONS (SYMS, FUNCTIONS), at file scope, defines
   DYNLIB_API, a static struct with one member for each library function
   that the list FUNCTIONS names, and SYMS, the static table of entries
   that fills them, for DYNLIB_INIT.  FUNCTIONS is a macro (X) that
   expands to X (NAME) for each function: the member NAME points to the
   function DYNLIB_PREFIX##NAME, of its very type, taken from its
   declaration, which must be in scope (__typeof__, a GCC and Clang
   extension), so that no call through it can go unchecked.  Define
   DYNLIB_API (the struct's name) and DYNLIB_PREFIX (the library's
   prefix) before, once in a file.  */
#define DYNLIB_FUNCTIONS(syms, functions) \
  static struct \
  { \
    functions (DYNLIB_MEMBER_) \
  } DYNLIB_API; \
  static const struct dynlib_sym syms[] = { functions (DYNLIB_ENTRY_) }
#define DYNLIB_MEMBER_(name) \
  __typeof__ (DYNLIB_CAT_ (DYNLIB_PREFIX, name)) *name;
/* Through DYNLIB_ENTRY2_, whose arguments are expanded before they are
   used: the library's name of the function is spelt out whole.  */
#define DYNLIB_ENTRY_(name) \
  DYNLIB_ENTRY2_ (DYNLIB_API, DYNLIB_CAT_ (DYNLIB_PREFIX, name), name)
#define DYNLIB_ENTRY2_(api, fn, name) { (void **) &api.name, DYNLIB_STR_ (fn) },
#define DYNLIB_STR_(fn) #fn

/* DYNLIB_NOTE (FEATURE, DESCRIPTION, PRIORITY, SONAME), at file scope,
   records in the program's ".note.dlopen" section that it may dlopen
   SONAME (the package-notes specification's "ELF dlopen metadata"), so
   that packaging tools add the library to the package's dependencies as
   they do for libraries linked.  PRIORITY is "required", "recommended"
   or "suggested"; all four are string literals without '"' or '\\'.
   Write the note next to the dlopen of SONAME, once for each library.  */
#define DYNLIB_NOTE(feature, description, priority, soname) \
  DYNLIB_NOTE_AT_ (DYNLIB_CAT_ (dynlib_note_, __LINE__), \
                   "[{\"feature\":\"" feature "\",\"description\":\"" \
                   description "\",\"priority\":\"" priority \
                   "\",\"soname\":[\"" soname "\"]}]")

/* The ELF note itself: a header of three 32-bit words (the sizes of the
   owner and of the text, the type), then the owner and the text, each
   NUL-terminated and padded to four bytes.  */
#define DYNLIB_NOTE_AT_(var, json) \
  __attribute__ ((used, section (".note.dlopen"), aligned (4))) \
  static const struct \
  { \
    uint32_t namesz, descsz, type; \
    char name[4]; \
    char desc[(sizeof json + 3) / 4 * 4]; \
  } var = { sizeof "FDO", sizeof json, 0x407c0c0a, "FDO", json }
#define DYNLIB_CAT_(a, b) DYNLIB_CAT2_ (a, b)
#define DYNLIB_CAT2_(a, b) a##b

/* A library loaded on demand, the one way both libraries are loaded:
   its soname and the functions to look up (write it with DYNLIB_INIT,
   at file scope, next to its DYNLIB_NOTE), and once loaded its handle,
   which is never closed.  */
struct dynlib
{
  const char *soname;
  const struct dynlib_sym *syms;
  size_t n;
  void *handle;                 /* NULL: not loaded */
};

/* The dynlib for SONAME whose functions are the entries of the array
   SYMS (made by DYNLIB_FUNCTIONS); not loaded.  */
#define DYNLIB_INIT(soname, syms) \
  { (soname), (syms), sizeof (syms) / sizeof *(syms), NULL }

/* Loads LIB unless it is loaded: opens its soname with dlopen() and
   stores the address of each function in its slot.  Returns true when
   LIB is loaded, or false, with dlerror()'s reason in *WHY, when the
   library or a function is missing (LIB is then not loaded).  */
bool dynlib_open (struct dynlib *lib, const char **why);
#endif /* LC_DYNLIB_H */
