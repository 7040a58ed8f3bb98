#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# fuse.sh -- a backing file on FUSE, where the server in user space
# chooses the inode numbers.  fuse-overlayfs over two tmpfs lowers shows
# m/a.img (from lower 1) and m/sub/a.img (from lower 2) with one device
# and one inode number.  Container 1 binds m at /ct and attaches
# /ct/a.img; container 2 binds m/sub at /ct, where /ct/a.img is the other
# file with the same device and inode.  No candidate is proof there: every
# row must be util-linux's own (the sysfs path), never /ct/a.img.

. "$TESTS_SRCDIR/lib/lib.sh"
lc_need_unshare "FUSE backing files"
lc_init

[ -c /dev/fuse ] || modprobe fuse 2>/dev/null
if ! command -v fuse-overlayfs >/dev/null 2>&1 || [ ! -c /dev/fuse ]; then
  unsupported "FUSE backing files (needs fuse-overlayfs and /dev/fuse; Debian: fuse-overlayfs, fuse3)"
  exit 0
fi

ROOT=$SCRATCH/root
mkdir "$ROOT"
L1=$SCRATCH/lower1 L2=$SCRATCH/lower2 M=$SCRATCH/m
for l in "$L1" "$L2"; do
  lc_mount_new_fs tmpfs "$l" || { fail "mounting a tmpfs lower layer"; exit 0; }
done
# One directory, then one file, in each: the same inode numbers in both.
mkdir "$L1/d" "$L2/sub"
truncate -s 1M "$L1/a.img" "$L2/sub/a.img"
mkdir "$M"
# The server stays this script's child (-f), so that it is reaped once
# lc_cleanup has unmounted it (before the lowers, after the devices).
fuse-overlayfs -f -o "lowerdir=$L1:$L2" "$M" >"$SCRATCH/fuse.log" 2>&1 &
FUSE_PID=$!
trap 'lc_cleanup; wait "$FUSE_PID"' EXIT
printf '%s\n' "$M" >>"$SCRATCH/.mounts"
for _i in 1 2 3 4 5 6 7 8 9 10; do
  mountpoint -q "$M" && break
  sleep 0.5
done
if ! mountpoint -q "$M"; then
  fail "fuse-overlayfs mounts the two lowers"
  sed 's/^/  | /' "$SCRATCH/fuse.log"
  exit 0
fi

lc_expect "fuse-overlayfs shows m/a.img and m/sub/a.img with one device and inode" \
  test "$(lc_file_id "$M/a.img")" = "$(lc_file_id "$M/sub/a.img")"
lc_expect "... and they are two files" \
  test "$(lc_file_id "$L1/a.img")" != "$(lc_file_id "$L2/sub/a.img")"

lc_ct_attach "$ROOT" "$M/a.img" "$M:/ct" -- "$UL" --show -f /ct/a.img \
  || { fail "attach /ct/a.img in container 1"; exit 0; }
D=$DEV

# Container 2 binds m/sub at /ct: /ct/a.img is lower 2's file.
lc_ct_list other "" "$M/sub:/ct"
O=$SCRATCH/out/other
lc_listed_ok "m/sub at /ct" other
lc_expect_back_file "util-linux shows the cut path" "$O.ul" "$D" /a.img
lc_expect_back_file "m/sub at /ct: util-linux's row, not the other file /ct/a.img" \
  "$O" "$D" /a.img

lc_ct_list other-debug LOSETUP_CONTAINER_DEBUG=1 "$M/sub:/ct"
T=$SCRATCH/out/other-debug.err
lc_expect "m/sub at /ct, trace: why the candidate is refused" \
  grep -q "^losetup-container: debug: $D: lo_file_name \"/ct/a.img\": refused: same device and inode, but on a file system (type 0x65735546) whose inode numbers prove nothing\$" "$T"
lc_expect_back_file "m/sub at /ct, trace: the same row" \
  "$SCRATCH/out/other-debug" "$D" /a.img

# Container 2 binds m at /ct, as container 1 did: /ct/a.img is the file,
# but nothing proves it; the row is util-linux's here too.
lc_ct_list same "" "$M:/ct"
lc_listed_ok "m at /ct" same
lc_expect_back_file "m at /ct: util-linux's row" "$SCRATCH/out/same" "$D" \
  "$(lc_back_file "$SCRATCH/out/same.ul" "$D")"

# On the host the sysfs path is cut too: the mount of m is a candidate.
"$LC" -l -O NAME,BACK-FILE >"$SCRATCH/out/host" 2>"$SCRATCH/out/host.err"
"$UL" -l -O NAME,BACK-FILE >"$SCRATCH/out/host.ul" 2>&1
lc_expect_back_file "host: util-linux's row" "$SCRATCH/out/host" "$D" \
  "$(lc_back_file "$SCRATCH/out/host.ul" "$D")"
