#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# many-mounts.sh -- a node with thousands of mounts.  In a private mount
# namespace, 2,000 bind mounts of a directory of the backing files' file
# system (none of them holds the files), and 8 devices attached in a
# container that has exited, so that every device needs the mount table.
# The work must not grow with mounts times devices: the stat() calls of a
# listing are counted (strace), each mount point must be looked at once at
# most, and the trace (LOSETUP_CONTAINER_DEBUG) must stay small, its hint
# naming the 2,000 mounts of one root once.  Then one bind of the pool
# directory after them: every device is found there.

. "$TESTS_SRCDIR/lib/lib.sh"
lc_need_unshare "many mounts"
lc_init

if ! command -v strace >/dev/null 2>&1; then
  unsupported "many mounts (needs strace)"
  exit 0
fi

MOUNTS=2000 DEVICES=8
FS=$SCRATCH/fs
lc_mount_new_fs tmpfs "$FS" || { fail "mounting a tmpfs"; exit 0; }
mkdir "$FS/pool" "$FS/other" "$FS/ct" "$FS/m" "$FS/p"

# The devices, attached through a bind of the pool at $FS/ct in a
# namespace that then ends: sysfs shows "/volN.img", lo_file_name
# $FS/ct/volN.img, which is an empty directory here.
i=0
while [ $i -lt $DEVICES ]; do
  truncate -s 1M "$FS/pool/vol$i.img"
  i=$((i + 1))
done
unshare -m --propagation private sh -c '
  mount --bind "$1/pool" "$1/ct" || exit 1
  for f in "$1"/ct/*.img; do "$2" --show -f "$f" || exit 1; done' \
  sh "$FS" "$UL" >"$SCRATCH/devices" || { fail "attach in a container"; }
while read -r d; do
  n=$("$UL" -n -O BACK-FILE "$d")
  lc_record_device "$d" "$FS/pool$n"
done <"$SCRATCH/devices"
lc_expect "$DEVICES devices attached in the container" \
  test "$(wc -l <"$SCRATCH/devices")" -eq $DEVICES

# The namespace with the many mounts, held by a process of this script's
# own; it goes, and every mount in it, when that process ends.
unshare -m --propagation private sleep 3600 &
HOLD=$!
trap 'kill "$HOLD"; wait "$HOLD"; lc_cleanup' EXIT
sleep 0.2
ns() { nsenter -t "$HOLD" -m -- "$@"; }
ns sh -c 'i=0; while [ $i -lt "$2" ]; do mkdir "$1/m/$i" &&
  mount --bind "$1/other" "$1/m/$i" || exit 1; i=$((i + 1)); done' \
  sh "$FS" "$MOUNTS" || { fail "making $MOUNTS bind mounts"; exit 0; }
lc_expect "$MOUNTS bind mounts in the namespace" \
  test "$(ns grep -c " $FS/m/" /proc/self/mountinfo)" -eq $MOUNTS

# list NAME [ENV...]: lists in the namespace under strace (stat-like and
# open calls), stdout, stderr and the calls in $SCRATCH/out/NAME*.
list() {
  _name=$1; shift
  ns env "$@" strace -f -qq -o "$SCRATCH/out/$_name.strace" \
    -e trace=stat,lstat,newfstatat,statx,open,openat \
    "$LC" -l -O NAME,BACK-FILE >"$SCRATCH/out/$_name" \
    2>"$SCRATCH/out/$_name.err"
  ns "$UL" -l -O NAME,BACK-FILE >"$SCRATCH/out/$_name.ul" 2>&1
}

# path_stats NAME: prints the stat-like calls of NAME's listing on a path
# below $FS, one path a line.
path_stats() {
  grep -E '(stat|lstat|newfstatat|statx)\(' "$SCRATCH/out/$1.strace" \
    | grep -o "\"$FS/[^\"]*\"" | tr -d '"'
}

# twice NAME: prints each mount point that NAME's listing stat()ed more
# than once.
twice() {
  grep -E '(stat|lstat|newfstatat|statx)\(' "$SCRATCH/out/$1.strace" \
    | grep -o -E "\"$FS/(m|f)/[0-9]+\"" | sort | uniq -d
}

list many
while read -r d; do
  lc_expect_back_file "nothing holds $d's file: util-linux's row" \
    "$SCRATCH/out/many" "$d" "$(lc_back_file "$SCRATCH/out/many.ul" "$d")"
done <"$SCRATCH/devices"
n=$(path_stats many | wc -l)
lc_expect "stat() calls below the mounts: $n for $DEVICES devices and $MOUNTS mounts, at most $((DEVICES * 4))" \
  test "$n" -le $((DEVICES * 4))
lc_expect "each mount point looked at once at most" test -z "$(twice many)"

list many-debug LOSETUP_CONTAINER_DEBUG=1
# (Only the lines of this script's devices: other devices may come and go.)
size=$(grep -E "^losetup-container: debug: ($(paste -s -d '|' "$SCRATCH/devices")): " \
         "$SCRATCH/out/many-debug.err" | wc -c)
lc_expect "the trace: $size bytes for $DEVICES devices and $MOUNTS mounts, at most $((DEVICES * 2048))" \
  test "$size" -le $((DEVICES * 2048))
hint=$(grep -m 1 ': hint: ' "$SCRATCH/out/many-debug.err")
lc_expect "the hint names the $MOUNTS mounts of one root once (${#hint} bytes)" \
  sh -c 'case $1 in *"\"$2/m/0\" (root \"/other\") and $(($3 - 1)) more mount points of it"*) exit 0;; esac; exit 1' \
  sh "$hint" "$FS" "$MOUNTS"
lc_expect "the trace does not change the listing" test \
  "$(grep -F -f "$SCRATCH/devices" "$SCRATCH/out/many")" = \
  "$(grep -F -f "$SCRATCH/devices" "$SCRATCH/out/many-debug")"

# Files bound on their own: 8 more devices, each attached through a bind
# of its file alone (sysfs shows "/"), and 2,000 binds of another file.
# Each file mount is a candidate for each such device; its mount point is
# looked at once.
mkdir "$FS/ctf" "$FS/f"
: >"$FS/other.img"
i=0
while [ $i -lt $DEVICES ]; do
  truncate -s 1M "$FS/pool/file$i.img"
  : >"$FS/ctf/file$i.img"
  i=$((i + 1))
done
unshare -m --propagation private sh -c '
  for f in "$1"/ctf/*.img; do
    mount --bind "$1/pool/${f##*/}" "$f" && "$2" --show -f "$f" || exit 1
  done' sh "$FS" "$UL" >"$SCRATCH/file-devices" \
  || fail "attach bound files in a container"
