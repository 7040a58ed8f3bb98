/* SPDX-License-Identifier: GPL-3.0-or-later */
/* elfneeds.c -- does a program file name a shared library it needs.

   Written here rather than taken from libelf: it runs on every call
   handed over to the original, where loading a library would cost more
   than the few reads it takes (see original.c).  The layouts read are
   the System V ABI's: the file header, the program headers (PT_LOAD
   maps file offsets to addresses, PT_DYNAMIC is the dynamic section),
   and in the dynamic section DT_NEEDED (an offset into the string
   table), DT_STRTAB (the string table's address) and DT_STRSZ (its
   size).  */

#include "system.h"

#include "elfneeds.h"

#include <assert.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

/* Bounds on what is read, well above what linkers write; a file beyond
   them is taken for one that names nothing (then counted, see
   original.c).  Small, for the stack: this runs on every hand-over.  */
enum
{
  MAX_PHNUM = 256,              /* program headers */
  MAX_LOAD = 16,                /* PT_LOAD segments kept (linkers write 2
                                   to 5) */
  MAX_DYNAMIC = 2048,           /* bytes of dynamic section looked at:
                                   DT_NEEDED comes first, and 128
                                   entries are more than any has */
  MAX_NEEDED = 64,              /* DT_NEEDED entries looked at */
  HEAD = 2048                   /* bytes read at once from the start: the
                                   file header and, in the usual layout,
                                   every program header */
};

/* e_ident and the values this reads.  */
enum
{
  EI_NIDENT_ = 16,
  CLASS_32 = 1, CLASS_64 = 2,
  DATA_LSB = 1, DATA_MSB = 2,
  PT_LOAD_ = 1, PT_DYNAMIC_ = 2,
  DT_NULL_ = 0, DT_NEEDED_ = 1, DT_STRTAB_ = 5, DT_STRSZ_ = 10
};

/* One file being read: its reader, class and byte order, and its first
   HEAD_LEN bytes.  */
struct elf
{
  elf_read_fn *read;
  void *data;
  bool is64, msb;
  unsigned char head[HEAD];
  size_t head_len;
};

/* Reads exactly LEN bytes at OFF into BUF, from E's head when they are
   there; returns false when fewer came.  */
