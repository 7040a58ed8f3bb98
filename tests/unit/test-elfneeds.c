/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-elfneeds.c -- the libraries an ELF file needs, read from images
   made here in the four layouts (32 and 64 bits, either byte order),
   with the name sought first, among others, last, or missing; then the
   same images spoiled one field at a time, cut short at every length,
   and read a byte per call.  A spoiled image names nothing and nothing
   crashes (the suite also runs this under ASan and UBSan).

   With --write-seeds DIR it writes the images to DIR instead, the seeds
   of tests/fuzz/fuzz-elfneeds.  */

#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfneeds.h"
#include "check.h"

#define WANT "libsmartcols.so.1"
#define BASE 0x400000u          /* the address of file offset 0 */

/* An image and where its parts lie.  */
struct image
{
  unsigned char b[8192];
  size_t len;
  bool is64, msb;
  size_t phoff, dynoff, dynlen, stroff, strsz;
};

static void
put (struct image *im, size_t at, uint64_t v, int size)
{
  for (int i = 0; i < size; i++)
    im->b[at + (im->msb ? size - 1 - i : i)] = (unsigned char) (v >> (8 * i));
}

static void
put_word (struct image *im, size_t at, uint64_t v)
{
  put (im, at, v, im->is64 ? 8 : 4);
}

/* Writes program header I: TYPE, file OFFSET, address VADDR, SIZE.  */
static void
put_phdr (struct image *im, int i, uint32_t type, uint64_t offset,
          uint64_t vaddr, uint64_t size)
{
  size_t at = im->phoff + (size_t) i * (im->is64 ? 56 : 32);

  put (im, at, type, 4);
  if (im->is64)
    {
      put (im, at + 8, offset, 8);
      put (im, at + 16, vaddr, 8);
      put (im, at + 24, vaddr, 8);
      put (im, at + 32, size, 8);
      put (im, at + 40, size, 8);
    }
  else
    {
      put (im, at + 4, offset, 4);
      put (im, at + 8, vaddr, 4);
      put (im, at + 12, vaddr, 4);
      put (im, at + 16, size, 4);
      put (im, at + 20, size, 4);
    }
}

/* Makes *IM: a program needing the N libraries NAMES, in the layout
   IS64, MSB.  */
static void
make_image (struct image *im, bool is64, bool msb, const char *const *names,
            int n)
{
  size_t ehsize = is64 ? 64 : 52, phsize = is64 ? 56 : 32;
  size_t entry = is64 ? 16 : 8, at;

  memset (im, 0, sizeof *im);
  im->is64 = is64;
  im->msb = msb;
  memcpy (im->b, "\177ELF", 4);
  im->b[4] = is64 ? 2 : 1;
  im->b[5] = msb ? 2 : 1;
  im->b[6] = 1;
  put (im, 16, 3, 2);           /* ET_DYN */
  im->phoff = ehsize;
  put (im, is64 ? 32 : 28, im->phoff, is64 ? 8 : 4);
  put (im, is64 ? 54 : 42, phsize, 2);
  put (im, is64 ? 56 : 44, 3, 2);
  /* The strings, then the dynamic section.  */
  im->stroff = im->phoff + 3 * phsize;
  at = im->stroff + 1;          /* offset 0 is the empty string */
  im->dynoff = 0;
  for (int i = 0; i < n; i++)
    {
      strcpy ((char *) im->b + at, names[i]);
      at += strlen (names[i]) + 1;
    }
  im->strsz = at - im->stroff;
  im->dynoff = (at + 15) & ~(size_t) 15;
  at = im->dynoff;
  for (int i = 0, s = 1; i < n; s += strlen (names[i]) + 1, i++, at += entry)
    {
      put_word (im, at, 1);     /* DT_NEEDED */
      put_word (im, at + entry / 2, s);
    }
  put_word (im, at, 5);         /* DT_STRTAB */
  put_word (im, at + entry / 2, BASE + im->stroff);
  at += entry;
  put_word (im, at, 10);        /* DT_STRSZ */
  put_word (im, at + entry / 2, im->strsz);
  at += 2 * entry;              /* and DT_NULL */
  im->dynlen = at - im->dynoff;
  im->len = at;
  put_phdr (im, 0, 6, im->phoff, BASE + im->phoff, 3 * phsize); /* PT_PHDR */
  put_phdr (im, 1, 1, 0, BASE, im->len);                        /* PT_LOAD */
  put_phdr (im, 2, 2, im->dynoff, BASE + im->dynoff, im->dynlen);
}