while read -r d; do
  n=$("$UL" -n -O BACK-MAJ:MIN,BACK-INO "$d" | awk '{ print $1 " " $2 }')
  for f in "$FS"/pool/file*.img; do
    [ "$(lc_file_id "$f")" = "$n" ] && lc_record_device "$d" "$f"
  done
done <"$SCRATCH/file-devices"
ns sh -c 'i=0; while [ $i -lt "$2" ]; do : >"$1/f/$i" &&
  mount --bind "$1/other.img" "$1/f/$i" || exit 1; i=$((i + 1)); done' \
  sh "$FS" "$MOUNTS" || { fail "making $MOUNTS file bind mounts"; exit 0; }
list files
while read -r d; do
  lc_expect_back_file "$d, a bound file: util-linux's row" \
    "$SCRATCH/out/files" "$d" "$(lc_back_file "$SCRATCH/out/files.ul" "$d")"
done <"$SCRATCH/file-devices"
lc_expect "bound files: each mount point looked at once at most" \
  test -z "$(twice files)"
n=$(path_stats files | wc -l)
lc_expect "bound files: stat() calls below the mounts: $n for $((DEVICES * 2)) devices and $((MOUNTS * 2)) mounts, at most $((DEVICES * 8))" \
  test "$n" -le $((DEVICES * 8))

# One bind of the pool directory after the others: each device is found.
ns mount --bind "$FS/pool" "$FS/p" || fail "binding the pool"
list found
cat "$SCRATCH/devices" "$SCRATCH/file-devices" | while read -r d; do
  f=$(lc_back_file "$SCRATCH/out/found.ul" "$d")
  case $f in
    /) ;;       # a bound file: sysfs "/" names no file below the pool
    *) lc_expect_back_file "$d: found below the pool's bind" \
         "$SCRATCH/out/found" "$d" "$FS/p$f" ;;
  esac
done
n=$(path_stats found | wc -l)
lc_expect "stat() calls below the mounts when found: $n, at most $((DEVICES * 12))" \
  test "$n" -le $((DEVICES * 12))
