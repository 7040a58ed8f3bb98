#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# satellite-shim.sh -- the LINBIT and Piraeus satellite images, as they are:
# the binary at /usr/local/sbin/losetup-container and, first in PATH, the
# shim /usr/local/sbin/losetup those images write with
#   printf '#!/bin/sh\nLOSETUP_CONTAINER_ORIGINAL_LOSETUP=%s exec
#     /usr/local/sbin/losetup-container "$@"\n' $(command -v losetup)
# and LOSETUP_CONTAINER_BIND_MOUNTS in colon form.  Satellite 1 attaches
# three volumes through the shim and exits; satellite 2 makes LINSTOR's
# five calls through it, each compared byte for byte with util-linux
# losetup called as "losetup" in the same container; satellite 3 has a
# shim whose original is missing.

. "$TESTS_SRCDIR/lib/lib.sh"
lc_need_unshare "the satellite images' shim"
lc_init

# The container's /usr is the host's: /usr/local/sbin is covered there by
# a bind mount of our own, and must exist already (never made on the host).
if [ ! -d /usr/local/sbin ]; then
  unsupported "the satellite images' shim (no /usr/local/sbin to bind over)"
  exit 0
fi
MISSING=/usr/sbin/losetup.missing-original
if [ -e "$MISSING" ]; then
  unsupported "the satellite images' shim ($MISSING exists)"
  exit 0
fi

ROOT=$SCRATCH/root
POOL=/var/lib/linstor-pools/pool1
BIND_MOUNTS=$POOL:/var/lib/linstor-pools/pool2
CTPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mkdir "$ROOT" "$SCRATCH/pool1" "$SCRATCH/sbin" "$SCRATCH/sbin-missing" \
  "$SCRATCH/ul"

# image SBIN ORIGINAL: lays out /usr/local/sbin in SBIN as the images do.
# ORIGINAL is what "command -v losetup" gives while the image is built:
# util-linux's losetup (the host's /usr is the container's).
image() {
  cp "$LC" "$1/losetup-container"
  # The images' own line, word for word.
  # shellcheck disable=SC2016
  printf '#!/bin/sh\nLOSETUP_CONTAINER_ORIGINAL_LOSETUP=%s exec /usr/local/sbin/losetup-container "$@"\n' "$2" \
    >"$1/losetup"
  chmod 755 "$1/losetup"
}
image "$SCRATCH/sbin" "$UL"
image "$SCRATCH/sbin-missing" "$MISSING"
# util-linux as "losetup" too, at /lc/ul, for the side-by-side runs.
ln -s "$UL" "$SCRATCH/ul/losetup"

# satellite SBIN COMMAND...: runs COMMAND in a new container with SBIN at
# /usr/local/sbin, the pool at $POOL and util-linux's losetup at /lc/ul,
# in an environment of its own as a container runtime gives it.
satellite() {
  _sbin=$1; shift
  lc_in_container "$ROOT" "$_sbin:/usr/local/sbin" "$SCRATCH/pool1:$POOL" \
    "$SCRATCH/ul:/lc/ul" -- \
    env -i PATH="$CTPATH" LOSETUP_CONTAINER_BIND_MOUNTS="$BIND_MOUNTS" \
    POOL="$POOL" "$@"
}

# same_files NAME: PASS when the stdout, stderr and status that satellite
# 2 stored for NAME through the shim and through util-linux are the same.
same_files() {
  _o=$SCRATCH/out/$1.ours _t=$SCRATCH/out/$1.theirs
  if cmp -s "$_o.out" "$_t.out" && cmp -s "$_o.err" "$_t.err" \
     && cmp -s "$_o.st" "$_t.st"; then
    pass "through the shim, same as losetup: $1"
  else
    fail "through the shim, same as losetup: $1 (status $(cat "$_o.st") vs $(cat "$_t.st"))"
    for _f in "$_o.out" "$_t.out" "$_o.err" "$_t.err"; do
      echo "--- ${_f##*/}"; cat "$_f"
    done | sed 's/^/  | /'
  fi
}

# --- satellite 1: three volumes attached through the shim ----------------
VOLS="pvc-5b8f2d6a-3c1e-4f9a-8d7b-2e6c0a9f1b34_00000.img
pvc-c41d9e07-7a2b-4b6f-9e3c-8f5d1a2b6c70_00000.img
pvc-0e9a7c35-d2f4-4a81-b6e9-53c7f0d2a8b1_00000.img"
for v in $VOLS NEW-ours.img NEW-theirs.img; do
  truncate -s 1M "$SCRATCH/pool1/$v"
