/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-sysfs.c -- what the kernel hands over as text and numbers.

   loop_read_attribute reads the input, repeated as many times as its
   first byte says (so that the text crosses the 8 KiB first read and the
   buffer growth), from a memfd opened through a directory descriptor as
   the listing opens loopN/loop/backing_file below /sys/block.  It must
   give back exactly the bytes written, less one final newline, up to the
   first NUL.  loop_copy_name must copy a 64-byte lo_file_name with or
   without its NUL; loop_decode_dev must invert the kernel's 32-bit
   device number encoding.  */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/loop.h>

#include "loopdev.h"
#include "fuzz.h"

static int memfd = -1, fd_dir = -1;
static char memfd_name[32];

/* The kernel's encoding of a device number in lo_device (new_encode_dev
   widened to 64 bits).  */
static uint64_t
kernel_encode (unsigned int maj, unsigned int min)
{
  return (min & 0xff) | ((uint64_t) maj << 8) | ((uint64_t) (min & ~0xffu) << 12);
}

static void
check_attribute (const uint8_t *data, size_t size)
{
  unsigned int repeat = size > 0 ? data[0] % 8 + 1 : 1;
  size_t total = size * repeat, want, nul;
  char *text;

  if (ftruncate (memfd, 0) != 0)
    abort ();
  for (unsigned int i = 0; i < repeat; i++)
    if (size > 0 && pwrite (memfd, data, size, i * size) != (ssize_t) size)
      abort ();

  text = loop_read_attribute (fd_dir, memfd_name);
  FUZZ_ASSERT (text != NULL);
  want = total;
  if (want > 0 && data[size - 1] == '\n')
    want--;
  nul = want;
  for (size_t i = 0; i < want; i++)
    if (data[i % size] == '\0')
      {
        nul = i;
        break;
      }
  FUZZ_ASSERT (strlen (text) == nul);
  for (size_t i = 0; i < nul; i++)
    FUZZ_ASSERT ((unsigned char) text[i] == data[i % size]);
  free (text);

  /* A missing attribute is an error with errno set, never a crash.  */
  errno = 0;
  FUZZ_ASSERT (loop_read_attribute (fd_dir, "no-such-attribute") == NULL
               && errno == ENOENT);
}

static void
check_name (const uint8_t *data, size_t size)
{
  unsigned char raw[LO_NAME_SIZE];
  char out[LO_NAME_SIZE + 2];
  size_t len, want;

  memset (raw, 0, sizeof raw);
  memcpy (raw, data, size < LO_NAME_SIZE ? size : LO_NAME_SIZE);
  memset (out, 'x', sizeof out);
  len = loop_copy_name (out, raw);
  want = strnlen ((const char *) raw, LO_NAME_SIZE);
  FUZZ_ASSERT (len == want);
  FUZZ_ASSERT (memcmp (out, raw, len) == 0 && out[len] == '\0');
  FUZZ_ASSERT (out[LO_NAME_SIZE + 1] == 'x');   /* nothing beyond */
}

static void
check_dev (const uint8_t *data, size_t size)
{
  uint64_t x = 0;
  dev_t d;

  memcpy (&x, data, size < sizeof x ? size : sizeof x);
  d = loop_decode_dev (x);
  FUZZ_ASSERT (major (d) < 4096 && minor (d) < (1u << 20));
  /* The kernel uses the low 32 bits only; they must come back whole.  */
  FUZZ_ASSERT (kernel_encode (major (d), minor (d)) == (x & 0xffffffffu));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (memfd < 0)
    {
      memfd = memfd_create ("backing_file", MFD_CLOEXEC);
      fd_dir = open ("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (memfd < 0 || fd_dir < 0)
        {
          perror ("fuzz-sysfs: setup");
          abort ();
        }
      snprintf (memfd_name, sizeof memfd_name, "%d", memfd);
    }
  check_attribute (data, size);
  check_name (data, size);
  check_dev (data, size);
  return 0;
}
