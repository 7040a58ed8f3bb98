# SPDX-License-Identifier: GPL-3.0-or-later
# tests/lib/arch.sh -- the other architectures the images ship: their
# Debian roots, qemu-user through binfmt_misc, and the package cross-built
# for each.  Sourced by tests/losetup-container.arch/ (dead-container,
# package, scripts) after tests/lib/lib.sh and tests/lib/roots.sh.  Its
# helpers start with arch_.
#
# For each architecture ARCH (Debian's name):
#   - a cached root (roots.sh's roots_cached SUITE ARCH), of Debian 13 for
#     arm64 and i386, of unstable for s390x and ppc64el (big-endian: the
#     newest util-linux there; the archive reachable from the test
#     machines lacks some of trixie's packages for these two);
#   - qemu-user's handler registered with binfmt_misc, so that the root's
#     programs run (i386 runs natively on a 64-bit x86 kernel);
#   - the package, built by "dpkg-buildpackage -a ARCH" with Debian's
#     cross compiler in a cached Debian 12 amd64 root that holds the cross
#     toolchains and the Build-Depends of each architecture, kept in
#     $TESTS_BUILDDIR/arch-debs for the other tests of the same source.
#
# Environment (besides roots.sh's):
#   LOSETUP_CONTAINER_TEST_ARCHES  the architectures ("arm64 s390x ppc64el
#     i386"; armhf is known too)

ARCHES=${LOSETUP_CONTAINER_TEST_ARCHES:-arm64 s390x ppc64el i386}
BINFMT=/proc/sys/fs/binfmt_misc
CROSS_SUITE=bookworm
PKG=losetup-container

# arch_suite ARCH: prints the Debian suite of ARCH's root.
arch_suite() {
  case $1 in
    s390x|ppc64el) echo sid ;;
    *) echo trixie ;;
  esac
}

# arch_qemu ARCH: prints the name of qemu-user's binfmt_misc handler for
# ARCH ("aarch64" for qemu-aarch64), nothing when it runs natively here.
arch_qemu() {
  case $1 in
    "$ARCH") ;;
    i386) [ "$ARCH" = amd64 ] || echo i386 ;;
    arm64) echo aarch64 ;;
    armhf) echo arm ;;
    ppc64el) echo ppc64le ;;
    *) echo "$1" ;;
  esac
}

# arch_elf ARCH: prints what the ELF header of ARCH's programs holds at
# bytes 4-5 and 18-19 (class, data, e_machine as stored), as od -An -tx1
# prints them squeezed: the build is for ARCH, not for this machine.
arch_elf() {
  case $1 in
    amd64) echo "02 01 3e 00" ;;
    arm64) echo "02 01 b7 00" ;;
    s390x) echo "02 02 00 16" ;;
    ppc64el) echo "02 01 15 00" ;;
    i386) echo "01 01 03 00" ;;
    armhf) echo "01 01 28 00" ;;
  esac
}

# arch_elf_of FILE: the bytes arch_elf names, of FILE.
arch_elf_of() {
  { od -An -tx1 -j4 -N2 "$1"; od -An -tx1 -j18 -N2 "$1"; } | tr -s ' \n' '  ' \
    | sed 's/^ //; s/ $//'
}

# ---------------------------------------------------------- binfmt_misc
# Handlers this suite registered, and whether it mounted binfmt_misc, are
# recorded in $CACHE/.binfmt-ours; every run that uses them holds a shared
# lock on $CACHE/.binfmt.lock (descriptor 8) and the last one out takes
# them away again, leaving the machine's registration as it was.

# arch_binfmt_enter: registers the handlers of $ARCHES that are missing, from
# qemu-user-static's /usr/lib/binfmt.d files (mounting binfmt_misc first
# when it is not).  Returns 1 with the reason in GOT when it cannot.
arch_binfmt_enter() {
  exec 8>"$CACHE/.binfmt.lock"
  flock -w 3600 8 || { GOT="$CACHE/.binfmt.lock stayed locked"; return 1; }
  if [ ! -e "$BINFMT/register" ]; then
    if ! mount -t binfmt_misc binfmt_misc "$BINFMT" 2>/dev/null; then
      GOT="cannot mount binfmt_misc at $BINFMT"
      flock -u 8
      return 1
    fi
    echo mounted >>"$CACHE/.binfmt-ours"
  fi
  for _a in $ARCHES; do
    _q=$(arch_qemu "$_a")
    [ -n "$_q" ] && [ ! -e "$BINFMT/qemu-$_q" ] || continue
    _conf=/usr/lib/binfmt.d/qemu-$_q.conf
    if [ ! -f "$_conf" ] || ! grep -v '^#' "$_conf" >"$BINFMT/register"; then
      GOT="cannot register qemu-$_q with binfmt_misc ($_conf: qemu-user-static)"
      flock -s 8
      return 1
    fi
    echo "qemu-$_q" >>"$CACHE/.binfmt-ours"
  done
  flock -s 8
}

