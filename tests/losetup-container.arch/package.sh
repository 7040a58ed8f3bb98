#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# package.sh -- the package cross-built for each architecture
# (tests/lib/arch.sh): its program is a program of that architecture, and
# in a throwaway copy of that architecture's Debian root it installs with
# dpkg, diverts util-linux losetup, stands in front of it, hands calls to
# it, and goes again leaving losetup as it was.  The expectations come
# from the root's own dpkg and util-linux, recorded before the package
# came.
#
# Environment: as tests/lib/arch.sh and tests/lib/roots.sh say.

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/roots.sh"
. "$TESTS_SRCDIR/lib/arch.sh"

WHAT="packages of other architectures"
lc_init
trap arch_cleanup EXIT
arch_setup "$WHAT"

# t COMMAND [ARG]...: runs COMMAND in the copy of the root of $A.
t() { arch_in_overlay "$R" "$SCRATCH/ov-$A" "$@"; }

for A in $READY; do
  R=$(arch_root "$A")
  DEB=$(arch_deb "$A")
  echo "$A: $(basename "$DEB") in $(basename "$R")"
  rm -rf "$SCRATCH/x"
  dpkg-deb -x "$DEB" "$SCRATCH/x"
  lc_expect "$A: the package's program is an ELF program for $A ($(arch_elf "$A"))" \
    test "$(arch_elf_of "$SCRATCH/x/usr/sbin/$PKG")" = "$(arch_elf "$A")"
  lc_expect "$A: the package says Architecture: $A" \
    test "$(dpkg-deb -f "$DEB" Architecture)" = "$A"

  mkdir -p "$SCRATCH/ov-$A/upper/tmp/lc"
  cp "$DEB" "$SCRATCH/ov-$A/upper/tmp/lc/"
  deb=/tmp/lc/$(basename "$DEB")
  ul=$(t dpkg-query -L mount | grep -x -e /sbin/losetup -e /usr/sbin/losetup)
  { t losetup --version 2>&1; echo "status $?"; } >"$SCRATCH/version.ul"
  lc_expect "$A: the root's losetup is util-linux's ($(head -n 1 "$SCRATCH/version.ul"))" \
    grep -q util-linux "$SCRATCH/version.ul"
  t sh -c 'find /usr /etc -xdev -printf "%p %y %l %m\n" | sort' >"$SCRATCH/tree.before"

  if t dpkg -i "$deb" >"$LOG/$A.install" 2>&1; then
    pass "$A: dpkg -i installs the package in the $A root"
  else
    fail "$A: dpkg -i installs the package in the $A root"
    lc_log_tail "$LOG/$A.install"
    continue
  fi
  true_name=$(t dpkg-divert --truename "$ul")
  lc_expect "$A: dpkg diverts $ul (to $true_name)" test "$true_name" != "$ul"
  lc_expect "$A: $ul resolves to /usr/sbin/$PKG" \
    test "$(t readlink -f "$ul")" = "/usr/sbin/$PKG"
  lc_expect "$A: util-linux losetup is a file at $true_name" \
    t sh -c "test -f '$true_name' && ! test -L '$true_name'"
  lc_same_as_before "$SCRATCH/version.ul" \
    "$A: losetup --version, run by the package's program, is util-linux's" \
    t losetup --version
  st=$(t sh -c 'LOSETUP_CONTAINER_ORIGINAL_LOSETUP=/nonexistent losetup --version >/dev/null 2>&1; echo $?')
  lc_expect "$A: losetup found on PATH is the package's program (127 without an original)" \
    test "$st" = 127
  t "$PKG" --version >"$SCRATCH/lcv" 2>&1
  lc_expect "$A: $PKG --version runs and names $true_name as the original" \
    grep -qx "Original losetup: $true_name" "$SCRATCH/lcv"
  lc_expect "$A: dpkg --verify mount finds every file intact" \
    test -z "$(t dpkg --verify mount 2>&1)"

  if t dpkg --purge "$PKG" >"$LOG/$A.purge" 2>&1; then
    pass "$A: dpkg --purge removes the package"
  else
    fail "$A: dpkg --purge removes the package"
    lc_log_tail "$LOG/$A.purge"
  fi
  lc_expect "$A, purged: no diversion of losetup is left" \
    test -z "$(t dpkg-divert --list '*losetup*')"
  lc_same_as_before "$SCRATCH/version.ul" \
    "$A, purged: losetup --version is util-linux's" t losetup --version
  t sh -c 'find /usr /etc -xdev -printf "%p %y %l %m\n" | sort' >"$SCRATCH/tree.now"
  if cmp -s "$SCRATCH/tree.before" "$SCRATCH/tree.now"; then
    pass "$A, purged: /usr and /etc are as before the installation"
  else
    fail "$A, purged: /usr and /etc are as before the installation"
    diff "$SCRATCH/tree.before" "$SCRATCH/tree.now" | sed 's/^/  | /'
  fi
  rm -rf "$SCRATCH/ov-$A"
done
exit 0
