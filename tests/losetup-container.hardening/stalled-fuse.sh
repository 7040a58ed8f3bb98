#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# stalled-fuse.sh -- a backing file on a FUSE file system whose server has
# stopped answering (fuse-overlayfs over a tmpfs lower, stopped with
# SIGSTOP as a dead server would be; attribute timeout 0, so that the
# kernel asks the server every time).  LOOP_GET_STATUS64 and stat() of
# that file wait for the server for good.  The listing must still end
# within its bound (2 s, documented) with exit 0; the caller's read of
# its stdout must end (the listing runs as out=$(...)); the stalled
# device's row is util-linux's own; another device, attached in a
# container that is gone, is still corrected.  With the trace on, the
# trace says which device did not answer.

. "$TESTS_SRCDIR/lib/lib.sh"
WHAT="a stalled FUSE server"
lc_need_unshare "$WHAT"
[ -c /dev/fuse ] || modprobe fuse 2>/dev/null
if ! command -v fuse-overlayfs >/dev/null 2>&1 || [ ! -c /dev/fuse ]; then
  unsupported "$WHAT (needs fuse-overlayfs and /dev/fuse)"
  exit 0
fi
lc_init
FUSE_PID=
# The server resumes before anything else is undone: lc_cleanup asks the
# devices' backing files for their inode, and unmounts (.mounts).
resume() {
  if [ -n "$FUSE_PID" ]; then
    kill -CONT "$FUSE_PID" 2>/dev/null
  fi
}
trap 'resume; lc_cleanup; [ -z "$FUSE_PID" ] || wait "$FUSE_PID" 2>/dev/null' EXIT

LOW=$SCRATCH/low MNT=$SCRATCH/mnt POOL=$SCRATCH/pool
mkdir "$LOW" "$SCRATCH/upper" "$SCRATCH/work" "$MNT" "$POOL" "$SCRATCH/ct"
mount -t tmpfs lc-stalled-low "$LOW" || { fail "$WHAT: tmpfs lower"; exit 0; }
echo "$LOW" >>"$SCRATCH/.mounts"
truncate -s 1M "$LOW/fuse.img"
fuse-overlayfs -f -o "lowerdir=$LOW,upperdir=$SCRATCH/upper,workdir=$SCRATCH/work,timeout=0" \
  "$MNT" </dev/null >/dev/null 2>&1 &
FUSE_PID=$!
for _i in $(seq 50); do
  mountpoint -q "$MNT" && break
  sleep 0.1
done
if ! mountpoint -q "$MNT"; then
  fail "$WHAT: fuse-overlayfs mounted"
  exit 0
fi
echo "$MNT" >>"$SCRATCH/.mounts"
F=$(lc_attach "$MNT/fuse.img") || { fail "$WHAT: attach on FUSE"; exit 0; }
truncate -s 1M "$POOL/v.img"
lc_ct_attach "$SCRATCH/ct" "$POOL/v.img" "$POOL:/pool" -- \
  "$UL" --show -f /pool/v.img || { fail "$WHAT: attach in a container"; exit 0; }
V=$DEV

kill -STOP "$FUSE_PID"
# util-linux reads sysfs only: it answers with the server stopped.
# shellcheck disable=SC2086
timeout 20 "$UL" $LIST >"$SCRATCH/ul" 2>&1
lc_expect "$WHAT: util-linux lists (status $?)" test -s "$SCRATCH/ul"

# listed NAME ENV...: the listing with ENV, as a caller reads it, timed.
listed() {
  _n=$1; shift
  _t0=$(date +%s%N)
  # shellcheck disable=SC2086
  _out=$(env "$@" LOSETUP_CONTAINER_BIND_MOUNTS="$POOL" \
           timeout 20 "$LC" $LIST 2>"$SCRATCH/$_n.err")
  _st=$?
  _t1=$(date +%s%N)
  printf '%s\n' "$_out" >"$SCRATCH/$_n"
  _ms=$(( (_t1 - _t0) / 1000000 ))
  echo "$_n: status $_st in $_ms ms"
  lc_expect "$WHAT, $_n: exit status 0, the read of stdout ended (status $_st)" \
    test "$_st" = 0
  # The bound is 2 s; the margin is for a loaded machine.
  lc_expect "$WHAT, $_n: within the bound ($_ms ms)" test "$_ms" -lt 5000
  lc_expect_back_file "$WHAT, $_n: util-linux's row for the stalled device" \
    "$SCRATCH/$_n" "$F" "$(lc_back_file "$SCRATCH/ul" "$F")"
  lc_expect_back_file "$WHAT, $_n: the other device still corrected" \
    "$SCRATCH/$_n" "$V" "$POOL/v.img"
}
listed plain LC_ALL=C
lc_expect "$WHAT, plain: nothing on stderr" test ! -s "$SCRATCH/plain.err"
listed traced LOSETUP_CONTAINER_DEBUG=1
lc_expect "$WHAT, traced: the trace names the device that did not answer" \
  grep -q "$F: no answer within 2000 ms" "$SCRATCH/traced.err"

# A candidate on the stalled file system: its stat() waits as well.  The
# other device, tried there first, keeps util-linux's row; the listing
# still ends within the bound.
_t0=$(date +%s%N)
# shellcheck disable=SC2086
out=$(LOSETUP_CONTAINER_BIND_MOUNTS="$MNT:$POOL" timeout 20 "$LC" $LIST \
        2>"$SCRATCH/cand.err")
st=$?
_ms=$(( ($(date +%s%N) - _t0) / 1000000 ))
printf '%s\n' "$out" >"$SCRATCH/cand"
echo "candidate: status $st in $_ms ms"
lc_expect "$WHAT, a candidate there: exit status 0 (status $st)" test "$st" = 0
lc_expect "$WHAT, a candidate there: within the bound ($_ms ms)" test "$_ms" -lt 5000
lc_expect_back_file "$WHAT, a candidate there: util-linux's row for the other device" \
  "$SCRATCH/cand" "$V" "$(lc_back_file "$SCRATCH/ul" "$V")"
lc_expect_back_file "$WHAT, a candidate there: util-linux's row for the stalled device" \
  "$SCRATCH/cand" "$F" "$(lc_back_file "$SCRATCH/ul" "$F")"
exit 0
