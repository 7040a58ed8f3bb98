#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# valgrind.sh -- the program under valgrind (memcheck): no invalid read or
# write, no use of uninitialised memory, no definite leak, on every path of
# the listing with real devices: a path the kernel gets right, a cut name
# rebuilt, a container restart that only the mount table resolves (libmount
# loaded), one that nothing resolves, the bind list and the trace; and on
# the way to the original (found, missing) and --help/--version.
#
# A build with sanitizers cannot run under valgrind: UNSUPPORTED there (the
# sanitizer run of the suite covers it).

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/hardening.sh"
if ! command -v valgrind >/dev/null 2>&1; then
  unsupported "valgrind: not installed"
  exit 0
fi
if lc_sanitized; then
  unsupported "valgrind: the program is built with sanitizers"
  exit 0
fi
lc_need_unshare "valgrind on the listing"
hard_private_namespace "$@"
lc_init
SEEN_MOUNTED= HIDDEN_MOUNTED=
trap '[ -z "$SEEN_MOUNTED" ] || umount "$SCRATCH/seen"
      [ -z "$HIDDEN_MOUNTED" ] || umount "$SCRATCH/hidden"
      hard_sysblock_restore; lc_cleanup' EXIT

# vg NAME COMMAND...: runs COMMAND under memcheck; stdout in
# $SCRATCH/NAME.out, stderr in NAME.err, memcheck's report in NAME.vg.
# PASS when memcheck reported nothing.
vg() {
  _n=$1; shift
  valgrind -q --error-exitcode=99 --leak-check=full \
    --show-leak-kinds=definite --errors-for-leak-kinds=definite \
    --log-file="$SCRATCH/$_n.vg" "$@" >"$SCRATCH/$_n.out" 2>"$SCRATCH/$_n.err"
  _st=$?
  # valgrind 3.19 does not know the loop ioctls and says so; that notice
  # alone is no error.
  grep -v -e 'noted but unhandled ioctl 0x4c05 ' \
    -e 'This could cause spurious value errors' \
    -e 'See README_MISSING_SYSCALL_OR_IOCTL' "$SCRATCH/$_n.vg" \
    >"$SCRATCH/$_n.vgerr"
  if [ -s "$SCRATCH/$_n.vgerr" ] || [ "$_st" = 99 ]; then
    fail "$_n: memcheck is clean"
    sed 's/^/  | /' "$SCRATCH/$_n.vgerr" | head -60
  else
    pass "$_n: memcheck is clean"
  fi
  return "$_st"
}

POOL=$SCRATCH/pool
mkdir "$POOL" "$SCRATCH/root" "$SCRATCH/seen"

# 1. Attached on the host: the kernel's path is right.
truncate -s 1M "$POOL/host.img"
D1=$(lc_attach "$POOL/host.img") || { fail "attach"; exit 0; }

# 2. A container restart; the pool is also bound at $SCRATCH/seen in this
# namespace, which only the mount table tells.
truncate -s 1M "$POOL/restart.img"
lc_ct_attach "$SCRATCH/root" "$POOL/restart.img" "$POOL:/ctpool" -- \
  "$UL" --show -f /ctpool/restart.img || { fail "attach 2"; exit 0; }
D2=$DEV
mount --bind "$POOL" "$SCRATCH/seen" && SEEN_MOUNTED=1

# 3. A long name cut by the kernel, bound at the same path inside (the
# piraeus way): rebuilt from its halves.
LONGNAME=pvc-0b7e9d2a-5c1e-4b7a-9d2f-7f6e5d4c3b2a-with-a-long-suffix_00000.img
truncate -s 1M "$POOL/$LONGNAME"
lc_ct_attach "$SCRATCH/root" "$POOL/$LONGNAME" "$POOL:$POOL" -- \
  "$UL" --show -f "$POOL/$LONGNAME" || { fail "attach 3"; exit 0; }
D3=$DEV

# 4. A container restart, then the directory it bound hidden under an
# empty tmpfs in this namespace: no path leads to the file any more.
mkdir "$SCRATCH/hidden"
truncate -s 1M "$SCRATCH/hidden/gone.img"
lc_ct_attach "$SCRATCH/root" "$SCRATCH/hidden/gone.img" "$SCRATCH/hidden:/ctgone" -- \
  "$UL" --show -f /ctgone/gone.img || { fail "attach 4"; exit 0; }
D4=$DEV
mount -t tmpfs lc-hide "$SCRATCH/hidden" && HIDDEN_MOUNTED=1

hard_sysblock_prepare "$D1" "$D2" "$D3" "$D4" && hard_sysblock_mount ||
  { fail "private /sys/block"; exit 0; }

# --- the listing ----------------------------------------------------------
vg plain "$LC" $LIST
lc_expect "plain: status 0 and nothing on stderr" \
  test $? = 0 -a ! -s "$SCRATCH/plain.err"
lc_expect_back_file "plain: the host's path" "$SCRATCH/plain.out" "$D1" "$POOL/host.img"
lc_expect_back_file "plain: the mount table's path" "$SCRATCH/plain.out" "$D2" "$SCRATCH/seen/restart.img"
lc_expect_back_file "plain: the rebuilt path" "$SCRATCH/plain.out" "$D3" "$POOL/$LONGNAME"
lc_expect_back_file "plain: losetup's text when nothing resolves" "$SCRATCH/plain.out" "$D4" "/gone.img"

LOSETUP_CONTAINER_DEBUG=1 \
LOSETUP_CONTAINER_BIND_MOUNTS="::relative:/x/../y:/nonexistent:$POOL:
$(awk 'BEGIN { s = ""; while (length(s) < 5000) s = s "/long"; print s }')" \
  vg traced "$LC" $LIST
lc_expect "traced: status 0" test $? = 0
lc_expect_back_file "traced: the bind list's path" "$SCRATCH/traced.out" "$D2" "$POOL/restart.img"
lc_expect "traced: a trace on stderr" grep -q ': debug: ' "$SCRATCH/traced.err"

vg full sh -c 'exec "$@" >/dev/full' sh "$LC" $LIST
lc_expect "full disk: status 1" test $? = 1

# --- the other ways out -----------------------------------------------------
vg passthrough "$LC" -V
vg missing env LOSETUP_CONTAINER_ORIGINAL_LOSETUP=/nonexistent "$LC" -V
lc_expect "missing original: status 127" test $? = 127
vg help "$LC" --help
vg version "$LC" --version
exit 0
