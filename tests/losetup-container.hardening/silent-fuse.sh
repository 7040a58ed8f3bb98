#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# silent-fuse.sh -- backing files on a FUSE file system whose server has
# read a GETATTR and never answers it (tests/helpers/silent-fuse, with
# attribute and entry timeouts of 0, so that the kernel asks each time).
# LOOP_GET_STATUS64 on such a device, and stat() of a file there, wait in
# the kernel until the server answers or dies; once sent SIGKILL, the
# process waits uninterruptibly.  util-linux's listing reads sysfs only
# and is not held.  The server is silent only toward the program under
# test, so that other listings on the machine are not held.
#
# Scene: K=2 devices bound to the FUSE file; V, attached in a container
# that is gone (its row needs the correction); N1 and N2 on a plain file.
# The listings see these devices only (a /sys/block of their own, in this
# script's mount namespace).  With the server silent:
#   d. as PID 1 of a PID namespace the listing starts no child: it
#      returns within the bound, exit 0, with util-linux's output;
#   e. the first listing's trace names each stalled device (400 ms
#      without progress), and leaves a marker in /run/losetup-container
#      (a directory of mode 0700); a later listing's trace names the
#      process of the earlier one that still waits, which is ours and
#      alive;
#   a. each listing returns within the bound, exit 0, its stdout read
#      ends, nothing on stderr; the silent devices get util-linux's rows,
#      V is still corrected;
#   b. after 10 listings more, the processes left waiting are at most K,
#      one a silent device, not one a listing;
#   c. a waiting process holds at most one loop node, a silent device's;
#      `losetup -d` of N1 and N2 detaches them for real;
#   f. a candidate path on the silent file system (stat() waits) costs V
#      its correction, within the bound.
# Cleanup kills the server first (that releases every waiting process),
# then removes this script's markers, detaches its devices and unmounts;
# then no process of the program is left and no FUSE mount.

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/hardening.sh"
WHAT="a silent FUSE server"
lc_need_unshare "$WHAT"
SERVER=$HELPERS/silent-fuse
if [ ! -x "$SERVER" ]; then
  unsupported "$WHAT (tests/helpers/silent-fuse was not built: configure found no libfuse 3; Debian: libfuse3-dev)"
  exit 0
fi
[ -c /dev/fuse ] || modprobe fuse 2>/dev/null
if [ ! -c /dev/fuse ]; then
  unsupported "$WHAT (needs /dev/fuse)"
  exit 0
fi
hard_private_namespace "$@"
lc_init

K=2
LC_EXE=$(readlink -f "$LC")
MNT=$SCRATCH/mnt POOL=$SCRATCH/pool FLAG=$SCRATCH/silent
MARKERS=/run/losetup-container
MARKERS_WERE=; [ ! -d "$MARKERS" ] || MARKERS_WERE=1
FUSE_PID= FUSE_DEVS= OUR_DEVS=

# waiting: the pids of the processes running the program under test (as
# /proc/PID/exe shows it), one a line.  Called when no listing of this
# script runs: each is one left behind.
waiting() {
  for _p in /proc/[0-9]*; do
    [ "$(readlink "$_p/exe" 2>/dev/null)" = "$LC_EXE" ] && echo "${_p#/proc/}"
  done
}
# show_waiting: each of them to the log, with its state and wait channel.
show_waiting() {
  for _p in $(waiting); do
    echo "  | pid $_p state $(awk '{ print $3 }' "/proc/$_p/stat" 2>/dev/null)" \
         "wchan $(cat "/proc/$_p/wchan" 2>/dev/null)"
  done
}
# count_waiting: how many there are.
count_waiting() {
  waiting | wc -l
}

