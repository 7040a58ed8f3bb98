#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# ul-roots.sh -- the byte-identity tests against other util-linux versions.
#
# For each suite (Debian 12 bookworm: util-linux 2.38; Debian 13 trixie:
# 2.41; Debian unstable sid: the newest), a cached debootstrap root
# (tests/lib/roots.sh), and in it, with that root's losetup,
# libsmartcols and libmount and this build's program bound in
# (tests/lib/ul-target.sh), the scripts that compare with losetup:
# host listings, the plain printer and terminals, missing and foreign
# /dev nodes, the pass-through matrix, the detection table and backing
# files with odd names (newline, invalid UTF-8, UTF-8 escaped by locale,
# a literal backslash-x).  Their results come back prefixed with the
# suite's name.
#
# A machine without debootstrap or without the archive reports
# UNSUPPORTED.
#
# Environment (besides roots.sh's):
#   LOSETUP_CONTAINER_SKIP_PACKAGING_TESTS  set: report UNSUPPORTED and stop
#     (the roots take minutes to make the first time)
#   LOSETUP_CONTAINER_TEST_UL_SUITES  the suites ("bookworm trixie sid")

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/roots.sh"

WHAT="util-linux of other releases"
if [ -n "${LOSETUP_CONTAINER_SKIP_PACKAGING_TESTS:-}" ]; then
  unsupported "$WHAT (LOSETUP_CONTAINER_SKIP_PACKAGING_TESTS is set)"
  exit 0
fi
lc_need_unshare "$WHAT"
missing=$(roots_missing)
if [ -n "$missing" ]; then
  unsupported "$WHAT (missing:$missing)"
  exit 0
fi
SUITES=${LOSETUP_CONTAINER_TEST_UL_SUITES:-bookworm trixie sid}
# Each beside the .exp of its own area, named relative to tests/.
SCRIPTS="losetup-container.listing/host.sh
         losetup-container.listing/plain.sh
         losetup-container.listing/lost.sh
         losetup-container.listing/nodes.sh
         losetup-container.passthrough/passthrough.sh
         losetup-container.detect/forms.sh
         losetup-container.hardening/hostile-files.sh"

lc_init
trap 'roots_cleanup; lc_cleanup' EXIT

roots_lock || exit 0
READY=
for suite in $SUITES; do
  roots_cached "$suite"
  case $? in
    0) READY="$READY $suite" ;;
    2) unsupported "$suite: $GOT" ;;
    *) fail "$suite: debootstrap --variant=minbase --include=mount $suite" ;;
  esac
done
# The roots are only read from here on: other runs may read them too.
roots_share

for suite in $READY; do
  root=$CACHE/$suite-$ARCH
  ref=$(ul_target_losetup "$root")
  if [ -z "$ref" ]; then
    fail "$suite: the root has util-linux losetup"
    continue
  fi
  echo "$suite: $(chroot "$root" "$ref" --version)"
  for script in $SCRIPTS; do
    name=$(basename "$script" .sh)
    LC_UL_ROOT=$root sh "$TESTS_SRCDIR/$script" >"$SCRATCH/$suite.$name" 2>&1
    status=$?
    sed -E "s/^(PASS|FAIL|UNSUPPORTED|UNTESTED): /\\1: $suite: /" \
      "$SCRATCH/$suite.$name"
    lc_expect "$suite: $name.sh ends normally (status $status)" test $status = 0
  done
done
exit 0