# arch_binfmt_leave: when no other run uses them any more, takes away the
# handlers registered by arch_binfmt_enter and unmounts what it mounted.
arch_binfmt_leave() {
  flock -n -x 8 2>/dev/null || return 0
  if [ -f "$CACHE/.binfmt-ours" ]; then
    grep '^qemu-' "$CACHE/.binfmt-ours" | sort -u | while read -r _h; do
      [ ! -e "$BINFMT/$_h" ] || echo -1 >"$BINFMT/$_h"
    done
    if grep -qx mounted "$CACHE/.binfmt-ours"; then
      umount "$BINFMT" 2>/dev/null
    fi
    rm -f "$CACHE/.binfmt-ours"
  fi
  flock -u 8
}

# ---------------------------------------------------------------- roots
# arch_roots: makes the cached roots of $ARCHES that are missing, all at
# once (debootstrap's second stage under qemu is one slow process per
# root), with the cache lock held; reports a FAIL or UNSUPPORTED for each
# root that cannot be made.  Sets READY to the architectures whose root is
# there.
arch_roots() {
  READY=
  for _a in $ARCHES; do
    NEW_ROOTS="$NEW_ROOTS $CACHE/$(arch_suite "$_a")-$_a.new"
    ( roots_cached "$(arch_suite "$_a")" "$_a" >"$LOG/root-$_a.out" 2>&1
      _st=$?
      echo "$GOT" >"$LOG/root-$_a.why"
      echo $_st >"$LOG/root-$_a.status" ) &
  done
  wait
  for _a in $ARCHES; do
    cat "$LOG/root-$_a.out"
    _s=$(arch_suite "$_a")
    case $(cat "$LOG/root-$_a.status") in
      0) READY="$READY $_a" ;;
      2) unsupported "$_a: $(cat "$LOG/root-$_a.why" 2>/dev/null)" ;;
      *) fail "$_a: debootstrap --arch=$_a --variant=minbase --include=mount $_s" ;;
    esac
  done
}

# arch_root ARCH: prints the cached root of ARCH.
arch_root() {
  echo "$CACHE/$(arch_suite "$1")-$1"
}

# ------------------------------------------------------- cross building
# arch_cross_root: sets GOT to the cached root the packages are built in: the
# Debian 12 amd64 root, the foreign architectures of $ARCHES added to
# dpkg, crossbuild-essential-ARCH and the Build-Depends for ARCH ("apt-get
# build-dep -a ARCH", without the test suite's) of each (roots.sh's
# roots_derived).  Made again when the source stanza of debian/control or
# the list changes.  Returns as roots_cached does.
arch_cross_root() {
  roots_cached "$CROSS_SUITE" || return $?
  # shellcheck disable=SC2086
  roots_derived "$GOT" "cross-$CROSS_SUITE-$ARCH" \
    "$( { sed '/^$/q' "$TOP_SRCDIR/debian/control"; echo $ARCHES; } \
          | md5sum | cut -c1-12)" \
    "$LOG/cross-root" '
      for a; do dpkg --add-architecture "$a"; done
      apt-get update
      apt-get install -y --no-install-recommends build-essential \
        $(for a; do echo "crossbuild-essential-$a"; done)
      for a; do
        apt-get build-dep -y -a "$a" -P nocheck,cross \
          -o APT::Install-Recommends=false /tmp/lc-deps
      done
      apt-get clean
      rm -rf /tmp/lc-deps' $ARCHES
}

# arch_in_overlay ROOT WORK COMMAND [ARG]...: runs COMMAND chrooted into a
# writable copy of ROOT that costs nothing to make: an overlay whose
# changes go to WORK (a directory, made here), in a mount namespace of
# its own, with its own /proc and a clean environment.  The copy lasts as
# long as WORK: run again on the same WORK, it is the same copy.
arch_in_overlay() {
  _root=$1 _work=$2; shift 2
  mkdir -p "$_work/upper" "$_work/work" "$_work/merged"
  unshare -m --propagation private -- sh -c '
    root=$1 w=$2; shift 2
    mount -t overlay lc-overlay \
      -o "lowerdir=$root,upperdir=$w/upper,workdir=$w/work" "$w/merged" \
      || exit 125
    mount -t proc lc-proc "$w/merged/proc" || exit 125
    exec chroot "$w/merged" /usr/bin/env -i \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root LC_ALL=C DEBIAN_FRONTEND=noninteractive \
      ${http_proxy:+http_proxy=$http_proxy} "$@"
  ' sh "$_root" "$_work" "$@"
}

