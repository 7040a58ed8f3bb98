#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# host.sh -- devices set up on the host: the listing is util-linux
# losetup's to the byte (widths, escaping, " (deleted)", order), and each
# of our devices shows the path it was given.  Against this machine's
# losetup, or in a root given by LC_UL_ROOT (tests/lib/ul-target.sh).

. "$TESTS_SRCDIR/lib/lib.sh"
lc_need_root "host listing"
lc_init

F=$SCRATCH/files
mkdir "$F"
tab=$(printf '\t')
set -- "plain.img" "with space.img" "with${tab}tab.img" "deleted.img" \
       v1.img v2.img v3.img v4.img v5.img v6.img v7.img v8.img
for name; do
  truncate -s 1M "$F/$name"
  dev=$(lc_attach "$F/$name") || { fail "attach $name"; exit 0; }
  printf '%s\t%s\n' "$dev" "$name" >>"$SCRATCH/devices"
done
rm "$F/deleted.img"

# An unbound device that exists: attached, then detached again.
truncate -s 1M "$F/gone.img"
gone=$(lc_attach "$F/gone.img") && "$UL" -d "$gone"

for loc in C C.UTF-8; do
  # shellcheck disable=SC2086
  LC_ALL=$loc lc_same_output "LC_ALL=$loc: same bytes as losetup" \
    $RUN "$LC" $LIST -- $RUN "$REF" $LIST
done
lc_same_output "other spelling: -lO name,back-file" \
  $RUN "$LC" -lO name,back-file -- $RUN "$REF" -lO name,back-file
lc_same_output "other spelling: --output=NAME,BACK-FILE --list" \
  $RUN "$LC" --output=NAME,BACK-FILE --list -- \
  $RUN "$REF" --output=NAME,BACK-FILE --list

# shellcheck disable=SC2086
$RUN "$LC" $LIST >"$SCRATCH/ours" 2>"$SCRATCH/ours.err"
lc_expect "exit status 0" test $? -eq 0
lc_expect "nothing on stderr, unbound devices and all" test ! -s "$SCRATCH/ours.err"
lc_expect "a two-digit device is listed (column width)" \
  grep -q '^/dev/loop[0-9][0-9]' "$SCRATCH/ours"
lc_expect "no trailing spaces" sh -c '! grep -q " \$" "$1"' sh "$SCRATCH/ours"
lc_expect "header first" sh -c 'head -n 1 "$1" | grep -q "^NAME  *BACK-FILE\$"' \
  sh "$SCRATCH/ours"

# only_devices LOOPNAME...: prints a script for "unshare -m sh -c" that
# shows the command it runs a /sys/block with the devices LOOPNAME alone
# (a tmpfs with links to them), in the command's own mount namespace.
only_devices() {
  printf '%s\n' 'mount -t tmpfs lc-only /sys/block || exit 99' \
    "for d in $*; do" \
    '  ln -s "/sys/devices/virtual/block/$d" "/sys/block/$d" || exit 99' \
    'done' 'exec "$@"'
}

# No device in use: nothing at all, not even the header.  Other devices
# may be bound on this machine, so an empty /sys/block stands for a
# kernel with none.
hide_devices=$(only_devices)
# shellcheck disable=SC2086
lc_same_output "no device in use: same bytes as losetup" \
  $RUN unshare -m sh -c "$hide_devices" sh "$LC" $LIST -- \
  $RUN unshare -m sh -c "$hide_devices" sh "$REF" $LIST
lc_expect "no device in use: nothing printed" test ! -s "$SCRATCH/a.out"

# Each device we attached, with the path we gave it, escaped as losetup
# escapes it.
while IFS='	' read -r dev name; do
  want="$F/$name"
  case $name in
    *"$tab"*) want=$(printf '%s' "$want" | sed 's/\t/\\x09/') ;;
    deleted.img) want="$want (deleted)" ;;
  esac
  lc_expect_back_file "$name on $dev" "$SCRATCH/ours" "$dev" "$want"
done <"$SCRATCH/devices"

# Without permission to open /dev/loopN (an ordinary user): still
# losetup's bytes, from sysfs alone.
if command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
  mkdir "$SCRATCH/pub"
  cp "$LC" "$SCRATCH/pub/losetup-container"
  chmod 755 "$SCRATCH" "$SCRATCH/pub" "$SCRATCH/pub/losetup-container"
  AS_NOBODY="setpriv --reuid=nobody --regid=nogroup --clear-groups"
  # shellcheck disable=SC2086
  lc_same_output "as an ordinary user: same bytes as losetup" \
    $RUN $AS_NOBODY "$SCRATCH/pub/losetup-container" $LIST -- \
    $RUN $AS_NOBODY "$REF" $LIST
  chmod 700 "$SCRATCH"
else
  unsupported "as an ordinary user (setpriv or user nobody missing)"
fi

# Write errors, as losetup reports them (both called "losetup"): first
# with every device in /sys/block, then with this script's alone.  With
# many devices bound on the machine the table outgrows stdio's buffer;
# the write then fails before the end and neither program learns the
# reason, so the reason and the silence are checked with a short table:
# this script's devices alone in /sys/block.
lc_as_losetup
ours_only=$(only_devices $(cut -f 1 "$SCRATCH/devices" | sed 's|.*/||'))

# write_errors LABEL PREFIX...: the listing to /dev/full and to a closed
# pipe (SIGPIPE ignored, as some callers run us; the program starts once
# a write has failed, the reader gone, so that every write fails), each
# program run by PREFIX (within $RUN); the messages go to
# $SCRATCH/LABEL.*.
write_errors() {
  _l=$1; shift
  # shellcheck disable=SC2086
  $RUN "$@" $OURS $LIST >/dev/full 2>"$SCRATCH/$_l.full.ours"; sa=$?
  # shellcheck disable=SC2086
  $RUN "$@" $THEIRS $LIST >/dev/full 2>"$SCRATCH/$_l.full.theirs"; sb=$?
  lc_expect "$_l: full disk: status $sa like losetup's $sb" test "$sa" = "$sb" -a "$sa" = 1
  lc_expect "$_l: full disk: same message as losetup" \
    cmp -s "$SCRATCH/$_l.full.ours" "$SCRATCH/$_l.full.theirs"
  for _w in ours theirs; do
    [ $_w = ours ] && _p=$OURS || _p=$THEIRS
    # shellcheck disable=SC2086
    $RUN "$@" sh -c 'trap "" PIPE; while printf x 2>/dev/null; do :; done
                     exec "$@"' sh $_p $LIST \
      2>"$SCRATCH/$_l.pipe.$_w" | true
  done
  lc_expect "$_l: closed pipe: the same on stderr as losetup" \
    cmp -s "$SCRATCH/$_l.pipe.ours" "$SCRATCH/$_l.pipe.theirs"
}

write_errors "every device" env
write_errors "these devices" unshare -m sh -c "$ours_only" sh
lc_expect "these devices: full disk: message names the write error" \
  grep -qxF "losetup: write error: No space left on device" \
  "$SCRATCH/these devices.full.ours"
lc_expect "these devices: closed pipe: nothing on stderr" \
  test ! -s "$SCRATCH/these devices.pipe.ours"
exit 0
