#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# limits-close.sh -- the listing where close_range(2) fails with ENOSYS
# (a kernel before 5.9, or a seccomp profile that does not know the
# call: tests/helpers/no-close-range), under the highest limit on open
# files allowed here (/proc/sys/fs/nr_open, the common container limit
# of 1048576; or this process's hard limit when it may not be raised).
#
# Whatever the program closes, it closes with one pass over the
# descriptors that are open (/proc/self/fd, or glibc's closefrom), never
# with one close() for every number up to the limit: counted with
# strace -c, the close() calls and all the calls made without
# close_range are at most a few more than those made with it.  The rows,
# with and without, are util-linux's (tests/lib/limits.sh,
# judge_limited): the files are attached on the host, where util-linux's
# path is the right one.

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/hardening.sh"
. "$TESTS_SRCDIR/lib/limits.sh"
if ! command -v strace >/dev/null 2>&1 || ! strace -o /dev/null true 2>/dev/null; then
  unsupported "closing without close_range: strace is missing or cannot trace here"
  exit 0
fi
if ! "$HELPERS/no-close-range" true; then
  unsupported "closing without close_range: a seccomp filter cannot be installed here"
  exit 0
fi
limits_skip_sanitized "closing without close_range"
limits_init "closing without close_range" "$@"

limits_scene 10 0 || { fail "scene: 10 bound devices"; exit 0; }
limits_control || exit 0

# The limit: nr_open when it may be set, else the hard limit as it is.
LIMIT=$(cat /proc/sys/fs/nr_open 2>/dev/null)
if [ -z "$LIMIT" ] || ! prlimit --nofile="$LIMIT:$LIMIT" true 2>/dev/null; then
  LIMIT=$(prlimit --nofile --output HARD --noheadings | tr -d ' ')
  case $LIMIT in
    '' | *[!0-9]*) fail "the hard limit on open files ('$LIMIT')"; exit 0 ;;
  esac
  echo "nr_open cannot be set here: the hard limit $LIMIT is used"
fi
echo "limit on open files: $LIMIT"

# calls FILE NAME: prints the count of the system call NAME ("total":
# all) in FILE, a summary of strace -c; 0 when it is not there.
calls() {
  awk -v n="$2" '$NF == n { c = $4 } END { print c + 0 }' "$1"
}

OURS_TRACE="strace -f -qq -c -o $SCRATCH/with.c"
judge_limited "highest limit, with close_range" prlimit --nofile="$LIMIT:$LIMIT"
OURS_TRACE="strace -f -qq -c -o $SCRATCH/without.c"
judge_limited "highest limit, without close_range" \
  prlimit --nofile="$LIMIT:$LIMIT" "$HELPERS/no-close-range"
OURS_TRACE=
for f in with without; do
  echo "--- strace -c, $f close_range"
  sed 's/^/  | /' "$SCRATCH/$f.c"
done

close_with=$(calls "$SCRATCH/with.c" close)
close_without=$(calls "$SCRATCH/without.c" close)
all_with=$(calls "$SCRATCH/with.c" total)
all_without=$(calls "$SCRATCH/without.c" total)
echo "close() calls: $close_with with close_range, $close_without without"
echo "all calls: $all_with with close_range, $all_without without"
lc_expect "highest limit: the traces count the calls" \
  test "$all_with" -gt 0 -a "$all_without" -gt 0
lc_expect "highest limit: close() calls without close_range at most 64 more than with it" \
  test "$close_without" -le $((close_with + 64))
lc_expect "highest limit: all calls without close_range at most 200 more than with it" \
  test "$all_without" -le $((all_with + 200))
exit 0
