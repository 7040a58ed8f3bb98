/* SPDX-License-Identifier: GPL-3.0-or-later */
/* elfneeds.h -- does a program file name a shared library it needs.

   Reads the little of an ELF file that says which shared libraries the
   dynamic loader must load for it (its DT_NEEDED entries): the file
   header, the program headers, the dynamic section and the names.  Both
   classes (32 and 64 bits) and both byte orders are read, whatever the
   machine this runs on.  Every offset and size comes from the file, so
   each is checked against bounds before use: a file that does not read
   as a dynamically linked ELF program names nothing.  */

#ifndef LC_ELFNEEDS_H
#define LC_ELFNEEDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Reads up to LEN bytes at offset OFF of the file DATA stands for into
   BUF; returns the count read (short at the end), or -1.  */
typedef ssize_t elf_read_fn (void *data, void *buf, size_t len,
                             uint64_t off);

/* Returns true when the file that READ reads (given DATA) is an ELF
   program or library whose dynamic section names SONAME among the
   libraries it needs; false when it does not, when it is no ELF file,
   when it is linked statically, and when it cannot be read.  */
bool elf_needs (elf_read_fn *read, void *data, const char *soname);

/* The same for the file open at FD, read with pread(), which leaves its
   offset alone.  */
bool elf_fd_needs (int fd, const char *soname);

#endif /* LC_ELFNEEDS_H */