done
for v in $VOLS; do
  len=$(( ${#POOL} + 1 + ${#v} ))
  lc_expect "volume path is LINSTOR's length, 60-90 characters ($len)" \
    test "$len" -ge 60 -a "$len" -le 90
done
# shellcheck disable=SC2086
satellite "$SCRATCH/sbin" sh -c '
  for v; do losetup -f --show "$POOL/$v" >>/lc/out/sat1 || exit 1; done' \
  sh $VOLS
printf '%s\n' $VOLS >"$SCRATCH/vols"
: >>"$SCRATCH/out/sat1"
paste -d ' ' "$SCRATCH/out/sat1" "$SCRATCH/vols" >"$SCRATCH/volumes"
while read -r dev v; do
  case $dev in
    /dev/loop*) lc_record_device "$dev" "$SCRATCH/pool1/$v"
                pass "satellite 1 attached $v through the shim" ;;
    *) fail "satellite 1 attached $v through the shim" ;;
  esac
done <"$SCRATCH/volumes"
DEV1=$(head -n 1 "$SCRATCH/out/sat1")
[ -n "$DEV1" ] || { fail "satellite 1 attached nothing"; exit 0; }

# --- satellite 2: LINSTOR's calls, and util-linux's answers beside them ----
cat >"$SCRATCH/out/sat2.sh" <<'EOF'
cd /lc/out
# both NAME ARG...: losetup ARG... through the shim, then util-linux
# losetup called the same way, as "losetup" through PATH.
both() {
  _n=$1; shift
  losetup "$@" >"$_n.ours.out" 2>"$_n.ours.err"; echo $? >"$_n.ours.st"
  PATH=/lc/ul:$PATH losetup "$@" >"$_n.theirs.out" 2>"$_n.theirs.err"
  echo $? >"$_n.theirs.st"
}
both version --version
both unknown-option --bogus
both unknown-short-option -x
both "-c on a missing device" -c /dev/loop-missing
both "-d on a missing device" -d /dev/loop-missing
both "-c on an existing device" -c "$1"
for w in ours theirs; do
  [ "$w" = ours ] && p=$PATH || p=/lc/ul:$PATH
  : >"full.$w.out"
  PATH=$p losetup -l -O NAME,BACK-FILE >/dev/full 2>"full.$w.err"
  echo $? >"full.$w.st"
done
# The listing, as LINSTOR reads it, and util-linux's beside it.
losetup -l -O NAME,BACK-FILE >list.out 2>list.err; echo $? >list.st
PATH=/lc/ul:$PATH losetup -l -O NAME,BACK-FILE >list.ul
LOSETUP_CONTAINER_DEBUG=1 losetup -l -O NAME,BACK-FILE >/dev/null 2>trace.err
# A new volume: attached, its size checked, detached, each call through
# the shim; util-linux does the same with a file of its own.
losetup -f --show "$POOL/NEW-ours.img" >new.ours.dev 2>attach.ours.err
echo $? >attach.ours.st
PATH=/lc/ul:$PATH losetup -f --show "$POOL/NEW-theirs.img" >new.theirs.dev \
  2>attach.theirs.err
echo $? >attach.theirs.st
for w in ours theirs; do
  [ "$w" = ours ] && p=$PATH || p=/lc/ul:$PATH
  PATH=$p losetup -c "$(cat new.$w.dev)" >"-c on the new volume.$w.out" \
    2>"-c on the new volume.$w.err"; echo $? >"-c on the new volume.$w.st"
  PATH=$p losetup -d "$(cat new.$w.dev)" >"-d on the new volume.$w.out" \
    2>"-d on the new volume.$w.err"; echo $? >"-d on the new volume.$w.st"
done
# The operator's way to the wrapper's own answer.
/usr/local/sbin/losetup-container --version >own.out 2>&1; echo $? >own.st
EOF
satellite "$SCRATCH/sbin" sh /lc/out/sat2.sh "$DEV1"
for w in ours theirs; do
  dev=$(cat "$SCRATCH/out/new.$w.dev" 2>/dev/null)
  case $dev in
    /dev/loop*) lc_record_device "$dev" "$SCRATCH/pool1/NEW-$w.img" ;;
  esac
done