/* A reader of an image: LEN bytes of it, STEP bytes per call at most
   (0: no limit), an EINTR first when EINTR_ONCE.  */
struct source
{
  const struct image *im;
  size_t len, step;
  bool eintr;                   /* every other call fails with EINTR */
  bool failed_last;
};

static ssize_t
read_image (void *data, void *buf, size_t len, uint64_t off)
{
  struct source *s = data;

  if (s->eintr && !s->failed_last)
    {
      s->failed_last = true;
      errno = EINTR;
      return -1;
    }
  s->failed_last = false;
  if (off >= s->len)
    return 0;
  if (len > s->len - off)
    len = s->len - off;
  if (s->step > 0 && len > s->step)
    len = s->step;
  memcpy (buf, s->im->b + off, len);
  return len;
}

static bool
needs (const struct image *im, size_t len, size_t step, const char *soname)
{
  struct source s = { im, len, step, step == 1, false };

  return elf_needs (read_image, &s, soname);
}

static const char *
layout_name (bool is64, bool msb)
{
  return is64 ? (msb ? "64-bit MSB" : "64-bit LSB")
              : (msb ? "32-bit MSB" : "32-bit LSB");
}

/* The names sought: found wherever it stands, a near miss never.  */
static void
test_found (bool is64, bool msb)
{
  static const char *const first[] = { WANT, "libc.so.6" };
  static const char *const middle[] = { "libmount.so.1", WANT, "libc.so.6" };
  static const char *const last[] = { "libc.so.6", WANT };
  static const char *const none[] = { "libc.so.6", "libmount.so.1" };
  static const char *const near[] = { "libsmartcols.so", "libsmartcols.so.10",
                                      "xlibsmartcols.so.1" };
  const char *l = layout_name (is64, msb);
  struct image im;

  make_image (&im, is64, msb, first, 2);
  CHECK (needs (&im, im.len, 0, WANT), "%s: named first", l);
  CHECK (needs (&im, im.len, 0, "libc.so.6"), "%s: the other name too", l);
  CHECK (needs (&im, im.len, 1, WANT), "%s: a byte per read, EINTR every other call", l);
  make_image (&im, is64, msb, middle, 3);
  CHECK (needs (&im, im.len, 0, WANT), "%s: named among others", l);
  make_image (&im, is64, msb, last, 2);
  CHECK (needs (&im, im.len, 0, WANT), "%s: named last", l);
  make_image (&im, is64, msb, none, 2);
  CHECK (!needs (&im, im.len, 0, WANT), "%s: not named", l);
  make_image (&im, is64, msb, near, 3);
  CHECK (!needs (&im, im.len, 0, WANT), "%s: near names are not it", l);
  make_image (&im, is64, msb, NULL, 0);
  CHECK (!needs (&im, im.len, 0, WANT), "%s: no library needed", l);
}

/* An image needing WANT, with one thing spoiled by SPOIL: names nothing.  */
struct spoil
{
  const char *what;
  void (*spoil) (struct image *im);
};

static void magic (struct image *im) { im->b[1] = 'e'; }
static void class (struct image *im) { im->b[4] = 3; }
static void order (struct image *im) { im->b[5] = 0; }
static void no_phdrs (struct image *im) { put (im, im->is64 ? 56 : 44, 0, 2); }
static void xnum (struct image *im) { put (im, im->is64 ? 56 : 44, 0xffff, 2); }
static void short_phent (struct image *im) { put (im, im->is64 ? 54 : 42, 16, 2); }
static void far_phoff (struct image *im)
{ put (im, im->is64 ? 32 : 28, im->is64 ? UINT64_MAX - 8 : 0xfffffff0u,
       im->is64 ? 8 : 4); }
