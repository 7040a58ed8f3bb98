#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# dead-container.sh -- on each architecture, a loop device left by a
# container that has exited, the case the program is for.  In the
# architecture's Debian root (tests/lib/arch.sh, tests/lib/ul-target.sh),
# a container binds a pool directory and the root's own losetup attaches
# an image through it; the container ends.  In a second container that
# binds the same pool elsewhere, the root's losetup shows the path the
# kernel cut ("/IMAGE"), and the program of the package cross-built for
# that architecture shows where the image is in this container.  Once
# with a short path, once with one longer than the 63 bytes the kernel
# keeps of lo_file_name, and once on XFS with an inode number above 2^32
# (32-bit user space: the inode comes through stat() whole only when the
# program is built for 64-bit inode numbers).
#
# Environment: as tests/lib/arch.sh and tests/lib/roots.sh say.

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/roots.sh"
. "$TESTS_SRCDIR/lib/arch.sh"

WHAT="a dead container's device on other architectures"
lc_init
trap arch_cleanup EXIT
arch_setup "$WHAT"

POOL=$SCRATCH/pool
mkdir "$POOL"

# xfs_pool: sets XPOOL to a directory on a new XFS (a sparse 8 TiB image
# on a loop device of this script's) whose files get inode numbers above
# 2^32: XFS gives each new directory's files inodes in another
# allocation group, and on a file system this large the third group's
# start there.  Returns 2 when XFS is missing here, 1 on failure.
xfs_pool() {
  command -v mkfs.xfs >/dev/null 2>&1 && lc_fs_known xfs || return 2
  _img=$SCRATCH/xfs.img
  truncate -s 8T "$_img" || return 1
  _dev=$(lc_attach "$_img") || return 1
  mkdir "$SCRATCH/xfs"
  if ! mkfs.xfs -q "$_dev" >"$SCRATCH/mkfs.log" 2>&1 \
     || ! mount -t xfs "$_dev" "$SCRATCH/xfs" 2>>"$SCRATCH/mkfs.log"; then
    lc_log_tail "$SCRATCH/mkfs.log"
    return 1
  fi
  printf '%s\n' "$SCRATCH/xfs" >>"$SCRATCH/.mounts"
  for _i in 1 2 3 4 5 6 7 8; do
    mkdir "$SCRATCH/xfs/d$_i"
    : >"$SCRATCH/xfs/d$_i/probe"
    if [ "$(stat -c %i "$SCRATCH/xfs/d$_i/probe")" -gt 4294967295 ]; then
      XPOOL=$SCRATCH/xfs/d$_i
      return 0
    fi
  done
  return 1
}

# scene ARCH POOL IMAGE CT1: attaches POOL/IMAGE in a container of ARCH's
# root that binds POOL at CT1, and lists in one that binds it at
# /data/pool.
scene() {
  POOL=$2 _img=$3 _ct1=$4
  truncate -s 1M "$POOL/$_img"
  echo "$1: $POOL/$_img: inode $(stat -c %i "$POOL/$_img")"
  ul_target_run unshare -m sh -c '
    mkdir -p "$2" && mount --bind "$1" "$2" && exec "$3" --show -f "$2/$4"' \
    sh "$POOL" "$_ct1" "$REF" "$_img" >"$SCRATCH/dev" 2>"$SCRATCH/dev.err"
  DEV=$(cat "$SCRATCH/dev")
  case $DEV in
    /dev/loop*) lc_record_device "$DEV" "$POOL/$_img" ;;
    *) fail "$1: the root's losetup attaches $_ct1/$_img in a container"
       lc_log_tail "$SCRATCH/dev.err"
       return ;;
  esac
  for _who in ours theirs; do
    if [ $_who = ours ]; then _prog=$LC; else _prog=$REF; fi
    ul_target_run unshare -m sh -c '
      mkdir -p /data/pool && mount --bind "$1" /data/pool && shift && exec "$@"' \
      sh "$POOL" "$_prog" $LIST >"$SCRATCH/$_who" 2>"$SCRATCH/$_who.err"
    echo $? >"$SCRATCH/$_who.status"
  done
  lc_expect_back_file "$1: $_ct1/$_img: the root's losetup shows the path the kernel cut" \
    "$SCRATCH/theirs" "$DEV" "/$_img"
  lc_expect_back_file "$1: $_ct1/$_img: corrected to where it is in this container" \
    "$SCRATCH/ours" "$DEV" "/data/pool/$_img"
  lc_expect "$1: $_ct1/$_img: exit status 0 and nothing on stderr" \
    test "$(cat "$SCRATCH/ours.status")" = 0 -a ! -s "$SCRATCH/ours.err"
  lc_expect "$1: $_ct1/$_img: the same heading as the root's losetup" \
    test "$(head -n 1 "$SCRATCH/ours" | tr -s ' ')" \
      = "$(head -n 1 "$SCRATCH/theirs" | tr -s ' ')"
  "$UL" -d "$DEV"
}

xfs_pool
case $? in
  0) ;;
  2) unsupported "$WHAT: inode numbers above 2^32 (no XFS here: mkfs.xfs from xfsprogs)" ;;
  *) fail "$WHAT: an XFS with inode numbers above 2^32" ;;
esac

for A in $READY; do
  LC_UL_ROOT=$(arch_root "$A")
  REF=$(ul_target_losetup "$LC_UL_ROOT")
  mkdir "$SCRATCH/x-$A"
  dpkg-deb -x "$(arch_deb "$A")" "$SCRATCH/x-$A"
  LC=$SCRATCH/x-$A/usr/sbin/$PKG
  scene "$A" "$SCRATCH/pool" "pvc-$A.img" /ct1
  scene "$A" "$SCRATCH/pool" \
    "pvc-3f9a1c2e-5b7d-4e8f-a0b1-c2d3e4f5a6b7-$A-00000.img" \
    /var-lib/linstor-pools/pool1
  [ -z "${XPOOL:-}" ] || scene "$A" "$XPOOL" "big-inode-$A.img" /ct1
done
exit 0
