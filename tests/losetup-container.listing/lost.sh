#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# lost.sh -- containers whose /dev lacks the loop nodes, or has
# nodes that are other devices: the listing is losetup's to the byte.
# util-linux 2.40 and later list a bound device whose node is missing as
# "/dev/loopN (lost)"; older ones leave it out.  Against this machine's
# losetup, or in a root given by LC_UL_ROOT (tests/lib/ul-target.sh).

. "$TESTS_SRCDIR/lib/lib.sh"
lc_need_unshare "lost nodes"
lc_init

version=$(ul_target_version)
echo "util-linux $version"
[ -n "$version" ] || { fail "lost nodes: the version of $REF"; exit 0; }
# The versions that list lost rows, as src/ulversions.c records them.
if "$HELPERS/ul-has" lost-rows "$version"; then lost=yes; else lost=no; fi

F=$SCRATCH/files
mkdir "$F"
for name in a.img b.img "c d.img"; do
  truncate -s 1M "$F/$name"
  lc_attach "$F/$name" >"$SCRATCH/dev.$name" || { fail "attach $name"; exit 0; }
done
A=$(cat "$SCRATCH/dev.a.img") B=$(cat "$SCRATCH/dev.b.img")
# One more, attached inside a container that is gone: its path is cut.
mkdir "$SCRATCH/pool" "$SCRATCH/ct"
truncate -s 1M "$SCRATCH/pool/v.img"
lc_ct_attach "$SCRATCH/ct" "$SCRATCH/pool/v.img" "$SCRATCH/pool:/pool" -- \
  "$UL" --show -f /pool/v.img || { fail "attach in a container"; exit 0; }
V=$DEV

# has_row LISTING ROW: LISTING has ROW, the padding squeezed to one space.
has_row() {
  sed 's/   */ /' "$1" | grep -qxF "$2"
}
# expect_lost WHAT LISTING DEVICE BACK-FILE: from 2.40 on, LISTING has the
# row "DEVICE (lost) BACK-FILE"; before, no row of DEVICE.
expect_lost() {
  if [ $lost = yes ]; then
    lc_expect "$version: $1: listed as lost" has_row "$2" "$3 (lost) $4"
  else
    lc_expect "$version: $1: left out" sh -c '! grep -q "^$1 " "$2"' sh "$3" "$2"
  fi
}

# compare WHAT DEVDIR: our listing and losetup's in a container whose /dev
# is DEVDIR; the same bytes.
compare() {
  # shellcheck disable=SC2086
  LC_UL_DEV=$2 lc_same_output "$version: $1: same bytes as losetup" \
    ul_target_run "$LC" $LIST -- ul_target_run "$REF" $LIST
}

lc_make_devdir nodes
compare "no loop node at all" "$SCRATCH/nodes"
# What losetup itself does there, from the devices this test attached.
LC_UL_DEV=$SCRATCH/nodes ul_target_run "$REF" $LIST >"$SCRATCH/theirs" 2>&1
expect_lost "losetup, a device without node" "$SCRATCH/theirs" "$A" "$F/a.img"

# Nodes that are other devices: A's name for B's node, B's name for
# /dev/null, and a regular file in the place of the third.
lc_make_devdir others
mknod "$SCRATCH/others/${A#/dev/}" b 7 "${B#/dev/loop}"
mknod "$SCRATCH/others/${B#/dev/}" c 1 3
: >"$SCRATCH/others/$(basename "$(cat "$SCRATCH/dev.c d.img")")"
compare "nodes that are other devices" "$SCRATCH/others"

# /dev/loop/N nodes (a directory /dev/loop), all missing.
lc_make_devdir subdir
mkdir "$SCRATCH/subdir/loop"
compare "an empty /dev/loop directory" "$SCRATCH/subdir"

# The lost device whose path is cut: with no node there are no ioctl
# facts to prove another path by, so the row keeps the sysfs path, as
# losetup prints it, bind mounts named or not.
LC_UL_DEV=$SCRATCH/nodes LOSETUP_CONTAINER_BIND_MOUNTS=$SCRATCH/pool \
  ul_target_run "$LC" $LIST >"$SCRATCH/ours" 2>"$SCRATCH/ours.err"
expect_lost "a cut path without node keeps the sysfs path" "$SCRATCH/ours" \
  "$V" /v.img
lc_expect "$version: nothing on stderr" test ! -s "$SCRATCH/ours.err"
exit 0
