#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# container.sh -- container restarts, reproduced with unshare -m and
# a chroot: a device is attached inside "container 1", which then exits;
# the listing runs inside "container 2" (or on the host).  Every expected
# path below is the one the test itself created.

. "$TESTS_SRCDIR/lib/lib.sh"
lc_need_unshare "container restarts"
lc_init

ROOT=$SCRATCH/root
mkdir "$ROOT"

# ct_list OUTNAME [ENV=VALUE]... -- BIND...: lists inside a fresh container
# with BINDs; our listing in $SCRATCH/out/OUTNAME (.err, .status), losetup's
# in OUTNAME.ul.
ct_list() {
  _out=$1; shift
  _env=; while [ "$1" != "--" ]; do _env="$_env $1"; shift; done; shift
  lc_ct_list "$_out" "$_env" "$@"
}

# --- the seed's scene -----------------------------------------------------
mkdir "$SCRATCH/pools"
truncate -s 1M "$SCRATCH/pools/example"
lc_ct_attach "$ROOT" "$SCRATCH/pools/example" "$SCRATCH/pools:/foo" -- \
  "$UL" --show -f /foo/example || { fail "attach in a container"; exit 0; }
SEED=$DEV

ct_list seed -- "$SCRATCH/pools:/foo"
lc_expect_back_file "util-linux shows the cut path after the restart" \
  "$SCRATCH/out/seed.ul" "$SEED" /example
lc_expect_back_file "bound at /foo again: /foo/example" \
  "$SCRATCH/out/seed" "$SEED" /foo/example
lc_listed_ok "seed scene" seed

# The trace: facts, each candidate with the reason, and the same stdout.
ct_list seed-debug LOSETUP_CONTAINER_DEBUG=1 -- "$SCRATCH/pools:/foo"
T=$SCRATCH/out/seed-debug.err
lc_expect "trace: the device's facts" \
  grep -q "^losetup-container: debug: $SEED: sysfs \"/example\", lo_file_name \"/foo/example\", device [0-9]*:[0-9]*, inode $(stat -c %i "$SCRATCH/pools/example")\$" "$T"
lc_expect "trace: a refused candidate and why" \
  grep -q "^losetup-container: debug: $SEED: sysfs path \"/example\": refused: No such file or directory\$" "$T"
lc_expect "trace: the accepted candidate" \
  grep -q "^losetup-container: debug: $SEED: lo_file_name \"/foo/example\": accepted: same device and inode\$" "$T"
lc_expect "trace: stdout is the same as without it" \
  cmp -s "$SCRATCH/out/seed-debug" "$SCRATCH/out/seed"
lc_expect "trace: nothing but trace lines on stderr" \
  sh -c '! grep -v "^losetup-container: debug: " "$1"' sh "$T"

ct_list moved -- "$SCRATCH/pools:/mnt/elsewhere"
lc_expect_back_file "bound at another path: the new path" \
  "$SCRATCH/out/moved" "$SEED" /mnt/elsewhere/example

"$LC" -l -O NAME,BACK-FILE >"$SCRATCH/host.plain" 2>&1
lc_expect_back_file "on the host without configuration: losetup's text" \
  "$SCRATCH/host.plain" "$SEED" /example
LOSETUP_CONTAINER_BIND_MOUNTS="/nonexistent:$SCRATCH/pools" \
  "$LC" -l -O NAME,BACK-FILE >"$SCRATCH/host.colon" 2>"$SCRATCH/host.colon.err"
lc_expect_back_file "on the host, bind list with ':'" \
  "$SCRATCH/host.colon" "$SEED" "$SCRATCH/pools/example"
lc_expect "on the host, bind list with ':': nothing on stderr" \
  test ! -s "$SCRATCH/host.colon.err"
LOSETUP_CONTAINER_BIND_MOUNTS="/nonexistent
$SCRATCH/pools
" "$LC" -l -O NAME,BACK-FILE >"$SCRATCH/host.nl" 2>&1
lc_expect_back_file "on the host, bind list with newlines" \
  "$SCRATCH/host.nl" "$SEED" "$SCRATCH/pools/example"