static void no_dynamic (struct image *im)
{ put (im, im->phoff + 2 * (im->is64 ? 56 : 32), 4, 4); }   /* PT_NOTE */
static void far_dynamic (struct image *im)
{ put_phdr (im, 2, 2, 0x7fff0000u, BASE + im->dynoff, im->dynlen); }
static void strtab_unmapped (struct image *im)
{ put_word (im, im->dynoff + (im->is64 ? 16 : 8) + (im->is64 ? 8 : 4), 0x10); }
static void strsz_zero (struct image *im)
{ put_word (im, im->dynoff + (im->is64 ? 16 : 8) * 2 + (im->is64 ? 8 : 4), 0); }
static void strsz_short (struct image *im)
{ put_word (im, im->dynoff + (im->is64 ? 16 : 8) * 2 + (im->is64 ? 8 : 4),
            strlen (WANT)); }
static void needed_far (struct image *im)
{ put_word (im, im->dynoff + (im->is64 ? 8 : 4), im->strsz); }
static void load_short (struct image *im)
{ put_phdr (im, 1, 1, 0, BASE, im->stroff + 4); }
static void unterminated (struct image *im)
{ im->b[im->stroff + 1 + strlen (WANT)] = 'x'; }

static const struct spoil spoils[] = {
  { "no ELF magic", magic },
  { "an unknown class", class },
  { "an unknown byte order", order },
  { "no program headers", no_phdrs },
  { "program headers counted elsewhere (0xffff)", xnum },
  { "program headers too small", short_phent },
  { "program headers beyond any file", far_phoff },
  { "linked statically (no PT_DYNAMIC)", no_dynamic },
  { "the dynamic section beyond the file", far_dynamic },
  { "the string table at no loaded address", strtab_unmapped },
  { "a string table of size 0", strsz_zero },
  { "a string table too small for the name", strsz_short },
  { "DT_NEEDED beyond the string table", needed_far },
  { "the string table beyond the loaded bytes", load_short },
  { "the name not ended where it should be", unterminated },
};

static void
test_spoiled (bool is64, bool msb)
{
  static const char *const names[] = { WANT };
  const char *l = layout_name (is64, msb);
  struct image im;

  for (size_t i = 0; i < sizeof spoils / sizeof spoils[0]; i++)
    {
      make_image (&im, is64, msb, names, 1);
      spoils[i].spoil (&im);
      CHECK (!needs (&im, im.len, 0, WANT), "%s: %s: names nothing", l,
             spoils[i].what);
    }
}

/* Makes *IM as a program needing NAMES would be laid out once a tool
   such as patchelf has moved things: the program headers at the end,
   past the head read at once and more than one batch of them; the
   dynamic section with DT_STRTAB before DT_NEEDED; the names in a
   second PT_LOAD whose addresses are not its offsets plus BASE.  */
static void
make_moved_image (struct image *im, bool is64, bool msb,
                  const char *const *names, int n)
{
  size_t phsize = is64 ? 56 : 32, entry = is64 ? 16 : 8, at;
  const uint64_t straddr = 0x900000;
  int nph = 40;

  make_image (im, is64, msb, NULL, 0);
  memset (im->b + 64, 0, sizeof im->b - 64);
  im->dynoff = 2100;
  im->stroff = 2400;
  at = im->stroff + 1;
  for (int i = 0; i < n; i++)
    {
      strcpy ((char *) im->b + at, names[i]);
      at += strlen (names[i]) + 1;
    }
  im->strsz = at - im->stroff;
  at = im->dynoff;
  put_word (im, at, 5);         /* DT_STRTAB */
  put_word (im, at + entry / 2, straddr);
  at += entry;
  put_word (im, at, 10);        /* DT_STRSZ */
  put_word (im, at + entry / 2, im->strsz);
  at += entry;
  for (int i = 0, o = 1; i < n; o += strlen (names[i]) + 1, i++, at += entry)
    {
      put_word (im, at, 1);     /* DT_NEEDED */
      put_word (im, at + entry / 2, o);
    }
  at += entry;                  /* DT_NULL */
  im->dynlen = at - im->dynoff;
  im->phoff = 2800;
  put (im, is64 ? 32 : 28, im->phoff, is64 ? 8 : 4);
  put (im, is64 ? 56 : 44, nph, 2);
  im->len = im->phoff + nph * phsize;
  /* Headers 0 to 36 are PT_NULL; then the dynamic section and the two
     loaded segments.  */
  put_phdr (im, nph - 3, 2, im->dynoff, BASE + im->dynoff, im->dynlen);
  put_phdr (im, nph - 2, 1, 0, BASE, im->stroff);
  put_phdr (im, nph - 1, 1, im->stroff, straddr, im->strsz);
}