for name in version unknown-option unknown-short-option \
            "-c on a missing device" "-d on a missing device" \
            "-c on an existing device" full \
            "-c on the new volume" "-d on the new volume"; do
  same_files "$name"
done
lc_expect "through the shim, --version is util-linux's (LINSTOR's tool check)" \
  grep -q '^losetup from util-linux [0-9][0-9.]*' "$SCRATCH/out/version.ours.out"
lc_expect "the full disk gave a write error naming losetup" \
  grep -q '^losetup: write error' "$SCRATCH/out/full.ours.err"

# LINSTOR's reading of the listing: split each line on whitespace, column
# 2 compared with the path expected, column 1 the device.
lc_expect "the listing through the shim: status 0" \
  test "$(cat "$SCRATCH/out/list.st")" = 0
lc_expect "the listing through the shim: nothing on stderr" \
  test ! -s "$SCRATCH/out/list.err"
while read -r dev v; do
  found=$(awk -v p="$POOL/$v" '$2 == p { print $1 }' "$SCRATCH/out/list.out")
  lc_expect "LINSTOR's parse finds $POOL/$v on $dev" test "$found" = "$dev"
  lc_expect_back_file "util-linux alone shows the cut path for $v" \
    "$SCRATCH/out/list.ul" "$dev" "/$v"
done <"$SCRATCH/volumes"
lc_expect "the trace through the shim names losetup" \
  sh -c 'test -s "$1" && ! grep -v "^losetup: debug: " "$1"' sh \
  "$SCRATCH/out/trace.err"

lc_expect "-f --show through the shim: status 0, a device, nothing on stderr" \
  sh -c 'test "$(cat "$1/attach.ours.st")" = 0 && test ! -s "$1/attach.ours.err" &&
         grep -qx "/dev/loop[0-9]*" "$1/new.ours.dev"' sh "$SCRATCH/out"
id=$(lc_file_id "$SCRATCH/pool1/NEW-ours.img")
dev=$(cat "$SCRATCH/out/new.ours.dev")
if lc_still_ours "$dev" "$id"; then
  fail "-d through the shim detached the new volume"
else
  pass "-d through the shim detached the new volume"
fi

lc_expect "the wrapper's own --version under its own name, without the variable" \
  sh -c 'test "$(cat "$1/own.st")" = 0 &&
         head -n 1 "$1/own.out" | grep -q "^losetup-container (losetup-container) "' \
  sh "$SCRATCH/out"

# --- satellite 3: the shim's original is missing ------------------------
cat >"$SCRATCH/out/sat3.sh" <<'EOF'
cd /lc/out
n=0
for args in "--version" "-f --show $POOL/NEW-ours.img" "-c $1" "-d $1"; do
  n=$((n + 1))
  # shellcheck disable=SC2086
  losetup $args >"missing.$n.out" 2>"missing.$n.err"; echo $? >"missing.$n.st"
done
losetup -l -O NAME,BACK-FILE >missing.list 2>missing.list.err
echo $? >missing.list.st
EOF
satellite "$SCRATCH/sbin-missing" sh /lc/out/sat3.sh "$DEV1"
printf 'losetup: cannot find the original losetup; tried: %s (not found)\n' \
  "$MISSING" >"$SCRATCH/missing.want"
n=0
for what in --version "-f --show" "-c" "-d"; do
  n=$((n + 1))
  lc_expect "missing original, $what: status 127" \
    test "$(cat "$SCRATCH/out/missing.$n.st")" = 127
  lc_expect "missing original, $what: the message names losetup and the path" \
    cmp -s "$SCRATCH/out/missing.$n.err" "$SCRATCH/missing.want"
  lc_expect "missing original, $what: nothing on stdout" \
    test ! -s "$SCRATCH/out/missing.$n.out"
done
lc_expect "missing original: -d left the device attached" \
  lc_still_ours "$DEV1" "$(lc_file_id "$SCRATCH/pool1/$(head -n 1 "$SCRATCH/vols")")"
lc_expect "missing original: the listing still works (status 0, no message)" \
  sh -c 'test "$(cat "$1.st")" = 0 && test ! -s "$1.err"' sh \
  "$SCRATCH/out/missing.list"
while read -r dev v; do
  found=$(awk -v p="$POOL/$v" '$2 == p { print $1 }' "$SCRATCH/out/missing.list")
  lc_expect "missing original: LINSTOR's parse finds $v" test "$found" = "$dev"
done <"$SCRATCH/volumes"
exit 0
