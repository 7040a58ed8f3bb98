#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# limits-as.sh -- the listing under a small limit on its address space
# (RLIMIT_AS, prlimit --as): 3 MiB, and the lowest limit, in steps of
# 256 KiB from 2 MiB, at which util-linux lists right here (found by
# trying; the log names it), in the C locale and in C.UTF-8 (whose
# files take address space too).  Where util-linux cannot list at 3 MiB,
# that limit is not tried and the lowest one stands for it.
#
# At each, ours must be util-linux's listing, byte for byte, status and
# stderr included (tests/lib/limits.sh, judge_limited): the files are
# attached on the host, where util-linux's path is the right one.

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/hardening.sh"
. "$TESTS_SRCDIR/lib/limits.sh"
limits_skip_sanitized "a small address space"
limits_init "a small address space" "$@"

limits_scene 20 0 || { fail "scene: 20 bound devices"; exit 0; }
limits_control || exit 0

# ul_lists KIB: true when util-linux lists right under a limit of KIB.
ul_lists() {
  limits_run as-ul env PATH="$THEIRS_PATH" prlimit --as=$(($1 * 1024)) losetup $LIST
  [ "$(cat "$SCRATCH/as-ul.status")" = 0 ] &&
    cmp -s "$SCRATCH/as-ul.out" "$SCRATCH/control.out" &&
    [ ! -s "$SCRATCH/as-ul.err" ]
}

# at_the_edge NAME PREFIX...: at util-linux's own lowest limit, which no
# program that does more (a child, memory shared with it) can promise to
# fit in, ours lists as util-linux does, or fails out loud: a status
# other than 0, not one row, and a message.  Never fewer rows, or none,
# with status 0: LINSTOR would take that for devices gone.
at_the_edge() {
  _n=$1; shift
  limits_run theirs env PATH="$THEIRS_PATH" "$@" losetup $LIST
  limits_run ours env PATH="$OURS_PATH" "$@" losetup $LIST
  _st=$(cat "$SCRATCH/ours.status")
  if limits_same ours theirs; then
    pass "$_n: ours is util-linux's listing"
  elif [ "$_st" != 0 ] && [ ! -s "$SCRATCH/ours.out" ] && [ -s "$SCRATCH/ours.err" ]; then
    pass "$_n: ours fails out loud (status $_st), no row"
    sed 's/^/  | /' "$SCRATCH/ours.err"
  else
    fail "$_n: ours lists as util-linux or fails out loud (status $_st)"
    { head -n 5 "$SCRATCH/ours.out"; head -n 5 "$SCRATCH/ours.err"; } | sed 's/^/  | /'
  fi
}

# The locale's files take address space too: the C locale, and a UTF-8
# one (C.UTF-8, where glibc has it: 2.35 on).
for loc in C C.UTF-8; do
  if [ $loc != C ] && ! locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
    unsupported "locale $loc: not on this system"
    continue
  fi
  export LC_ALL=$loc
  lowest=
  kib=2048
  while [ $kib -le 16384 ]; do
    if ul_lists $kib; then lowest=$kib; break; fi
    kib=$((kib + 256))
  done
  if [ -z "$lowest" ]; then
    fail "locale $loc: util-linux lists under some limit of 16 MiB or less"
    continue
  fi
  echo "locale $loc: the lowest address space limit at which util-linux lists: $lowest KiB"
  if ul_lists 3072; then
    judge_limited "locale $loc, address space limit of 3 MiB" \
      prlimit --as=$((3072 * 1024))
  else
    echo "locale $loc: util-linux cannot list under 3 MiB here: not tried"
  fi
  at_the_edge "locale $loc, lowest address space limit at which util-linux lists" \
    prlimit --as=$((lowest * 1024))
done
export LC_ALL=C
exit 0
