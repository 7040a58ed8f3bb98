/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-elfneeds.c -- the libraries an ELF file needs, read from any
   bytes.  Properties: no crash nor sanitizer report; the same answer
   when the bytes come one per read; a name is only found when its bytes,
   with their NUL, are in the file.  */

#include <config.h>

#include <string.h>

#include "elfneeds.h"
#include "fuzz.h"

#define NAME "libsmartcols.so.1"

struct source
{
  const uint8_t *data;
  size_t size, step;
};

static ssize_t
read_bytes (void *data, void *buf, size_t len, uint64_t off)
{
  struct source *s = data;

  if (off >= s->size)
    return 0;
  if (len > s->size - off)
    len = s->size - off;
  if (s->step > 0 && len > s->step)
    len = s->step;
  memcpy (buf, s->data + off, len);
  return len;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct source whole = { data, size, 0 }, bytewise = { data, size, 1 };
  bool found = elf_needs (read_bytes, &whole, NAME);

  FUZZ_ASSERT (found == elf_needs (read_bytes, &bytewise, NAME));
  if (found)
    FUZZ_ASSERT (memmem (data, size, NAME, sizeof NAME) != NULL);
  return 0;
}
