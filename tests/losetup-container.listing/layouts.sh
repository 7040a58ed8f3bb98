#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# layouts.sh -- the layouts that only the mount table and stat()
# resolve, on each file system the backing file can live on (tmpfs, and
# ext4, XFS and btrfs made by this script on its own loop devices):
#   1. a single file bound into the container;
#   2. the pool directory bound, then bound again at another path (on
#      btrfs, in a subvolume: stat() shows another device than the mount
#      table);
#   3. container 1 bound a parent, container 2 binds the pool directory;
# each attached in "container 1" and listed in "container 2" and on the
# host, with and without LOSETUP_CONTAINER_BIND_MOUNTS; then the reverse of
# 3, which needs the list, and a decoy: another file with the same inode
# number on another file system, where a candidate points.  Every
# expected path is one this script created; every path left as it is, is
# util-linux losetup's.

. "$TESTS_SRCDIR/lib/lib.sh"
lc_need_unshare "layouts"
lc_init

ROOT=$SCRATCH/root
mkdir "$ROOT"

# Run inside a container that has the bound file's directory at
# /lc/filesrc, with CTPATH NAME COMMAND...: binds /lc/filesrc/NAME at
# CTPATH, drops /lc/filesrc and runs COMMAND.  (lc_in_container binds
# directories only.)
FILEBIND='mkdir -p "${1%/*}" && touch "$1" && mount --bind "/lc/filesrc/$2" "$1"
  && umount /lc/filesrc && shift 2 && exec "$@"'
FILEBIND=$(printf '%s' "$FILEBIND" | tr '\n' ' ')

# ct_list OUTNAME ENV FILE CTFILE [BIND]...: lists (CT_LISTCMD) in a
# container that has FILE (a host path) bound at CTFILE and each BIND
# (HOSTDIR:CTDIR).
ct_list() {
  _out=$1 _env=$2 _file=$3 _ctfile=$4; shift 4
  lc_in_container "$ROOT" "${_file%/*}:/lc/filesrc" "$@" -- \
    sh -c "$FILEBIND" sh "$_ctfile" "${_file##*/}" \
    sh -c "$CT_LISTCMD" sh "$_out" "$_env" "$UL"
}

# show_trace OUTNAME: copies a trace to the log (not a result line).
show_trace() {
  sed 's/^/  | /' "$SCRATCH/out/$1.err"
}

# host_list OUTNAME [BIND_MOUNTS]: lists on the host, with
# LOSETUP_CONTAINER_BIND_MOUNTS set to BIND_MOUNTS when given.
host_list() {
  if [ $# -gt 1 ]; then
    LOSETUP_CONTAINER_BIND_MOUNTS=$2 "$LC" -l -O NAME,BACK-FILE \
      >"$SCRATCH/out/$1" 2>"$SCRATCH/out/$1.err"
  else
    "$LC" -l -O NAME,BACK-FILE >"$SCRATCH/out/$1" 2>"$SCRATCH/out/$1.err"
  fi
  echo $? >"$SCRATCH/out/$1.status"
  "$UL" -l -O NAME,BACK-FILE >"$SCRATCH/out/$1.ul" 2>&1
}

# layout_fs TYPE: makes a TYPE file system at $M with the pool tree under
# $B (on btrfs, a subvolume) and the three backing files; sets t, M, B.
# Returns 1, the result reported, when it cannot.
layout_fs() {
  t=$1
  M=$SCRATCH/fs-$t
  lc_mount_new_fs "$t" "$M"
  case $? in
    0) ;;
    2) unsupported "$t: cannot make or mount a $t file system here"; return 1 ;;
    *) fail "$t: making the file system"; return 1 ;;
  esac
  B=$M/srv
  if [ "$t" = btrfs ]; then
    # A pool on a subvolume, as openSUSE puts /var on one.
    if ! btrfs subvolume create "$B" >/dev/null; then
      fail "btrfs: subvolume"; return 1
    fi
    lc_expect "btrfs: stat() shows the subvolume's device, not the file system's" \
      test "$(stat -c %Hd:%Ld "$B")" != "$(mountpoint -d "$M")"
  fi
  mkdir -p "$B/pools/p1" || { fail "$t: directories"; return 1; }
  truncate -s 1M "$B/pools/file.img" "$B/pools/p1/vol2.img" \
    "$B/pools/p1/vol3.img"
}