# arch_source_tar FILE: writes the source as git has it (tracked files and
# untracked ones it does not ignore, as a fresh clone with work in
# progress would have them) to the tar FILE, the same bytes for the same
# files.  Returns 1 when the source is not the top of a git checkout.
arch_source_tar() {
  _top=$(git -C "$TOP_SRCDIR" -c safe.directory="$TOP_SRCDIR" \
           rev-parse --show-toplevel 2>/dev/null) || return 1
  [ "$(cd "$_top" && pwd -P)" = "$(cd "$TOP_SRCDIR" && pwd -P)" ] || return 1
  ( cd "$TOP_SRCDIR" &&
    git -c safe.directory="$TOP_SRCDIR" ls-files -z --cached --others \
      --exclude-standard \
    | xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh \
    | tar --null -T - --sort=name --mtime=@0 --owner=0 --group=0 \
        --numeric-owner -cf - ) >"$1"
}

# arch_cross_debs: builds the package for each architecture of READY that has
# none for this source yet (all at once, each in an overlay of the cross
# build root), into $DEBS/ARCH/.  Sets DEBS; reports a FAIL for each build
# that fails and drops that architecture from READY.  The source must be
# in $SCRATCH/src.tar (arch_source_tar) and the cross root in $XROOT.
arch_cross_debs() {
  _key=$(md5sum <"$SCRATCH/src.tar" | cut -c1-12)
  DEBS=$TESTS_BUILDDIR/arch-debs/$_key
  for _a in $READY; do
    ls "$DEBS/$_a/${PKG}_"*"_$_a.deb" >/dev/null 2>&1 && continue
    (
      _w=$SCRATCH/build-$_a
      mkdir -p "$_w/upper/build/$PKG"
      tar -C "$_w/upper/build/$PKG" -xf "$SCRATCH/src.tar"
      arch_in_overlay "$XROOT" "$_w" sh -c "cd /build/$PKG &&
        DEB_BUILD_OPTIONS='nocheck parallel=2' dpkg-buildpackage -us -uc -B -a $_a -Pnocheck,cross" \
        >"$LOG/build-$_a" 2>&1
      echo $? >"$LOG/build-$_a.status"
    ) &
  done
  wait
  _ok=
  for _a in $READY; do
    if [ -f "$LOG/build-$_a.status" ]; then
      if [ "$(cat "$LOG/build-$_a.status")" = 0 ]; then
        pass "$_a: dpkg-buildpackage -a $_a with Debian's cross compiler"
        rm -rf "${DEBS:?}/$_a"
        mkdir -p "$DEBS/$_a"
        cp "$SCRATCH/build-$_a/upper/build/"*.deb "$DEBS/$_a/"
      else
        fail "$_a: dpkg-buildpackage -a $_a with Debian's cross compiler"
        lc_log_tail "$LOG/build-$_a" 40
      fi
      rm -rf "$SCRATCH/build-$_a"
    fi
    if ls "$DEBS/$_a/${PKG}_"*"_$_a.deb" >/dev/null 2>&1; then
      _ok="$_ok $_a"
    fi
  done
  READY=$_ok
}

# arch_deb ARCH: prints the package built for ARCH.
arch_deb() {
  ls "$DEBS/$1/${PKG}_"*"_$1.deb" 2>/dev/null | head -n 1
}

# arch_setup WHAT: everything the tests of the area need, for $ARCHES:
# the checks of the machine (UNSUPPORTED and exit when one is missing),
# binfmt_misc, the roots, the cross build root and the packages.  Sets
# READY to the architectures that have both a root and a package, DEBS,
# XROOT and LOG.  Call after lc_init; set the EXIT trap to arch_cleanup.
arch_setup() {
  if [ -n "${LOSETUP_CONTAINER_SKIP_PACKAGING_TESTS:-}" ]; then
    unsupported "$1 (LOSETUP_CONTAINER_SKIP_PACKAGING_TESTS is set)"
    exit 0
  fi
  lc_need_unshare "$1"
  _missing=$(roots_missing git md5sum od)
  if [ -n "$_missing" ]; then
    unsupported "$1 (missing:$_missing)"
    exit 0
  fi
  : "${TOP_SRCDIR:?run through make check}"
  if ! arch_source_tar "$SCRATCH/src.tar"; then
    unsupported "$1 ($TOP_SRCDIR is not the top of a git checkout: the packages are built from one)"
    exit 0
  fi
  LOG=$SCRATCH/log
  ROOTS_LOG=$LOG
  mkdir -p "$LOG"
  roots_lock || exit 0
  if ! arch_binfmt_enter; then
    fail "$1: qemu-user through binfmt_misc: $GOT"
    exit 0
  fi
  arch_roots
  roots_get_or_end "$1" "make the $CROSS_SUITE cross build root (crossbuild-essential, build-dep -a)" \
    arch_cross_root
  XROOT=$GOT
  # The roots are only read from here on.
  roots_share
  arch_cross_debs
}

# arch_cleanup: the EXIT trap of the area's scripts.
arch_cleanup() {
  roots_cleanup
  arch_binfmt_leave
  lc_cleanup
}
