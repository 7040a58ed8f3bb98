#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# limits-child.sh -- the listing where its child process cannot start or
# cannot work: a /dev without null (a container's own /dev, made by
# hand), and an address space limit of a few MiB.
#
# A child that fails is not started again for the next device, and the
# next: the devices left get util-linux's rows.  Counted with strace
# (clone, clone3, fork and vfork of the listing, threads included): at
# most 2.  The rows are judged against util-linux's in the same scene
# (tests/lib/limits.sh, judge_limited): here, on files attached on the
# host, util-linux's row is the right one, and ours must be the same.

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/hardening.sh"
. "$TESTS_SRCDIR/lib/limits.sh"
if ! command -v strace >/dev/null 2>&1 || ! strace -o /dev/null true 2>/dev/null; then
  unsupported "a child that cannot start: strace is missing or cannot trace here"
  exit 0
fi
limits_skip_sanitized "a child that cannot start"
limits_init "a child that cannot start" "$@"

limits_scene 40 0 || { fail "scene: 40 bound devices"; exit 0; }
limits_control || exit 0

# judge_child NAME PREFIX...: judge_limited, with the listing traced; then
# the processes and threads it started.
OURS_TRACE="strace -f -qq -o $SCRATCH/forks.st -e trace=execve,clone,clone3,fork,vfork"
judge_child() {
  judge_limited "$@"
  lc_expect "$1: the trace shows the listing" \
    grep -q "execve(\"$SCRATCH/as-ours/losetup\"" "$SCRATCH/forks.st"
  _jc_n=$(grep -E '(clone|clone3|fork|vfork)\(' "$SCRATCH/forks.st" |
            grep -vc 'resumed>')
  echo "$1: $_jc_n processes or threads started, for 40 devices"
  lc_expect "$1: at most 2 processes or threads started" test "$_jc_n" -le 2
}

# --- no /dev/null ---------------------------------------------------------------
# /dev holds the loop devices' nodes and loop-control, nothing else.
if limits_private_dev; then
  lc_expect "no /dev/null: the private /dev has no null" test ! -e /dev/null
  judge_child "no /dev/null"
  umount /dev && LIMITS_DEV_MOUNTED=
else
  fail "no /dev/null: a private /dev"
fi

# --- a small address space ------------------------------------------------------
# Limits at which util-linux still lists (the control says so); the
# child's second thread of the build before could not get its stack
# there, and every device started another child.
for mib in 4 6 8 10; do
  limits_run as-control env PATH="$THEIRS_PATH" \
    prlimit --as=$((mib * 1048576)) losetup $LIST
  if [ "$(cat "$SCRATCH/as-control.status")" != 0 ] ||
     ! cmp -s "$SCRATCH/as-control.out" "$SCRATCH/control.out"; then
    unsupported "address space limit of $mib MiB: util-linux does not list right there"
    continue
  fi
  judge_child "address space limit of $mib MiB" prlimit --as=$((mib * 1048576))
done
exit 0