# layout_attach: attaches the three layouts' files in "container 1"
# (1: the file bound, 2: the pool bound, 3: a parent bound); sets D1, D2,
# D3.  Returns 1, the failure reported, when one cannot be attached.
layout_attach() {
  lc_ct_attach "$ROOT" "$B/pools/file.img" "$B/pools:/lc/filesrc" -- \
    sh -c "$FILEBIND" sh /data/disk.img file.img \
    "$UL" --show -f /data/disk.img \
    || { fail "$t: attach a bound file in a container"; return 1; }
  D1=$DEV
  lc_ct_attach "$ROOT" "$B/pools/p1/vol2.img" "$B/pools/p1:/var/pool" -- \
    "$UL" --show -f /var/pool/vol2.img \
    || { fail "$t: attach in a container binding the pool"; return 1; }
  D2=$DEV
  lc_ct_attach "$ROOT" "$B/pools/p1/vol3.img" "$B:/host" -- \
    "$UL" --show -f /host/pools/p1/vol3.img \
    || { fail "$t: attach in a container binding a parent"; return 1; }
  D3=$DEV
}

# case_container2: container 2 has the file bound at a new name, the pool
# directory at /pool (a new path for both 1 and 2).
case_container2() {
  ct_list "$t.ct2" "" "$B/pools/file.img" /data/new.img "$B/pools/p1:/pool"
  O=$SCRATCH/out/$t.ct2
  lc_listed_ok "$t, container 2" "$t.ct2"
  lc_expect_back_file "$t: util-linux shows / for a bound file" "$O.ul" "$D1" /
  lc_expect_back_file "$t: util-linux shows the cut path of the pool" \
    "$O.ul" "$D2" /vol2.img
  lc_expect_back_file "$t: util-linux shows the path below the parent" \
    "$O.ul" "$D3" /pools/p1/vol3.img
  lc_expect_back_file "$t, container 2: a bound file at its new name" \
    "$O" "$D1" /data/new.img
  lc_expect_back_file "$t, container 2: the pool bound at a new path" \
    "$O" "$D2" /pool/vol2.img
  lc_expect_back_file "$t, container 2: a parent bound before, the pool now" \
    "$O" "$D3" /pool/vol3.img
}

# case_container2_trace: the same listing with LOSETUP_CONTAINER_DEBUG: the
# same lines as case_container2's ($O), and the trace names what was
# accepted and refused.
case_container2_trace() {
  ct_list "$t.ct2-debug" LOSETUP_CONTAINER_DEBUG=1 "$B/pools/file.img" \
    /data/new.img "$B/pools/p1:/pool"
  T=$SCRATCH/out/$t.ct2-debug.err
  echo "trace of the three layouts on $t in container 2 (1: $D1, 2: $D2, 3: $D3):"
  show_trace "$t.ct2-debug"
  # (Only this script's devices: others may come and go meanwhile.)
  for d in "$D1" "$D2" "$D3"; do
    lc_expect_back_file "$t, trace: $d's line is the same as without it" \
      "$SCRATCH/out/$t.ct2-debug" "$d" "$(lc_back_file "$O" "$d")"
  done
  lc_expect "$t, trace: the file mount, accepted" \
    grep -q "^losetup-container: debug: $D1: file mount \"/data/new.img\": accepted: same device and inode\$" "$T"
  lc_expect "$t, trace: the mount tail, accepted" \
    grep -q "^losetup-container: debug: $D3: mount tail \"/pool/vol3.img\": accepted: same device and inode\$" "$T"
  lc_expect "$t, trace: the refused candidates, with the reason" \
    grep -q "^losetup-container: debug: $D1: file mount \"/pool\": refused: device [0-9]*:[0-9]* inode [0-9]* is another file\$" "$T"
  if [ "$t" = btrfs ]; then
    lc_expect "btrfs, trace: the subvolume's mount found by its device" \
      grep -q "^losetup-container: debug: $D2: btrfs mount \"/pool\": stat() shows the file's device" "$T"
  fi
}

# case_host: on the host, each layout as losetup shows it, and each with
# the list.
case_host() {
  host_list "$t.host"
  O=$SCRATCH/out/$t.host
  lc_listed_ok "$t, host" "$t.host"
  for d in "$D1 /" "$D2 /vol2.img" "$D3 /pools/p1/vol3.img"; do
    lc_expect_back_file "$t, host, ${d#* } without configuration: losetup's text" \
      "$O" "${d%% *}" "$(lc_back_file "$O.ul" "${d%% *}")"
    lc_expect_back_file "$t, host, ${d#* }: util-linux shows the cut path" \
      "$O.ul" "${d%% *}" "${d#* }"
  done
  for d in "$D1 $B/pools/file.img $B/pools/file.img" \
           "$D2 $B/pools/p1 $B/pools/p1/vol2.img" \
           "$D3 $B $B/pools/p1/vol3.img"; do
    set -- $d
    host_list "$t.host-binds" "/nonexistent:$2"
    lc_listed_ok "$t, host, LOSETUP_CONTAINER_BIND_MOUNTS=...:$2" "$t.host-binds"
    lc_expect_back_file "$t, host, LOSETUP_CONTAINER_BIND_MOUNTS=...:$2" \
      "$SCRATCH/out/$t.host-binds" "$1" "$3"
  done
}

