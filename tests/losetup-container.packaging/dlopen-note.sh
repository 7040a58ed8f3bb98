#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# dlopen-note.sh -- the built program carries the package-notes "ELF
# dlopen metadata": a note of owner FDO and type 0x407c0c0a in its
# .note.dlopen section, whose sonames are exactly those configure found
# for libmount and libsmartcols (config.h), and, as ld.so shows, the ones
# the listing really opens (that last part needs root and unshare -m).
# packaging/dlopen-sonames, which the Debian and RPM packaging read it
# with, must find them too.

. "$TESTS_SRCDIR/lib/lib.sh"
: "${TOP_SRCDIR:?run through make check}"
: "${TOP_BUILDDIR:?run through make check}"
lc_init

if ! command -v readelf >/dev/null 2>&1; then
  unsupported "the dlopen note (readelf, from binutils, is not installed)"
  exit 0
fi

# The sonames configure found, one a line, sorted.
sed -n 's/^#define \(LIBMOUNT\|SMARTCOLS\)_SONAME "\(.*\)"$/\2/p' \
  "$TOP_BUILDDIR/config.h" | sort >"$SCRATCH/configured"
lc_expect "config.h names two sonames ($(tr '\n' ' ' <"$SCRATCH/configured"))" \
  test "$(wc -l <"$SCRATCH/configured")" -eq 2

# The notes, as readelf reads them: FDO's dlopen type, once a library.
LC_ALL=C readelf -n "$LC" >"$SCRATCH/notes" 2>&1
sed 's/^/  | /' "$SCRATCH/notes"
lc_expect "readelf -n finds the section .note.dlopen" \
  grep -q "^Displaying notes found in: \.note\.dlopen\$" "$SCRATCH/notes"
lc_expect "it holds two notes of owner FDO and type 0x407c0c0a" \
  test "$(sed -n '/\.note\.dlopen$/,/^Displaying/p' "$SCRATCH/notes" \
          | grep -c '^ *FDO .*0x407c0c0a\|^ *FDO .*FDO_DLOPEN_METADATA')" -eq 2

# Their text: each a JSON array naming feature, description, priority
# and soname.
readelf -p .note.dlopen "$LC" >"$SCRATCH/strings" 2>&1
sed 's/^/  | /' "$SCRATCH/strings"
lc_expect "each note's text is an array of one object with the four keys" \
  test "$(grep -c '\[{"feature":"[a-z]*","description":"[^"]*","priority":"required","soname":\["[^"]*"\]}\]$' \
          "$SCRATCH/strings")" -eq 2

sh "$TOP_SRCDIR/packaging/dlopen-sonames" "$LC" | sort >"$SCRATCH/noted"
lc_expect "the notes name the sonames configure found ($(tr '\n' ' ' <"$SCRATCH/noted"))" \
  cmp -s "$SCRATCH/configured" "$SCRATCH/noted"

# What the listing opens: ld.so names each library it loads for dlopen()
# ("dynamically loaded by").  libsmartcols is opened for a terminal or
# under LIBSMARTCOLS_DEBUG (a mask of 0 prints nothing), libmount for a
# device whose sysfs path is not its path here: one attached inside a
# container that is gone.  Both must be exactly the ones noted.
lc_need_unshare "the libraries the listing dlopen()s"
mkdir "$SCRATCH/pool" "$SCRATCH/ct"
truncate -s 1M "$SCRATCH/pool/v.img"
lc_ct_attach "$SCRATCH/ct" "$SCRATCH/pool/v.img" "$SCRATCH/pool:/pool" -- \
  "$UL" --show -f /pool/v.img || { fail "attach in a container"; exit 0; }
# libmount is loaded by the listing's worker process, whose stderr is
# /dev/null: ld.so's lines are read from what strace -f sees written.
if ! command -v strace >/dev/null 2>&1 || ! strace -o /dev/null true 2>/dev/null; then
  unsupported "the libraries the listing dlopen()s (strace is missing or cannot trace here)"
  exit 0
fi
LIBSMARTCOLS_DEBUG=0 LD_DEBUG=files strace -f -qq -e trace=write,writev \
  -s 4096 -o "$SCRATCH/ld-debug" "$LC" $LIST >/dev/null 2>&1
sed -n 's/.*"file=", iov_len=5}, {iov_base="\([^"]*\)".*dynamically loaded by.*/\1/p' \
  "$SCRATCH/ld-debug" | sort -u >"$SCRATCH/opened"
lc_expect "the listing dlopen()s exactly the noted libraries ($(tr '\n' ' ' <"$SCRATCH/opened"))" \
  cmp -s "$SCRATCH/noted" "$SCRATCH/opened"
exit 0
