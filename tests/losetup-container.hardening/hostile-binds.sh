#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hostile-binds.sh -- LOSETUP_CONTAINER_BIND_MOUNTS as a careless or
# hostile caller may set it: empty entries, relative ones, . and ..,
# entries beyond PATH_MAX, thousands of entries, decoys.
#
# One device, attached inside a container that then exits, so that the
# kernel shows its path cut to "/NAME"; on the host only the bind list can
# give the real path back (the file is on the root file system, not below
# a mount of its own).  The listing runs in this script's own mount
# namespace with a /sys/block that holds that device alone, so the whole
# output can be compared with util-linux's, byte for byte, whatever other
# tests do meanwhile.  Expected paths are the ones created here.

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/hardening.sh"
lc_need_unshare "hostile bind lists"
hard_private_namespace "$@"
lc_init

POOL=$SCRATCH/pool
NAME=lc-hostile-binds-$$.img
FILE=$POOL/$NAME
mkdir "$POOL" "$SCRATCH/root"
truncate -s 1M "$FILE"

lc_ct_attach "$SCRATCH/root" "$FILE" "$POOL:/ctpool" -- \
  "$UL" --show -f "/ctpool/$NAME" || { fail "attach inside a container"; exit 0; }
hard_sysblock_prepare "$DEV" && hard_sysblock_mount || { fail "private /sys/block"; exit 0; }

# The scene, checked before anything else: util-linux shows the cut path.
"$UL" $LIST >"$SCRATCH/ul" 2>&1
lc_expect_back_file "precondition: util-linux shows the cut path" \
  "$SCRATCH/ul" "$DEV" "/$NAME"

# uncorrected NAME VALUE: with the variable set to VALUE our listing is
# util-linux's, byte for byte (stdout, stderr, status).
uncorrected() {
  lc_same_output "$1: losetup's line" \
    env LOSETUP_CONTAINER_BIND_MOUNTS="$2" "$LC" $LIST -- "$UL" $LIST
}

# corrected NAME VALUE PATH: with the variable set to VALUE our listing
# shows PATH for the device, exits 0 and says nothing on stderr.
corrected() {
  LOSETUP_CONTAINER_BIND_MOUNTS=$2 "$LC" $LIST >"$SCRATCH/c.out" 2>"$SCRATCH/c.err"
  _st=$?
  lc_expect_back_file "$1: the real path" "$SCRATCH/c.out" "$DEV" "$3"
  if [ "$_st" = 0 ] && [ ! -s "$SCRATCH/c.err" ] \
     && hard_well_formed "$SCRATCH/c.out"; then
    pass "$1: status 0, nothing on stderr, well formed"
  else
    fail "$1: status $_st, stderr: $(head -c 300 "$SCRATCH/c.err")"
  fi
}

# trace_says NAME VALUE PATTERN: the trace (LOSETUP_CONTAINER_DEBUG=1)
# has a line matching PATTERN (grep -F), and only trace lines.
trace_says() {
  LOSETUP_CONTAINER_DEBUG=1 LOSETUP_CONTAINER_BIND_MOUNTS=$2 \
    "$LC" $LIST >/dev/null 2>"$SCRATCH/t.err"
  lc_expect "$1: the trace says why" grep -qF -- "$3" "$SCRATCH/t.err"
  lc_expect "$1: nothing but whole trace lines" \
    sh -c '! grep -v "^losetup-container: debug: " "$1"' sh "$SCRATCH/t.err"
}

# --- empty ----------------------------------------------------------------
uncorrected "unset" ""
uncorrected "only separators" ":::
:
::"
corrected "empty entries around the pool" "::$POOL::
" "$FILE"
corrected "a trailing slash" "$POOL///" "$FILE"

# --- relative, . and .. ---------------------------------------------------
cd / || exit 1
REL=${POOL#/}
uncorrected "relative (it would work from /)" "$REL"
trace_says "relative" "$REL" \
  "bind mount \"$REL\": refused: not an absolute path without . or .. components"
uncorrected "a .. component" "$SCRATCH/root/../pool"
trace_says "a .. component" "$SCRATCH/root/../pool" \
  "bind mount \"$SCRATCH/root/../pool\": refused: not an absolute path"
uncorrected "a . component" "$SCRATCH/./pool"
uncorrected "ending in /." "$POOL/."
uncorrected "ending in /.." "$POOL/$NAME/.."
corrected "refused entries, then the pool" \
  "$REL:$SCRATCH/root/../pool:$SCRATCH/./pool:$POOL" "$FILE"

# --- decoys ----------------------------------------------------------------
# The same name in another directory is another file: never taken.
mkdir "$SCRATCH/decoy"
truncate -s 1M "$SCRATCH/decoy/$NAME"
uncorrected "a decoy with the same name" "$SCRATCH/decoy"
corrected "a decoy first, then the pool" "$SCRATCH/decoy:$POOL" "$FILE"
uncorrected "the root directory" "/"
# A symbolic link to the pool leads to the very file: a right path.
ln -s "$POOL" "$SCRATCH/link"
corrected "a symbolic link to the pool" "$SCRATCH/link" "$SCRATCH/link/$NAME"

# --- beyond PATH_MAX ------------------------------------------------------
LONG=$(awk 'BEGIN { s = ""; while (length(s) < 5000) s = s "/long-directory-name"; print s }')
HUGE=$(awk 'BEGIN { s = ""; while (length(s) < 120000) s = s "/long-directory-name"; print s }')
uncorrected "an entry of ${#LONG} bytes" "$LONG"
uncorrected "an entry of ${#HUGE} bytes" "$HUGE"
corrected "long entries, then the pool" "$LONG:$HUGE:$POOL" "$FILE"
corrected "the pool, then a long entry" "$POOL:$HUGE" "$FILE"

# --- thousands of entries (under the 128 KiB a single variable may hold) --
MANY=$(awk 'BEGIN { for (i = 0; i < 10000; i++) printf "/n/%d:", i }')
uncorrected "10000 entries, none right" "$MANY"
corrected "10000 entries, then the pool" "$MANY$POOL" "$FILE"
NLMANY=$(awk 'BEGIN { for (i = 0; i < 10000; i++) printf "\n\n/n/%d", i }')
corrected "10000 entries and empty lines, then the pool" "$NLMANY
$POOL" "$FILE"
exit 0
