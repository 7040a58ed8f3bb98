#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# secure-env.sh -- run setuid root or with a file capability by an
# ordinary user (the kernel then marks the process AT_SECURE), the program
# must ignore its three variables: LOSETUP_CONTAINER_ORIGINAL_LOSETUP must
# not choose what runs as root, LOSETUP_CONTAINER_BIND_MOUNTS must not
# steer what is printed, LOSETUP_CONTAINER_DEBUG must not print a trace.
#
# Each check has a control: the same copy of the program, the same
# variables, run where the kernel does not mark it (no setuid bit, or run
# by root), must honour them.  Otherwise the test could not fail.

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/hardening.sh"
lc_need_unshare "setuid and file capabilities"
hard_private_namespace "$@"
lc_init

if findmnt -no OPTIONS -T "$SCRATCH" | grep -qw nosuid; then
  unsupported "secure context: $SCRATCH is on a nosuid file system"
  exit 0
fi
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"

# The copies, where the user nobody can reach them.
chmod 711 "$SCRATCH"
SEC=$SCRATCH/sec
mkdir "$SEC" && chmod 755 "$SEC"
cp "$LC" "$SEC/plain" && chmod 755 "$SEC/plain"
cp "$LC" "$SEC/setuid" && chown 0:0 "$SEC/setuid" && chmod 4755 "$SEC/setuid"
cp "$HELPERS/fake-original" "$SEC/fake-original" && chmod 755 "$SEC/fake-original"
if ! $NOBODY "$SEC/plain" --version >/dev/null 2>&1; then
  unsupported "secure context: the program cannot run as nobody here"
  exit 0
fi
CAPS=
if command -v setcap >/dev/null 2>&1; then
  cp "$LC" "$SEC/fcaps" && chmod 755 "$SEC/fcaps" &&
    setcap cap_dac_read_search+ep "$SEC/fcaps" 2>/dev/null && CAPS=fcaps
fi

# --- LOSETUP_CONTAINER_ORIGINAL_LOSETUP -----------------------------------
# original_run AS COPY: prints what "COPY -V" runs, with the variable
# naming the stand-in: "stand-in" when the variable is honoured,
# "util-linux" when the usual places are searched.
original_run() {
  _out=$(LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$SEC/fake-original \
         $1 "$SEC/$2" -V 2>&1)
  case $_out in
    *"argv[1]=-V"*) echo stand-in ;;
    *util-linux*) echo util-linux ;;
    *) echo "other: $_out" ;;
  esac
}
lc_expect "control: not marked, the variable chooses the original" \
  test "$(original_run "$NOBODY" plain)" = stand-in
lc_expect "control: setuid copy run by root, the variable chooses" \
  test "$(original_run "" setuid)" = stand-in
got=$(original_run "$NOBODY" setuid)
lc_expect "setuid root, run by nobody: the variable is ignored ($got)" \
  test "$got" = util-linux
if [ -n "$CAPS" ]; then
  lc_expect "control: file capability, run by root: the variable chooses" \
    test "$(original_run "" fcaps)" = stand-in
  got=$(original_run "$NOBODY" fcaps)
  lc_expect "file capability, run by nobody: the variable is ignored ($got)" \
    test "$got" = util-linux
else
  unsupported "file capability: setcap is missing or refused"
fi

# --- a device whose path only the bind list can correct --------------------
POOL=$SCRATCH/pool
NAME=lc-secure-$$.img
mkdir "$POOL" "$SCRATCH/root" && chmod 755 "$POOL"
truncate -s 1M "$POOL/$NAME"
lc_ct_attach "$SCRATCH/root" "$POOL/$NAME" "$POOL:/ctpool" -- \
  "$UL" --show -f "/ctpool/$NAME" || { fail "attach inside a container"; exit 0; }
hard_sysblock_prepare "$DEV" && hard_sysblock_mount || { fail "private /sys/block"; exit 0; }

# listed AS COPY OUT: the listing with both variables set, stdout in
# $SCRATCH/OUT, stderr in $SCRATCH/OUT.err.
listed() {
  LOSETUP_CONTAINER_BIND_MOUNTS=$POOL LOSETUP_CONTAINER_DEBUG=1 \
    $1 "$SEC/$2" $LIST >"$SCRATCH/$3" 2>"$SCRATCH/$3.err"
}
has_trace() { grep -q ': debug: ' "$SCRATCH/$1.err"; }

listed "" setuid by-root
lc_expect_back_file "control: setuid copy run by root: the bind list corrects" \
  "$SCRATCH/by-root" "$DEV" "$POOL/$NAME"
lc_expect "control: setuid copy run by root: a trace" has_trace by-root
listed "$NOBODY" plain nobody
lc_expect "control: not marked, run by nobody: a trace" has_trace nobody

listed "$NOBODY" setuid secure
lc_expect_back_file "setuid root, run by nobody: the bind list is ignored" \
  "$SCRATCH/secure" "$DEV" "/$NAME"
lc_expect "setuid root, run by nobody: no trace, nothing on stderr" \
  test ! -s "$SCRATCH/secure.err"
if [ -n "$CAPS" ]; then
  listed "" fcaps caps-root
  lc_expect_back_file "control: file capability, run by root: the bind list corrects" \
    "$SCRATCH/caps-root" "$DEV" "$POOL/$NAME"
  listed "$NOBODY" fcaps caps
  lc_expect_back_file "file capability, run by nobody: the bind list is ignored" \
    "$SCRATCH/caps" "$DEV" "/$NAME"
  lc_expect "file capability, run by nobody: no trace, nothing on stderr" \
    test ! -s "$SCRATCH/caps.err"
fi
exit 0
