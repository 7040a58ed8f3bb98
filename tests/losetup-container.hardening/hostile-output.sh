#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hostile-output.sh -- standard output that cannot be written: a full
# disk (/dev/full), closed, opened read-only, a pipe whose reader is gone
# (SIGPIPE left to kill, or ignored), standard error closed as well.
#
# util-linux losetup runs the same way in the same scene; our listing must
# end as it ends: same status, same message on stderr ("losetup: write
# error: ..."), or none.  Both run under the name "losetup".  The scene is
# this script's own mount namespace with a /sys/block holding only its
# devices, whose paths make the table longer than a stdio buffer, so the
# error comes both while printing and at the final flush.

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/hardening.sh"
lc_need_unshare "write errors"
hard_private_namespace "$@"
lc_init

mkdir "$SCRATCH/bin" "$SCRATCH/pool"
ln -s "$LC" "$SCRATCH/bin/losetup"
OURS=$SCRATCH/bin/losetup

# One short path, then enough long ones for more than 8 KiB of table.
truncate -s 1M "$SCRATCH/pool/short.img"
SHORT=$(lc_attach "$SCRATCH/pool/short.img") || { fail "attach"; exit 0; }
DIR=$SCRATCH/pool
while [ ${#DIR} -lt 2900 ]; do
  DIR=$DIR/$(printf '%0199d' 0 | tr 0 o)
done
mkdir -p "$DIR"
LONGDEVS=
for i in 1 2 3 4; do
  truncate -s 1M "$DIR/long-$i.img"
  d=$(lc_attach "$DIR/long-$i.img") || { fail "attach a long path"; exit 0; }
  LONGDEVS="$LONGDEVS $d"
done

# ends_alike NAME HOW: runs "losetup -l -O NAME,BACK-FILE" the way the
# shell snippet HOW says ($@ is the command), ours and util-linux's, and
# compares what reaches stderr and the status HOW reports.
ends_alike() {
  lc_same_output "$1" \
    sh -c "$2" sh "$OURS" $LIST -- \
    sh -c "$2" sh "$UL" $LIST
}

# The table is long enough for the error to come while printing.
for scene in short long; do
  if [ $scene = short ]; then
    hard_sysblock_prepare "$SHORT"
  else
    hard_sysblock_prepare "$SHORT" $LONGDEVS
  fi
  hard_sysblock_mount || { fail "private /sys/block"; exit 0; }
  "$UL" $LIST >"$SCRATCH/table"
  lc_expect "$scene table: util-linux lists the devices" test -s "$SCRATCH/table"
  if [ $scene = long ]; then
    lc_expect "$scene table: longer than 8 KiB" \
      test "$(wc -c <"$SCRATCH/table")" -gt 8192
  fi

  ends_alike "$scene table, stdout on a full disk" \
    'exec "$@" >/dev/full'
  ends_alike "$scene table, stdout closed" \
    'exec "$@" >&-'
  ends_alike "$scene table, stdout open read-only" \
    'exec "$@" 1</dev/null'
  ends_alike "$scene table, full disk and stderr closed" \
    '"$@" >/dev/full 2>&-; echo "status $?"'
  ends_alike "$scene table, reader gone, SIGPIPE kills" \
    '{ sleep 0.3; "$@"; echo "status $?" >&2; } | true'
  ends_alike "$scene table, reader gone, SIGPIPE ignored" \
    'trap "" PIPE; { sleep 0.3; "$@"; echo "status $?" >&2; } | true'
  # And the message itself, as util-linux 2.38 words it: with the reason
  # when the error comes at the final flush, without when it came while
  # printing (its exit handler then finds errno reset).
  "$OURS" $LIST >/dev/full 2>"$SCRATCH/full.err"
  st=$?
  lc_expect "$scene table, full disk: status 1" test "$st" = 1
  if [ $scene = short ]; then
    want="losetup: write error: No space left on device"
  else
    want="losetup: write error"
  fi
  lc_expect "$scene table, full disk: the message is '$want'" \
    test "$(cat "$SCRATCH/full.err")" = "$want"
done
exit 0