static bool
read_exact (const struct elf *e, void *buf, size_t len, uint64_t off)
{
  size_t done = 0;

  if (off <= e->head_len && len <= e->head_len - off)
    {
      memcpy (buf, e->head + off, len);
      return true;
    }
  while (done < len)
    {
      ssize_t n = e->read (e->data, (char *) buf + done, len - done,
                           off + done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return false;
      done += n;
    }
  return true;
}

/* Returns the unsigned number of SIZE bytes (2, 4 or 8) at P in E's byte
   order.  */
static uint64_t
get (const struct elf *e, const unsigned char *p, int size)
{
  uint64_t v = 0;

  for (int i = 0; i < size; i++)
    v |= (uint64_t) p[e->msb ? size - 1 - i : i] << (8 * i);
  return v;
}

/* A word of E's class at P: 4 bytes in a 32-bit file, 8 in a 64-bit.  */
static uint64_t
word (const struct elf *e, const unsigned char *p)
{
  return get (e, p, e->is64 ? 8 : 4);
}

/* The fields read from a program header.  */
struct segment
{
  uint32_t type;
  uint64_t offset, vaddr, filesz;
};

static struct segment
segment_at (const struct elf *e, const unsigned char *p)
{
  struct segment s;

  s.type = get (e, p, 4);
  if (e->is64)
    {
      s.offset = get (e, p + 8, 8);
      s.vaddr = get (e, p + 16, 8);
      s.filesz = get (e, p + 32, 8);
    }
  else
    {
      s.offset = get (e, p + 4, 4);
      s.vaddr = get (e, p + 8, 4);
      s.filesz = get (e, p + 16, 4);
    }
  return s;
}

/* What the program headers say: the dynamic section and the loaded
   segments, to turn an address into a file offset.  */
struct layout
{
  struct segment dynamic;
  bool has_dynamic;
  struct segment load[MAX_LOAD];
  size_t n_load;
};

/* Reads E's head and file header: sets E's class and byte order, and
   *PHOFF, *PHENTSIZE and *PHNUM, the program headers' place, size and
   count.  Returns false when the file is no ELF file this can read.  */
static bool
read_header (struct elf *e, uint64_t *phoff, unsigned int *phentsize,
             unsigned int *phnum)
{
  unsigned char h[64];
  ssize_t n;

  do
    n = e->read (e->data, e->head, sizeof e->head, 0);
  while (n < 0 && errno == EINTR);
  e->head_len = n > 0 ? n : 0;
  if (!read_exact (e, h, EI_NIDENT_, 0)
      || memcmp (h, "\177ELF", 4) != 0
      || (h[4] != CLASS_32 && h[4] != CLASS_64)
      || (h[5] != DATA_LSB && h[5] != DATA_MSB))
    return false;
  e->is64 = h[4] == CLASS_64;
  e->msb = h[5] == DATA_MSB;
  if (!read_exact (e, h, e->is64 ? 64 : 52, 0))
    return false;
  *phoff = e->is64 ? get (e, h + 32, 8) : get (e, h + 28, 4);
  *phentsize = get (e, h + (e->is64 ? 54 : 42), 2);
  *phnum = get (e, h + (e->is64 ? 56 : 44), 2);
  /* 0xffff: the count is elsewhere; no program has that many.  */
  return (*phnum > 0 && *phnum <= MAX_PHNUM
          && *phentsize >= (e->is64 ? 56u : 32u) && *phentsize <= 64);
}

/* Reads E's file header and program headers into *L, the headers a
   batch per read.  Returns false when the file is no ELF file this can
   read, or has no dynamic section.  */
static bool
read_layout (struct elf *e, struct layout *l)
{
  unsigned char batch[1024];
  uint64_t phoff;
  unsigned int phentsize, phnum;

  if (!read_header (e, &phoff, &phentsize, &phnum)
      || phoff > UINT64_MAX - (uint64_t) phnum * phentsize)
    return false;
  l->dynamic = (struct segment) { 0 };
  l->has_dynamic = false;
  l->n_load = 0;
  for (unsigned int i = 0, per = sizeof batch / phentsize; i < phnum; i += per)
    {
      unsigned int k = phnum - i < per ? phnum - i : per;

      if (!read_exact (e, batch, (size_t) k * phentsize,
                       phoff + (uint64_t) i * phentsize))
        return false;
      for (unsigned int j = 0; j < k; j++)
        {
          struct segment s = segment_at (e, batch + (size_t) j * phentsize);

          if (s.type == PT_DYNAMIC_)
            {
              l->dynamic = s;
              l->has_dynamic = true;
            }
          else if (s.type == PT_LOAD_ && l->n_load < MAX_LOAD)
            l->load[l->n_load++] = s;
        }
    }
  return l->has_dynamic;
}

/* Sets *OFF to the file offset of address ADDR, the start of SIZE bytes
   in the file.  Returns false when no loaded segment holds them.  */
static bool
offset_of (const struct layout *l, uint64_t addr, uint64_t size,
           uint64_t *off)
{
  for (size_t i = 0; i < l->n_load; i++)
    {
      const struct segment *s = &l->load[i];

      if (addr >= s->vaddr && addr - s->vaddr <= s->filesz
          && size <= s->filesz - (addr - s->vaddr))
        {
          *off = s->offset + (addr - s->vaddr);
          /* Neither the start nor the end may wrap around.  */
          return *off >= s->offset && *off <= UINT64_MAX - size;
        }
    }
  return false;
}

/* Returns true when the string at OFF in E's file is SONAME.  */
static bool
name_is (const struct elf *e, uint64_t off, const char *soname)
{
  size_t len = strlen (soname) + 1;
  char buf[256];

  return (len <= sizeof buf && read_exact (e, buf, len, off)
          && memcmp (buf, soname, len) == 0);
}

/* Looks through the dynamic section of E (read into DYN, LEN bytes) for
   a DT_NEEDED entry naming SONAME.  */
static bool
dynamic_needs (const struct elf *e, const struct layout *l,
               const unsigned char *dyn, size_t len, const char *soname)
{
  size_t entry = e->is64 ? 16 : 8, n_needed = 0;
  uint64_t needed[MAX_NEEDED], strtab = 0, strsz = 0, stroff;
  bool has_strtab = false;

  for (size_t at = 0; at + entry <= len; at += entry)
    {
      uint64_t tag = word (e, dyn + at), val = word (e, dyn + at + entry / 2);

      if (tag == DT_NULL_)
        break;
      if (tag == DT_NEEDED_ && n_needed < MAX_NEEDED)
        needed[n_needed++] = val;
      else if (tag == DT_STRTAB_)
        {
          strtab = val;
          has_strtab = true;
        }
      else if (tag == DT_STRSZ_)
        strsz = val;
    }
  if (!has_strtab || strsz == 0 || !offset_of (l, strtab, strsz, &stroff))
    return false;
  for (size_t i = 0; i < n_needed; i++)
    if (needed[i] < strsz && strsz - needed[i] > strlen (soname)
        && name_is (e, stroff + needed[i], soname))
      return true;
  return false;
}

bool
elf_needs (elf_read_fn *read, void *data, const char *soname)
{
  struct elf e = { .read = read, .data = data };
  unsigned char dyn[MAX_DYNAMIC];
  struct layout l;
  size_t len;

  if (!read_layout (&e, &l))
    return false;
  len = l.dynamic.filesz < sizeof dyn ? l.dynamic.filesz : sizeof dyn;
  return (read_exact (&e, dyn, len, l.dynamic.offset)
          && dynamic_needs (&e, &l, dyn, len, soname));
}

/* elf_read_fn for a file descriptor, *DATA.  */
static ssize_t
read_fd (void *data, void *buf, size_t len, uint64_t off)
{
  static_assert (sizeof (off_t) >= 8, "pread reaches every offset");

  if (off > INT64_MAX)
    return 0;
  return pread (*(int *) data, buf, len, (off_t) off);
}

bool
elf_fd_needs (int fd, const char *soname)
{
  return elf_needs (read_fd, &fd, soname);
}