# --- a LINSTOR / piraeus file pool -----------------------------------------
POOL=/var/lib/linstor-pools/pool1
mkdir -p "$SCRATCH/linstor/pool1"
VOLS="pvc-3f2a6c1e-8b4d-4e7a-9c2b-1d5e6f7a8b9c_00000.img
pvc-a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d_00000.img
pvc-77e8d9c0-b1a2-4c3d-9e4f-5a6b7c8d9e0f_00000.img"
for v in $VOLS; do
  truncate -s 1M "$SCRATCH/linstor/pool1/$v"
  lc_expect "volume path is longer than lo_file_name keeps (${#POOL}+${#v}+1)" \
    test $(( ${#POOL} + ${#v} + 1 )) -gt 63
  lc_ct_attach "$ROOT" "$SCRATCH/linstor/pool1/$v" "$SCRATCH/linstor/pool1:$POOL" \
    -- "$UL" --show -f "$POOL/$v" \
    || { fail "attach in a container"; exit 0; }
  printf '%s %s\n' "$DEV" "$POOL/$v" >>"$SCRATCH/volumes"
done

ct_list pool-env LOSETUP_CONTAINER_BIND_MOUNTS=$POOL:/var/lib/linstor-pools/pool2 \
  -- "$SCRATCH/linstor/pool1:$POOL"
ct_list pool-plain -- "$SCRATCH/linstor/pool1:$POOL"
lc_listed_ok "pool with LOSETUP_CONTAINER_BIND_MOUNTS" pool-env
lc_listed_ok "pool without configuration" pool-plain
while read -r dev path; do
  lc_expect_back_file "pool, util-linux shows the cut path for ${path##*/}" \
    "$SCRATCH/out/pool-env.ul" "$dev" "/${path##*/}"
  lc_expect_back_file "pool with LOSETUP_CONTAINER_BIND_MOUNTS: ${path##*/}" \
    "$SCRATCH/out/pool-env" "$dev" "$path"
  lc_expect_back_file "pool without configuration: ${path##*/}" \
    "$SCRATCH/out/pool-plain" "$dev" "$path"
done <"$SCRATCH/volumes"

# LINSTOR's own reading: split lines, skip the header, split on
# whitespace, column 2 -> column 1.  Every volume must be found on the
# device it was attached to, and no volume twice.
for listing in pool-env pool-plain; do
  awk 'NR > 1 { print $2, $1 }' "$SCRATCH/out/$listing" >"$SCRATCH/linstor.map"
  while read -r dev path; do
    found=$(awk -v p="$path" '$1 == p { print $2 }' "$SCRATCH/linstor.map")
    lc_expect "LINSTOR parse ($listing) finds $path on $dev" test "$found" = "$dev"
  done <"$SCRATCH/volumes"
done

# --- attached the way container runtimes do it -----------------------------
truncate -s 1M "$SCRATCH/pools/relative.img"
lc_ct_attach "$ROOT" "$SCRATCH/pools/relative.img" "$SCRATCH/pools:/foo" -- \
  /lc/helpers/loop-attach /foo/relative.img relative.img \
    || { fail "attach in a container"; exit 0; }
REL=$DEV
LONG=runtime-volume-with-a-name-long-enough-to-fill-lo-file-name-entirely.img
truncate -s 1M "$SCRATCH/pools/$LONG"
lc_ct_attach "$ROOT" "$SCRATCH/pools/$LONG" "$SCRATCH/pools:/foo" -- \
  /lc/helpers/loop-attach "/foo/$LONG" "/foo/$LONG" raw \
    || { fail "attach in a container"; exit 0; }
RAW=$DEV
truncate -s 1M "$SCRATCH/pools/empty.img"
lc_ct_attach "$ROOT" "$SCRATCH/pools/empty.img" "$SCRATCH/pools:/foo" -- \
  /lc/helpers/loop-attach /foo/empty.img "" \
    || { fail "attach in a container"; exit 0; }
EMPTY=$DEV

ct_list runtime -- "$SCRATCH/pools:/foo"
lc_listed_ok "runtime-attached devices" runtime
lc_expect_back_file "relative lo_file_name: resolved, absolute" \
  "$SCRATCH/out/runtime" "$REL" /foo/relative.img
lc_expect_back_file "64-byte lo_file_name without NUL: rebuilt" \
  "$SCRATCH/out/runtime" "$RAW" "/foo/$LONG"
lc_expect_back_file "empty lo_file_name: resolved from the mounts" \
  "$SCRATCH/out/runtime" "$EMPTY" /foo/empty.img
lc_expect "never a relative path" \
  sh -c 'awk "NR > 1 { sub(/^[^ ]+ +/, \"\"); print }" "$1" | grep -qv "^/" && exit 1; exit 0' \
  sh "$SCRATCH/out/runtime"

# The same odd names on the host, where sysfs is right: losetup's line.
mkdir "$SCRATCH/hostrt"
truncate -s 1M "$SCRATCH/hostrt/a.img" "$SCRATCH/hostrt/$LONG" \
  "$SCRATCH/hostrt/c.img" "$SCRATCH/hostrt/d.img"
for spec in "a.img|a.img|" "$LONG|$SCRATCH/hostrt/$LONG|raw" "c.img||" \
            "d.img|$SCRATCH/hostrt/../hostrt/d.img|"; do
  file=${spec%%|*}; rest=${spec#*|}; name=${rest%|*}; raw=${rest##*|}
  # shellcheck disable=SC2086
  DEV=$("$HELPERS/loop-attach" "$SCRATCH/hostrt/$file" "$name" $raw) \
    && lc_record_device "$DEV" "$SCRATCH/hostrt/$file" \
    || { fail "loop-attach $file"; continue; }
  printf '%s %s\n' "$DEV" "$file" >>"$SCRATCH/hostrt.devs"
done
"$LC" -l -O NAME,BACK-FILE >"$SCRATCH/hostrt.ours" 2>"$SCRATCH/hostrt.err"
"$UL" -l -O NAME,BACK-FILE >"$SCRATCH/hostrt.ul"
while read -r dev file; do
  want=$(lc_back_file "$SCRATCH/hostrt.ul" "$dev")
  lc_expect "host, runtime name for $file: util-linux shows the real path" \
    test "$want" = "$SCRATCH/hostrt/$file"
  lc_expect_back_file "host, runtime name for $file: losetup's line" \
    "$SCRATCH/hostrt.ours" "$dev" "$want"
done <"$SCRATCH/hostrt.devs"
lc_expect "host, runtime names: nothing on stderr" test ! -s "$SCRATCH/hostrt.err"
exit 0
