/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz.h -- what the libFuzzer targets share: an assertion that survives
   NDEBUG and tells which property broke.  */

#ifndef LC_FUZZ_H
#define LC_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Stops the run (libFuzzer saves the input) when COND is false.  */
#define FUZZ_ASSERT(cond)                                               \
  do {                                                                  \
    if (!(cond))                                                        \
      {                                                                 \
        fprintf (stderr, "%s:%d: property broken: %s\n",                \
                 __FILE__, __LINE__, #cond);                            \
        abort ();                                                       \
      }                                                                 \
  } while (0)

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#endif /* LC_FUZZ_H */
