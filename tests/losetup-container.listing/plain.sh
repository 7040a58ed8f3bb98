#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# plain.sh -- the table of printable-ASCII paths bound for a pipe or
# a file is printed without libsmartcols (src/listing.c, print_plain): it
# must still be util-linux losetup's to the byte.  A path that needs
# escaping, or a terminal, sends the table back to libsmartcols: the same
# comparison covers that switch.  Against this machine's losetup, or in a
# root given by LC_UL_ROOT (tests/lib/ul-target.sh).

. "$TESTS_SRCDIR/lib/lib.sh"
lc_need_root "plain listing"
lc_init

F=$SCRATCH/plain
mkdir "$F"
long=$(printf 'x%.0s' $(seq 1 200))
for name in a.img "with space.img" 'back\slash.img' "$long.img" gone.img \
            b1.img b2.img b3.img b4.img b5.img b6.img; do
  truncate -s 1M "$F/$name"
  lc_attach "$F/$name" >/dev/null || { fail "attach $name"; exit 0; }
done
rm "$F/gone.img"

# shellcheck disable=SC2086
{
  lc_same_output "printable ASCII, LC_ALL=C: same bytes as losetup" \
    $RUN env LC_ALL=C "$LC" $LIST -- $RUN env LC_ALL=C "$REF" $LIST
  lc_same_output "printable ASCII, C.UTF-8: same bytes as losetup" \
    $RUN env LC_ALL=C.UTF-8 "$LC" $LIST -- \
    $RUN env LC_ALL=C.UTF-8 "$REF" $LIST
}

# libsmartcols shows padding as dots when asked, and says so on stderr
# with its process ID and an address: compare stdout, and stderr without
# those.
# shellcheck disable=SC2086
$RUN env LIBSMARTCOLS_DEBUG_PADDING=on "$LC" $LIST >"$SCRATCH/pad.a" 2>"$SCRATCH/pad.a.err"
# shellcheck disable=SC2086
$RUN env LIBSMARTCOLS_DEBUG_PADDING=on "$REF" $LIST >"$SCRATCH/pad.b" 2>"$SCRATCH/pad.b.err"
lc_expect "padding debug asked: same stdout as losetup" \
  cmp -s "$SCRATCH/pad.a" "$SCRATCH/pad.b"
lc_expect "padding debug asked: the padding shows" grep -q '^NAME\.' "$SCRATCH/pad.a"
sed 's/^[0-9]*: //; s/\[0x[0-9a-f]*\]//' "$SCRATCH/pad.a.err" >"$SCRATCH/pad.a.msg"
sed 's/^[0-9]*: //; s/\[0x[0-9a-f]*\]//' "$SCRATCH/pad.b.err" >"$SCRATCH/pad.b.msg"
lc_expect "padding debug asked: same stderr as losetup but process and address" \
  cmp -s "$SCRATCH/pad.a.msg" "$SCRATCH/pad.b.msg"

# On a terminal libsmartcols fits the table to its width.
if command -v script >/dev/null 2>&1; then
  for cols in 200 80 40 20; do
    lc_same_output "on a terminal of $cols columns: same bytes as losetup" \
      $RUN env COLUMNS=$cols script -qec "$LC $LIST" /dev/null -- \
      $RUN env COLUMNS=$cols script -qec "$REF $LIST" /dev/null
  done
else
  unsupported "on a terminal (script(1) missing)"
fi

# A path libsmartcols escapes ("\x" literally): the whole table goes back
# to libsmartcols, and still matches.
truncate -s 1M "$F/esc\\x41.img"
lc_attach "$F/esc\\x41.img" >/dev/null || { fail "attach esc"; exit 0; }
# shellcheck disable=SC2086
lc_same_output "a path with a literal \\x: same bytes as losetup" \
  $RUN "$LC" $LIST -- $RUN "$REF" $LIST
exit 0
