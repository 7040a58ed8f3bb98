#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# scripts.sh -- the byte-identity tests on the other architectures.
#
# For each architecture (tests/lib/arch.sh), in its cached Debian root,
# against that root's losetup, libsmartcols and libmount, with the
# program of the package cross-built for it bound in
# (tests/lib/ul-target.sh), the scripts that
# tests/losetup-container.versions/ul-roots.sh runs in the roots of other
# Debian releases: host listings with odd names, missing and foreign /dev
# nodes, the plain printer and terminals, hostile backing files, the
# detection table and the pass-through matrix.  The root's programs run
# under qemu-user (through binfmt_misc), i386 natively; the devices are
# attached on this machine.  Results come back prefixed with the
# architecture's name.
#
# Environment: as tests/lib/arch.sh and tests/lib/roots.sh say.

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/roots.sh"
. "$TESTS_SRCDIR/lib/arch.sh"

WHAT="util-linux of other architectures"
lc_init
trap arch_cleanup EXIT
arch_setup "$WHAT"

# Each beside the .exp of its own area, named relative to tests/.
SCRIPTS="losetup-container.listing/host.sh
         losetup-container.listing/plain.sh
         losetup-container.listing/lost.sh
         losetup-container.passthrough/passthrough.sh
         losetup-container.detect/forms.sh
         losetup-container.hardening/hostile-files.sh"

for A in $READY; do
  root=$(arch_root "$A")
  ref=$(ul_target_losetup "$root")
  if [ -z "$ref" ]; then
    fail "$A: the root has util-linux losetup"
    continue
  fi
  mkdir "$SCRATCH/x-$A"
  dpkg-deb -x "$(arch_deb "$A")" "$SCRATCH/x-$A"
  lc=$SCRATCH/x-$A/usr/sbin/$PKG
  echo "$A: $(chroot "$root" "$ref" --version)"
  for script in $SCRIPTS; do
    name=$(basename "$script" .sh)
    LOSETUP_CONTAINER=$lc LC_UL_ROOT=$root sh "$TESTS_SRCDIR/$script" \
      >"$SCRATCH/$A.$name" 2>&1
    status=$?
    sed -E "s/^(PASS|FAIL|UNSUPPORTED|UNTESTED): /\\1: $A: /" \
      "$SCRATCH/$A.$name"
    lc_expect "$A: $name.sh ends normally (status $status)" test $status = 0
  done
done
exit 0