# release: kills the server, which releases every process waiting on it
# (the kernel aborts the connection), and waits for them to end (10 s at
# most).  Then this script's markers, and the devices bound to the FUSE
# file (matched by their sysfs path, $MNT being this script's own).
release() {
  if [ -n "$FUSE_PID" ]; then
    kill -KILL "$FUSE_PID" 2>/dev/null
    wait "$FUSE_PID" 2>/dev/null
    FUSE_PID=
  fi
  _i=0
  while [ -n "$(waiting)" ] && [ $_i -lt 100 ]; do
    sleep 0.1; _i=$((_i + 1))
  done
  for _d in $OUR_DEVS; do
    rm -f "$MARKERS/${_d#/dev/}"
  done
  [ -n "$MARKERS_WERE" ] || rmdir "$MARKERS" 2>/dev/null
  for _d in $FUSE_DEVS; do
    if [ "$(cat "/sys/block/${_d#/dev/}/loop/backing_file" 2>/dev/null)" = "$MNT/v.img" ]; then
      "$UL" -d "$_d"
    fi
  done
  hard_sysblock_restore
}
trap 'release; lc_cleanup' EXIT

mkdir "$MNT" "$POOL" "$SCRATCH/ct"
"$SERVER" -p "$LC" "$FLAG" "$MNT" v.img 1048576 2>"$SCRATCH/fuse.log" &
FUSE_PID=$!
for _i in $(seq 50); do
  mountpoint -q "$MNT" && break
  sleep 0.1
done
if ! mountpoint -q "$MNT"; then
  fail "$WHAT: the server mounted"
  sed 's/^/  | /' "$SCRATCH/fuse.log"
  exit 0
fi
echo "$MNT" >>"$SCRATCH/.mounts"
for _i in $(seq $K); do
  _d=$("$UL" --show -f "$MNT/v.img") || { fail "$WHAT: attach on FUSE"; exit 0; }
  FUSE_DEVS="$FUSE_DEVS $_d"
  OUR_DEVS="$OUR_DEVS $_d"
done
set -- $FUSE_DEVS
F1=$1 F2=$2
truncate -s 1M "$POOL/v.img" "$SCRATCH/n1.img" "$SCRATCH/n2.img"
lc_ct_attach "$SCRATCH/ct" "$POOL/v.img" "$POOL:/pool" -- \
  "$UL" --show -f /pool/v.img || { fail "$WHAT: attach in a container"; exit 0; }
V=$DEV
OUR_DEVS="$OUR_DEVS $V"
N1=$(lc_attach "$SCRATCH/n1.img") && N2=$(lc_attach "$SCRATCH/n2.img") ||
  { fail "$WHAT: attach on a plain file"; exit 0; }
OUR_DEVS="$OUR_DEVS $N1 $N2"
echo "silent: $F1 $F2; in a container: $V; plain: $N1 $N2"
hard_sysblock_prepare $OUR_DEVS && hard_sysblock_mount ||
  { fail "$WHAT: a /sys/block of these devices"; exit 0; }
export LOSETUP_CONTAINER_BIND_MOUNTS="$POOL"

# listed NAME ENV...: the listing with ENV, its stdout read through a FIFO
# as a caller reads it (20 s at most: a process holding the FIFO open would
# keep the read from ending), timed until the read ends.  Reports exit 0,
# the read's end and the bound; the stdout is in $SCRATCH/NAME, stderr in
# $SCRATCH/NAME.err.
listed() {
  _n=$1; shift
  rm -f "$SCRATCH/fifo" && mkfifo "$SCRATCH/fifo"
  _t0=$(date +%s%N)
  timeout 20 cat "$SCRATCH/fifo" >"$SCRATCH/$_n" &
  _cat=$!
  # shellcheck disable=SC2086
  env "$@" timeout 20 "$LC" $LIST >"$SCRATCH/fifo" 2>"$SCRATCH/$_n.err"
  _st=$?
  wait "$_cat"
  _rd=$?
  _ms=$(( ($(date +%s%N) - _t0) / 1000000 ))
  echo "$_n: status $_st in $_ms ms"
  lc_expect "$WHAT, $_n: exit status 0 (status $_st)" test "$_st" = 0
  lc_expect "$WHAT, $_n: the read of stdout ended (status $_rd)" test "$_rd" = 0
  # The bound is 2 s; the margin is for a loaded machine.
  lc_expect "$WHAT, $_n: within the bound ($_ms ms)" test "$_ms" -lt 5000
}

# rows NAME VROW: the rows of listing NAME: util-linux's for the devices
# on FUSE and the plain ones, VROW for V; as many rows as util-linux's.
rows() {
  for _d in $F1 $F2 $N1 $N2; do
    lc_expect_back_file "$WHAT, $1: util-linux's row for $_d" \
      "$SCRATCH/$1" "$_d" "$(lc_back_file "$SCRATCH/ul" "$_d")"
  done
  lc_expect_back_file "$WHAT, $1: the row of the device of a dead container" \
    "$SCRATCH/$1" "$V" "$2"
  lc_expect "$WHAT, $1: as many rows as util-linux's" \
    test "$(wc -l <"$SCRATCH/$1")" = "$(wc -l <"$SCRATCH/ul")"
}

# --- control: the server answers -------------------------------------------
"$UL" $LIST >"$SCRATCH/ul" 2>&1
lc_expect_back_file "$WHAT, control: util-linux shows the FUSE file" \
  "$SCRATCH/ul" "$F1" "$MNT/v.img"
listed control
rows control "$POOL/v.img"
lc_expect "$WHAT, control: nothing on stderr" test ! -s "$SCRATCH/control.err"
lc_expect "$WHAT, control: no process left" test "$(count_waiting)" = 0
lc_expect "$WHAT, control: no GETATTR left unanswered" test ! -s "$SCRATCH/fuse.log"

touch "$FLAG"
# util-linux reads sysfs only: it answers with the server silent.
_t0=$(date +%s%N)
timeout 20 "$UL" $LIST >"$SCRATCH/ul" 2>&1
st=$?
_ms=$(( ($(date +%s%N) - _t0) / 1000000 ))
lc_expect "$WHAT: util-linux lists in $_ms ms (status $st)" test "$st" = 0

# --- d: PID 1 of a PID namespace -------------------------------------------
# No marker yet: a child would wait for good, and the namespace could not
# end (its PID 1 waits for every process in it).  unshare blocks SIGTERM
# while it waits for its child: only -k ends it.
if ! unshare -pf --mount-proc true 2>/dev/null; then
  unsupported "$WHAT, as PID 1 (unshare -pf --mount-proc is not permitted here)"
else
  _t0=$(date +%s%N)
  timeout -k 2 10 unshare -pf --mount-proc "$LC" $LIST >"$SCRATCH/pid1" \
    2>"$SCRATCH/pid1.err"
  st=$?
  _ms=$(( ($(date +%s%N) - _t0) / 1000000 ))
  echo "pid1: status $st in $_ms ms"
  unshare -pf --mount-proc "$UL" $LIST >"$SCRATCH/pid1.ul" 2>&1
  lc_expect "$WHAT, as PID 1: exit status 0 (status $st)" test "$st" = 0
  lc_expect "$WHAT, as PID 1: within the bound ($_ms ms)" test "$_ms" -lt 5000
  if cmp -s "$SCRATCH/pid1" "$SCRATCH/pid1.ul"; then
    pass "$WHAT, as PID 1: util-linux's output"
  else
    fail "$WHAT, as PID 1: util-linux's output"
    diff "$SCRATCH/pid1.ul" "$SCRATCH/pid1" | sed 's/^/  | /'
  fi
  lc_expect "$WHAT, as PID 1: nothing on stderr" test ! -s "$SCRATCH/pid1.err"
  sed 's/^/  | /' "$SCRATCH/pid1.err"
  n=$(count_waiting)
  lc_expect "$WHAT, as PID 1: no process left waiting ($n)" test "$n" = 0
  show_waiting
fi

# --- e: the trace, the markers ---------------------------------------------
listed traced LOSETUP_CONTAINER_DEBUG=1
rows traced "$POOL/v.img"
for d in $F1 $F2; do
  lc_expect "$WHAT, traced: the trace names the stall of $d" \
    grep -qF "$d: no answer within 400 ms: printing the sysfs path" \
    "$SCRATCH/traced.err"
done
lc_expect "$WHAT, traced: the server left the listing's GETATTR unanswered" \
  grep -q "left unanswered" "$SCRATCH/fuse.log"
lc_expect "$WHAT, traced: $MARKERS is a directory of mode 0700" \
  test "$(stat -c '%F %a' "$MARKERS" 2>/dev/null)" = "directory 700"
for d in $F1 $F2; do
  lc_expect "$WHAT, traced: a marker for $d" test -f "$MARKERS/${d#/dev/}"
done
show_waiting

listed marked LOSETUP_CONTAINER_DEBUG=1
rows marked "$POOL/v.img"
for d in $F1 $F2; do
  pid=$(sed -n "s|.*$d: a process of an earlier listing (pid \([0-9]*\)) still waits on it: printing the sysfs path.*|\1|p" \
          "$SCRATCH/marked.err" | head -n 1)
  lc_expect "$WHAT, marked: the trace names the process that waits on $d" \
    test -n "$pid"
  if [ -n "$pid" ]; then
    lc_expect "$WHAT, marked: process $pid is one of the program's, and waits" \
      test "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$LC_EXE"
  fi
done
lc_expect "$WHAT, marked: no new stall" \
  test "$(grep -c "no answer within" "$SCRATCH/marked.err")" = 0
sed 's/^/  | /' "$SCRATCH/marked.err"

# --- a: the bound and the rows, as a caller sees them ----------------------
for i in 1 2 3; do
  listed "plain$i"
  rows "plain$i" "$POOL/v.img"
  lc_expect "$WHAT, plain$i: nothing on stderr" test ! -s "$SCRATCH/plain$i.err"
done

# --- b: processes left waiting, bounded by the devices ---------------------
before=$(count_waiting)
i=0
while [ $i -lt 10 ]; do
  i=$((i + 1))
  timeout 20 "$LC" $LIST >/dev/null 2>&1
done
after=$(count_waiting)
echo "processes left waiting: $before before 10 listings, $after after"
show_waiting
lc_expect "$WHAT: at most $K processes left waiting after 10 listings more ($after, $before before)" \
  test "$after" -le $K

# --- c: what a waiting process holds; losetup -d beside it -----------------
for p in $(waiting); do
  nodes=
  for fd in /proc/"$p"/fd/*; do
    t=$(readlink "$fd" 2>/dev/null) || continue
    case $t in /dev/loop[0-9]*) nodes="$nodes $t" ;; esac
  done
  echo "pid $p holds:$nodes"
  case $nodes in
    "" | " $F1" | " $F2") pass "$WHAT: waiting process $p holds at most one node, a silent device's" ;;
    *) fail "$WHAT: waiting process $p holds at most one node, a silent device's:$nodes" ;;
  esac
done
for d in $N1 $N2; do
  "$UL" -d "$d"
  st=$?
  _i=0
  while [ -e "/sys/block/${d#/dev/}/loop/backing_file" ] && [ $_i -lt 20 ]; do
    sleep 0.1; _i=$((_i + 1))
  done
  lc_expect "$WHAT: losetup -d $d (status $st) detaches it" \
    test ! -e "/sys/block/${d#/dev/}/loop/backing_file"
done

# --- f: a candidate path on the silent file system -------------------------
# V's sysfs path is /v.img; $MNT/v.img is there, and its stat() waits.
listed cand LOSETUP_CONTAINER_BIND_MOUNTS="$MNT:$POOL"
for d in $F1 $F2 $V; do
  lc_expect_back_file "$WHAT, a candidate there: util-linux's row for $d" \
    "$SCRATCH/cand" "$d" "$(lc_back_file "$SCRATCH/ul" "$d")"
done

# --- after: the server killed, nothing is left -----------------------------
release
n=$(count_waiting)
lc_expect "$WHAT: once the server is killed, no process of the program is left ($n)" \
  test "$n" = 0
show_waiting
for d in $FUSE_DEVS; do
  lc_expect "$WHAT: $d detached after the server died" \
    test "$(cat "/sys/block/${d#/dev/}/loop/backing_file" 2>/dev/null)" != "$MNT/v.img"
done
m=$SCRATCH/mnt
lc_cleanup
lc_expect "$WHAT: no FUSE mount left" \
  sh -c '! awk -v m="$1" "\$5 == m" /proc/self/mountinfo | grep -q .' sh "$m"
trap - EXIT
exit 0