# case_reverse: the reverse of 3: container 1 bound the pool, container 2
# a parent.  The middle of the path is nowhere in the kernel's facts.
case_reverse() {
  lc_ct_list "$t.rev" "" "$B:/host"
  O=$SCRATCH/out/$t.rev
  lc_listed_ok "$t, parent bound after the pool" "$t.rev"
  lc_expect_back_file "$t, parent bound after the pool: losetup's text" \
    "$O" "$D2" "$(lc_back_file "$O.ul" "$D2")"
  lc_ct_list "$t.rev-binds" LOSETUP_CONTAINER_BIND_MOUNTS=/host/pools/p1 \
    "$B:/host"
  lc_expect_back_file "$t, parent bound after the pool, with the list" \
    "$SCRATCH/out/$t.rev-binds" "$D2" /host/pools/p1/vol2.img
  lc_ct_list "$t.rev-debug" LOSETUP_CONTAINER_DEBUG=1 "$B:/host"
  echo "trace of the reverse layout on $t:"
  show_trace "$t.rev-debug"
  lc_expect "$t, parent bound after the pool: the trace names the mount to look under" \
    grep -q "^losetup-container: debug: $D2: hint: LOSETUP_CONTAINER_BIND_MOUNTS needs the directory that holds \"/vol2.img\", when that lies deeper below one of the mounts of the file's file system:.* \"/host\" (root \"[^\"]*/srv\")" \
    "$SCRATCH/out/$t.rev-debug.err"
}

# layouts TYPE: the three layouts with backing files on a new TYPE.
layouts() {
  layout_fs "$1" && layout_attach || return
  case_container2
  case_container2_trace
  case_host
  case_reverse
}

for t in tmpfs ext4 xfs btrfs; do
  layouts "$t"
done

# --- a decoy: the same inode number on another file system -----------------
# Two ext4 file systems made and filled alike give their files the same
# inode numbers.
decoy() {
  for f in real twin; do
    lc_mount_new_fs ext4 "$SCRATCH/$f"
    case $? in
      0) ;;
      2) unsupported "decoy: cannot make or mount ext4 here"; return ;;
      *) fail "decoy: making the file system"; return ;;
    esac
    mkdir -p "$SCRATCH/$f/srv/pools/p1"
    truncate -s 1M "$SCRATCH/$f/srv/pools/p1/vol.img"
  done
  R=$SCRATCH/real/srv W=$SCRATCH/twin/srv
  if [ "$(stat -c %i "$R/pools/p1/vol.img")" != \
       "$(stat -c %i "$W/pools/p1/vol.img")" ]; then
    unsupported "decoy: the two file systems gave different inode numbers"
    return
  fi
  lc_ct_attach "$ROOT" "$R/pools/p1/vol.img" "$R:/host" -- \
    "$UL" --show -f /host/pools/p1/vol.img \
    || { fail "decoy: attach in a container"; return; }
  DD=$DEV

  # The twin where lo_file_name points, the file under a mount tail.
  lc_ct_list decoy-name LOSETUP_CONTAINER_DEBUG=1 "$W:/host" \
    "$R/pools/p1:/pool"
  lc_expect_back_file "decoy at lo_file_name's path: refused, the file found" \
    "$SCRATCH/out/decoy-name" "$DD" /pool/vol.img
  lc_expect "decoy at lo_file_name's path: refused as another file" \
    grep -q "^losetup-container: debug: $DD: lo_file_name \"/host/pools/p1/vol.img\": refused: device [0-9]*:[0-9]* inode $(stat -c %i "$W/pools/p1/vol.img") is another file\$" \
    "$SCRATCH/out/decoy-name.err"

  # The twin mounted over the mount tail's path: nothing is the file.
  lc_ct_list decoy-tail LOSETUP_CONTAINER_DEBUG=1 "$R/pools/p1:/pool" \
    "$W/pools/p1:/pool"
  O=$SCRATCH/out/decoy-tail
  lc_expect_back_file "decoy over the mount tail: losetup's text" \
    "$O" "$DD" "$(lc_back_file "$O.ul" "$DD")"
  lc_expect_back_file "decoy over the mount tail: util-linux shows the cut path" \
    "$O.ul" "$DD" /pools/p1/vol.img
  lc_expect "decoy over the mount tail: refused as another file" \
    grep -q "^losetup-container: debug: $DD: mount tail \"/pool/vol.img\": refused: device [0-9]*:[0-9]* inode $(stat -c %i "$W/pools/p1/vol.img") is another file\$" \
    "$O.err"
}
decoy
exit 0
