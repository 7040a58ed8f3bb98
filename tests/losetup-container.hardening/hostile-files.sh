#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hostile-files.sh -- backing files whose names are hard to print: a
# newline, a tab, UTF-8 (escaped or not by the locale), invalid UTF-8, a
# literal backslash-x, a path of 4000 bytes, and one beyond PATH_MAX that
# the kernel itself cannot render.
#
# Each file is attached twice: on the host (util-linux then prints the
# whole path, escaped its way) and inside a container that exits (the
# kernel then shows the path cut below the container's bind mount).  Our
# listing must print, for the container's device, exactly the text
# util-linux prints for the host's device: the same path, escaped the same
# way, in the C locale and in a UTF-8 one; where nothing is corrected it
# must be util-linux's listing byte for byte.  The listing runs in a
# private mount namespace whose /sys/block holds only this script's
# devices.  Against this machine's losetup, or in a root given by
# LC_UL_ROOT (tests/lib/ul-target.sh; run so by ul-roots.sh for each
# util-linux release).

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/hardening.sh"
lc_need_unshare "hostile backing file names"
hard_private_namespace "$@"
lc_init

POOL=$SCRATCH/pool
mkdir "$POOL" "$SCRATCH/root"
DEVICES=

# The files, by label.
NEWLINE="$POOL/new
line.img"
TAB="$POOL/tab	and space é.img"
BADUTF8=$POOL/$(printf 'bad-\377\376-\300\257.img')
BACKSLASH="$POOL/back\\x41slash.img"
# A directory chain that brings the whole path to exactly 4000 bytes.
DEEP=$POOL
while [ $(( ${#DEEP} + 200 )) -lt 3980 ]; do
  DEEP=$DEEP/$(printf '%0199d' 0 | tr 0 d)
done
FILL=$(( 4000 - ${#DEEP} - 1 - 4 ))
LONG=$DEEP/$(printf "%0${FILL}d" 0 | tr 0 f).img
mkdir -p "$DEEP"

# attach_both LABEL FILE: attaches FILE on the host (HOST_LABEL) and in a
# container that binds the pool at /ctpool (CT_LABEL).
attach_both() {
  truncate -s 1M "$2" || { fail "$1: create the file"; return 1; }
  _h=$(lc_attach "$2") || { fail "$1: attach on the host"; return 1; }
  lc_ct_attach "$SCRATCH/root" "$2" "$POOL:/ctpool" -- \
    "$UL" --show -f "/ctpool/${2#"$POOL"/}" \
    || { fail "$1: attach inside a container"; return 1; }
  _c=$DEV
  eval "HOST_$1=\$_h CT_$1=\$_c"
  DEVICES="$DEVICES $_h $_c"
}

lc_expect "the long path is 4000 bytes" test ${#LONG} = 4000
attach_both NEWLINE "$NEWLINE"
attach_both TAB "$TAB"
attach_both BADUTF8 "$BADUTF8"
attach_both BACKSLASH "$BACKSLASH"
attach_both LONG "$LONG"

# Beyond PATH_MAX: built and attached from inside (relative names), so
# that no call ever needs the whole path (cd -P: dash builds a logical
# path otherwise).  The kernel cannot render it:
# loop/backing_file fails with ENAMETOOLONG.
HUGE_DEV=
( cd -P "$DEEP" && i=0 && while [ $i -lt 3 ]; do
    d=$(printf '%0199d' 0 | tr 0 h); mkdir "$d" && cd -P "$d" || exit 1
    i=$((i + 1))
  done && truncate -s 1M huge.img &&
  "$HELPERS/loop-attach" huge.img huge.img >"$SCRATCH/huge.dev" &&
  lc_record_device "$(cat "$SCRATCH/huge.dev")" huge.img ) ||
  fail "beyond PATH_MAX: attach"
if [ -s "$SCRATCH/huge.dev" ]; then
  HUGE_DEV=$(cat "$SCRATCH/huge.dev")
  DEVICES="$DEVICES $HUGE_DEV"
  cat "/sys/block/${HUGE_DEV#/dev/}/loop/backing_file" >/dev/null 2>"$SCRATCH/huge.err"
  lc_expect "precondition: the kernel cannot render the path beyond PATH_MAX" \
    grep -q 'File name too long' "$SCRATCH/huge.err"
fi

hard_sysblock_prepare $DEVICES && hard_sysblock_mount || { fail "private /sys/block"; exit 0; }

for loc in C C.UTF-8; do
  export LC_ALL=$loc
  # Nothing to correct without a bind list: util-linux's listing, exactly
  # (the host devices show whole paths, the container ones cut paths).
  lc_same_output "$loc: the listing is losetup's" \
    $RUN "$LC" $LIST -- $RUN "$REF" $LIST
  lc_same_output "$loc: with a trace, stdout is still losetup's" \
    $RUN sh -c 'LOSETUP_CONTAINER_DEBUG=1 "$@" 2>/dev/null' sh "$LC" $LIST -- \
    $RUN "$REF" $LIST

  $RUN env LOSETUP_CONTAINER_BIND_MOUNTS="$POOL" "$LC" $LIST \
    >"$SCRATCH/b.out" 2>"$SCRATCH/b.err"
  st=$?
  lc_expect "$loc: corrected listing: status 0" test "$st" = 0
  lc_expect "$loc: corrected listing: nothing on stderr" test ! -s "$SCRATCH/b.err"
  if out=$(hard_well_formed "$SCRATCH/b.out"); then
    pass "$loc: corrected listing: well formed"
  else
    fail "$loc: corrected listing: well formed"; printf '%s\n' "$out"
  fi
  for label in NEWLINE TAB BADUTF8 BACKSLASH LONG; do
    eval "h=\${HOST_$label:-} c=\${CT_$label:-}"
    [ -n "$h" ] && [ -n "$c" ] || continue
    want=$(hard_ul_cell "$h")
    case $want in
      *"$POOL"*) ;;
      *) fail "$loc: $label: util-linux's text names the file: $want"; continue ;;
    esac
    lc_expect_back_file "$loc: $label: the container's device shows the host's text" \
      "$SCRATCH/b.out" "$c" "$want"
  done
  if [ -n "$HUGE_DEV" ]; then
    # No path to print: the empty cell losetup prints, with no message.
    lc_expect "$loc: beyond PATH_MAX: the device is listed" \
      test -n "$(hard_lines_for "$HUGE_DEV" "$SCRATCH/b.out")"
    lc_expect "$loc: beyond PATH_MAX: its line is util-linux's" \
      test "$(hard_lines_for "$HUGE_DEV" "$SCRATCH/b.out")" = \
           "$($RUN "$REF" $LIST | LC_ALL=C awk -v d="$HUGE_DEV" 'NR > 1 && $1 == d')"
  fi
done
exit 0