static void
test_moved (bool is64, bool msb)
{
  static const char *const names[] = { "libc.so.6", WANT };
  const char *l = layout_name (is64, msb);
  struct image im;

  make_moved_image (&im, is64, msb, names, 2);
  CHECK (im.len <= sizeof im.b && im.phoff > 2048, "%s: moved image made",
         l);
  CHECK (needs (&im, im.len, 0, WANT), "%s: moved: found through the "
         "second PT_LOAD's offset", l);
  CHECK (needs (&im, im.len, 1, WANT), "%s: moved: a byte per read, EINTR "
         "every other call", l);
  CHECK (!needs (&im, im.len, 0, "libmount.so.1"), "%s: moved: another "
         "name not found", l);
  /* The second PT_LOAD taken away: the names are at no loaded address.  */
  put_phdr (&im, 39, 0, 0, 0, 0);
  CHECK (!needs (&im, im.len, 0, WANT), "%s: moved: without the names' "
         "segment, nothing named", l);
}

/* A 64-bit file whose string table lies at the very end of the offsets,
   so that the offset of a name wraps around to the real name: not read.  */
static void
test_wrap (bool msb)
{
  static const char *const names[] = { WANT };
  size_t entry = 16, e;
  struct image im;

  make_image (&im, true, msb, names, 1);
  CHECK (needs (&im, im.len, 0, WANT), "%s: the image before the wrap",
         layout_name (true, msb));
  /* A second PT_LOAD (over the PT_PHDR) maps address 0x10000 to the
     last 16 offsets, and is 2^63 bytes long.  */
  put_phdr (&im, 0, 1, UINT64_MAX - 15, 0x10000, (uint64_t) 1 << 63);
  e = im.dynoff;
  put_word (&im, e + entry / 2, 16 + im.stroff + 1);      /* DT_NEEDED */
  put_word (&im, e + entry + entry / 2, 0x10000);         /* DT_STRTAB */
  put_word (&im, e + 2 * entry + entry / 2, (uint64_t) 1 << 62); /* DT_STRSZ */
  CHECK (!needs (&im, im.len, 0, WANT),
         "%s: a name whose offset wraps around names nothing",
         layout_name (true, msb));
}

/* Cut short anywhere before the name's end: nothing named.  */
static void
test_cut (bool is64, bool msb)
{
  static const char *const names[] = { WANT };
  struct image im;
  size_t bad = 0, end;

  make_image (&im, is64, msb, names, 1);
  end = im.stroff + 1 + strlen (WANT) + 1;
  for (size_t len = 0; len < im.len; len++)
    {
      /* The dynamic section comes after the name: any cut loses part of
         it (the read of the whole section fails).  */
      if (needs (&im, len, 0, WANT))
        bad++;
    }
  CHECK (bad == 0 && end <= im.dynoff,
         "%s: cut at each of %zu lengths: nothing named (%zu were)",
         layout_name (is64, msb), im.len, bad);
}

static int
write_seeds (const char *dir)
{
  static const char *const names[] = { "libc.so.6", WANT };
  struct image im;

  for (int k = 0; k < 4; k++)
    {
      char path[4096];
      FILE *f;

      make_image (&im, k & 1, k & 2, names, 2);
      snprintf (path, sizeof path, "%s/%s-%s", dir, k & 1 ? "64" : "32",
                k & 2 ? "msb" : "lsb");
      f = fopen (path, "wb");
      if (f == NULL || fwrite (im.b, 1, im.len, f) != im.len
          || fclose (f) != 0)
        {
          perror (path);
          return 1;
        }
    }
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc == 3 && strcmp (argv[1], "--write-seeds") == 0)
    return write_seeds (argv[2]);
  for (int k = 0; k < 4; k++)
    {
      test_found (k & 1, k & 2);
      test_spoiled (k & 1, k & 2);
      test_cut (k & 1, k & 2);
      test_moved (k & 1, k & 2);
    }
  test_wrap (false);
  test_wrap (true);
  CHECK_END ();
}
