#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hostile-kernel.sh -- /dev and /sys/block that are not what they should
# be: a device's node missing, or a file, a directory, a FIFO, a character
# device, another driver's block device, a symbolic link loop, another
# loop device's node; /sys/block entries named like loop devices that are
# not; a backing_file attribute that is a FIFO or endless; no /sys/block at
# all; no permission to open the nodes.
#
# Everything happens in this script's own mount namespace, over a /dev and
# a /sys/block made here, so nothing on the host changes and other tests'
# devices never show.  util-linux losetup runs in the very same scene: our
# listing must be its listing, byte for byte, status and stderr included,
# and neither may hang (each run is bounded by timeout).

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/hardening.sh"
lc_need_unshare "hostile /dev and /sys/block"
hard_private_namespace "$@"
lc_init
# Put the real /dev and /sys back before lc_cleanup detaches the devices.
DEV_MOUNTED= SYS_MOUNTED=
restore_scene() {
  [ -z "$SYS_MOUNTED" ] || umount /sys
  [ -z "$DEV_MOUNTED" ] || umount /dev
  hard_sysblock_restore
  umount "$SCRATCH/devfs" 2>/dev/null
  SYS_MOUNTED= DEV_MOUNTED=
}
trap 'restore_scene; lc_cleanup' EXIT

