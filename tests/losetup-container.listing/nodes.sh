#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# nodes.sh -- containers whose /dev has loop nodes that are not the device
# their name says: swapped nodes (loopA = B's number and back), a
# partition's node in loopA's place, a character node 7:A, a node for a
# minor with no device, and a /dev the user may not search (mode 0700).
# The listing must be util-linux losetup's to the byte, as root and as an
# unprivileged user, and must create no device (opening a node for a
# minor with no device makes the kernel create one; util-linux never
# opens a node to list).  Against this machine's losetup, or in a root
# given by LC_UL_ROOT (tests/lib/ul-target.sh).

. "$TESTS_SRCDIR/lib/lib.sh"
lc_need_unshare "nodes that are other devices"
if ! command -v sfdisk >/dev/null 2>&1; then
  unsupported "nodes that are other devices (sfdisk, from fdisk, is missing)"
  exit 0
fi
lc_init
CREATED=
# A device this script made the kernel create, if any, is removed again.
trap '[ -z "$CREATED" ] || "$HELPERS/loop-remove" "$CREATED"; lc_cleanup' EXIT

version=$(ul_target_version)
echo "util-linux $version"
[ -n "$version" ] || { fail "nodes: the version of $REF"; exit 0; }

F=$SCRATCH/files
mkdir "$F"
for name in a.img b.img; do
  truncate -s 1M "$F/$name"
  lc_attach "$F/$name" >"$SCRATCH/dev.$name" || { fail "attach $name"; exit 0; }
done
A=$(cat "$SCRATCH/dev.a.img") B=$(cat "$SCRATCH/dev.b.img")
# devno DEVICE: prints the MAJ:MIN sysfs gives for /dev/loopN or loopNpM.
devno() {
  cat "/sys/class/block/${1#/dev/}/dev"
}
MA=$(devno "$A") MB=$(devno "$B")

# A device with a partition table, its partition's node (259:x, or 7:x
# with max_part).
truncate -s 8M "$F/parted.img"
echo 'start=2048, size=8192, type=83' | sfdisk -q "$F/parted.img" >/dev/null \
  || { fail "sfdisk"; exit 0; }
P=$("$UL" -P --show -f "$F/parted.img") || { fail "attach with -P"; exit 0; }
lc_record_device "$P" "$F/parted.img"
PART=${P#/dev/}p1
[ -e "/sys/class/block/$PART" ] || partx -a "$P" 2>/dev/null
for _i in $(seq 30); do
  [ -e "/sys/class/block/$PART/dev" ] && break
  sleep 0.1
done
MP=$(devno "$PART") || { fail "the partition of $P"; exit 0; }
echo "devices: $A=$MA $B=$MB $P, $PART=$MP"

# A loop index with no device, and the minor the driver would give it.
shift_bits=0 max_part=$(cat /sys/module/loop/parameters/max_part 2>/dev/null)
while [ $(( (1 << shift_bits) - 1 )) -lt "${max_part:-0}" ]; do
  shift_bits=$((shift_bits + 1))
done
FREE=4093
while [ -e "/sys/block/loop$FREE" ]; do FREE=$((FREE + 1)); done

USER_RUN="setpriv --reuid=65534 --regid=65534 --clear-groups"

# node DIR DEVICE TYPE MAJ:MIN: a node named as DEVICE in $SCRATCH/DIR,
# mode 0660 as udev makes them (a user may not open it).
node() {
  mknod -m 660 "$SCRATCH/$1/${2#/dev/}" "$3" "${4%:*}" "${4#*:}"
}
# compare WHAT DEVDIR: our listing and losetup's in a container whose /dev
# is DEVDIR, as root and as an unprivileged user: the same bytes.
compare() {
  # shellcheck disable=SC2086
  LC_UL_DEV=$2 lc_same_output "$version: $1, as root: same bytes as losetup" \
    ul_target_run "$LC" $LIST -- ul_target_run "$REF" $LIST
  # shellcheck disable=SC2086
  LC_UL_DEV=$2 lc_same_output "$version: $1, as a user: same bytes as losetup" \
    ul_target_run $USER_RUN "$LC" $LIST -- ul_target_run $USER_RUN "$REF" $LIST
}

lc_make_devdir swapped
node swapped "$A" b "$MB"
node swapped "$B" b "$MA"
compare "swapped nodes" "$SCRATCH/swapped"

lc_make_devdir partition
node partition "$A" b "$MP"
node partition "$B" b "$MB"
compare "a partition's node in a device's place" "$SCRATCH/partition"

lc_make_devdir char
node char "$A" c "$MA"
node char "$B" b "$MB"
compare "a character node 7:N" "$SCRATCH/char"

lc_make_devdir nodevice
node nodevice "$A" b "7:$((FREE << shift_bits))"
node nodevice "$B" b "$MB"
# shellcheck disable=SC2086
LC_UL_DEV=$SCRATCH/nodevice ul_target_run "$LC" $LIST >/dev/null 2>&1
if [ -e "/sys/block/loop$FREE" ]; then
  CREATED=$FREE
  fail "$version: a node for a minor with no device: no device created (loop$FREE appeared)"
else
  pass "$version: a node for a minor with no device: no device created"
fi
compare "a node for a minor with no device" "$SCRATCH/nodevice"
if [ -e "/sys/block/loop$FREE" ]; then
  CREATED=$FREE
  fail "$version: still no device created after the comparison"
fi

lc_make_devdir closed
node closed "$A" b "$MA"
node closed "$B" b "$MB"
chmod 700 "$SCRATCH/closed"
compare "a /dev of mode 0700" "$SCRATCH/closed"
exit 0