POOL=$SCRATCH/pool
mkdir "$POOL"
# Paths longer than lo_file_name keeps: the ioctl alone cannot name them.
A=$POOL/first-backing-file-with-a-name-long-enough-to-be-cut-by-the-kernel.img
B=$POOL/second-backing-file-with-a-name-long-enough-to-be-cut-by-the-kernel.img
truncate -s 1M "$A" "$B"
DA=$(lc_attach "$A") && DB=$(lc_attach "$B") || { fail "attach"; exit 0; }
NA=${DA#/dev/loop} NB=${DB#/dev/loop}

# The private /dev: a tmpfs with the few nodes any program may want.
mkdir "$SCRATCH/devfs"
mount -t tmpfs -o mode=755 lc-dev "$SCRATCH/devfs" || { fail "tmpfs /dev"; exit 0; }
dev_reset() {
  rm -rf "$SCRATCH/devfs"/* &&
  mknod -m 666 "$SCRATCH/devfs/null" c 1 3 &&
  mknod -m 666 "$SCRATCH/devfs/zero" c 1 5 &&
  mknod -m 666 "$SCRATCH/devfs/full" c 1 7 &&
  mknod -m 666 "$SCRATCH/devfs/urandom" c 1 9
}
dev_reset && mount --bind "$SCRATCH/devfs" /dev && DEV_MOUNTED=1 ||
  { fail "private /dev"; exit 0; }

# same NAME: our listing and util-linux's, in the scene as it stands.
same() {
  lc_same_output "$1" timeout 10 "$LC" $LIST -- timeout 10 "$UL" $LIST
}

# --- the scene itself, as a control ----------------------------------------
hard_sysblock_prepare "$DA" "$DB" && hard_sysblock_mount || { fail "private /sys/block"; exit 0; }
mknod "/dev/loop$NA" b 7 "$NA" && mknod "/dev/loop$NB" b 7 "$NB"
"$UL" $LIST >"$SCRATCH/control" 2>&1
lc_expect_back_file "control: util-linux sees the first device" "$SCRATCH/control" "$DA" "$A"
lc_expect_back_file "control: util-linux sees the second device" "$SCRATCH/control" "$DB" "$B"
same "control: both devices"

# --- the node of a device -------------------------------------------------
node_case() {
  _name=$1; shift
  rm -rf "/dev/loop$NA"
  "$@"
  same "node $_name"
}
node_case "missing" true
node_case "a regular file" touch "/dev/loop$NA"
node_case "a directory" mkdir "/dev/loop$NA"
node_case "a FIFO" mkfifo "/dev/loop$NA"
node_case "a character device" mknod "/dev/loop$NA" c 1 3
node_case "another driver's block device" mknod "/dev/loop$NA" b 1 250
node_case "a symbolic link to itself" ln -s "loop$NA" "/dev/loop$NA"
node_case "a symbolic link to the right node" \
  sh -c 'mknod "/dev/lc-real" b 7 "$1" && ln -s lc-real "/dev/loop$1"' sh "$NA"
rm -f /dev/lc-real
# The name says one device, the node is another: whatever is printed for
# the name must be that node's file, as losetup prints it.
rm -f "/dev/loop$NB"
node_case "another loop device's node" mknod "/dev/loop$NA" b 7 "$NB"
rm -f "/dev/loop$NA"
mknod "/dev/loop$NA" b 7 "$NA" && mknod "/dev/loop$NB" b 7 "$NB"

# /dev/loop/N, as some systems have it.
dev_reset && mkdir /dev/loop &&
  mknod "/dev/loop/$NA" b 7 "$NA" && mknod "/dev/loop/$NB" b 7 "$NB"
same "nodes in /dev/loop/"
dev_reset && mknod "/dev/loop$NA" b 7 "$NA" && mknod "/dev/loop$NB" b 7 "$NB"

# --- no permission to open the nodes --------------------------------------
chmod 600 "/dev/loop$NA" "/dev/loop$NB"
if setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$LC" 2>/dev/null; then
  lc_same_output "not root: the nodes cannot be opened" \
    setpriv --reuid=65534 --regid=65534 --clear-groups timeout 10 "$LC" $LIST -- \
    setpriv --reuid=65534 --regid=65534 --clear-groups timeout 10 "$UL" $LIST
else
  unsupported "not root: $LC cannot be run as nobody here"
fi
chmod 660 "/dev/loop$NA" "/dev/loop$NB"

# --- /sys/block entries that are not loop devices --------------------------
# fake NAME [TEXT]: a directory NAME in /sys/block, with a
# loop/backing_file holding TEXT.
fake() {
  mkdir -p "$SCRATCH/sysblock/$1/loop" &&
  printf '%s\n' "${2:-/etc/passwd}" >"$SCRATCH/sysblock/$1/loop/backing_file"
}
hard_sysblock_prepare "$DA" "$DB"
for n in loopX loop loop1a xloop0 loop-1 "loop 1" loop99999 "loop$NA.bak"; do
  fake "$n"
done
hard_sysblock_mount
same "entries named like loop devices, without nodes"
for n in loopX loop loop1a loop-1 loop99999 "loop$NA.bak"; do
  mknod "/dev/$n" b 7 "$NA"
done
same "entries named like loop devices, with loop device nodes"
dev_reset && mknod "/dev/loop$NA" b 7 "$NA" && mknod "/dev/loop$NB" b 7 "$NB"
ln -s /sys/devices/virtual/block/loop999999 "$SCRATCH/sysblock/loop999998"
touch "$SCRATCH/sysblock/loop999997"
same "a dangling link and a plain file named like loop devices"

# --- the attribute itself lies ----------------------------------------------
# The entry of a real, bound device replaced by a directory whose
# loop/backing_file says something else, is a FIFO (an open would wait for
# a writer forever) or has no end (/dev/zero).  util-linux only looks at
# the entry to find the device.
attribute_case() {
  _name=$1; shift
  hard_sysblock_prepare "$DB" && mkdir -p "$SCRATCH/sysblock/loop$NA/loop" &&
    "$@" "$SCRATCH/sysblock/loop$NA/loop/backing_file" && hard_sysblock_mount
  same "backing_file $_name"
}
attribute_case "says another path" sh -c 'printf "/etc/passwd\n" >"$1"' sh
attribute_case "is empty" touch
attribute_case "is a FIFO" mkfifo
attribute_case "has no end" ln -s /dev/zero
attribute_case "is huge" truncate -s 256M

# --- no /sys/block at all: /proc/partitions, as losetup falls back ----------
hard_sysblock_restore
if mount -t tmpfs lc-nosys /sys && SYS_MOUNTED=1; then
  same "no /sys/block: devices from /proc/partitions"
  umount /sys && SYS_MOUNTED=
else
  fail "no /sys/block: tmpfs over /sys"
fi
exit 0
