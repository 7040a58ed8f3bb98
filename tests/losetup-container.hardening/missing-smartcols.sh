#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# missing-smartcols.sh -- libsmartcols gone.  util-linux losetup is linked
# with it: its dynamic loader prints one line and exits with 127 before
# losetup runs at all.  Our listing, which loads libsmartcols with
# dlopen(), must end the same way: same stdout (nothing), same stderr,
# same status, in the C locale and in German, to a pipe (where the plain
# table would need no library) and to a file, under the name losetup and
# as the images' shim calls it.  A call handed over reaches the original,
# which fails as it fails alone.
#
# The library is removed in this script's own mount namespace only: an
# overlay, whose upper layer is a tmpfs, on the directory that holds it,
# with the library's names deleted there.  Nothing on the machine changes.

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/hardening.sh"
lc_need_unshare "libsmartcols missing"
hard_private_namespace "$@"
lc_init

lib=$(ldd "$UL" 2>/dev/null | awk '$1 ~ /^libsmartcols\.so/ { print $3; exit }')
if [ -z "$lib" ] || [ ! -e "$lib" ]; then
  fail "util-linux losetup ($UL) is linked with libsmartcols (ldd: '$lib')"
  exit 0
fi
dir=$(dirname "$(readlink -f "$lib")")
mkdir "$SCRATCH/ov" "$SCRATCH/ours" "$SCRATCH/theirs"
ln -s "$LC" "$SCRATCH/ours/losetup"
ln -s "$UL" "$SCRATCH/theirs/losetup"
# One device in use, so that there is a table to print.
truncate -s 1M "$SCRATCH/a.img"
lc_attach "$SCRATCH/a.img" >/dev/null || { fail "attach a device"; exit 0; }

# Everything below runs with libsmartcols gone from this namespace.
mount -t tmpfs lc-no-smartcols "$SCRATCH/ov"
mkdir "$SCRATCH/ov/upper" "$SCRATCH/ov/work"
if ! mount -t overlay lc-no-smartcols \
       -o "lowerdir=$dir,upperdir=$SCRATCH/ov/upper,workdir=$SCRATCH/ov/work" \
       "$dir"; then
  fail "an overlay on $dir in a private mount namespace"
  exit 0
fi
# The library comes back before lc_cleanup detaches the device with
# util-linux losetup.
trap 'umount "$dir" 2>/dev/null || umount -l "$dir"; umount -l "$SCRATCH/ov"
      lc_cleanup' EXIT
for f in "$dir"/libsmartcols.so*; do rm -f "$f"; done
"$UL" --version >/dev/null 2>&1
st=$?
lc_expect "util-linux losetup cannot start without libsmartcols (status $st)" \
  test "$st" = 127

for loc in "LC_ALL=C" "LANGUAGE=de LC_ALL=C.UTF-8"; do
  for to in pipe file; do
    if [ $to = pipe ]; then how='"$@" | cat'; else how='"$@" >"$0"'; fi
    # shellcheck disable=SC2086  # LOC is a list of words
    lc_same_output "$loc, listing to a $to" \
      env -u LC_ALL $loc PATH="$SCRATCH/ours:$PATH" \
        sh -c "$how" "$SCRATCH/out/o.$to" losetup -l -O NAME,BACK-FILE -- \
      env -u LC_ALL $loc PATH="$SCRATCH/theirs:$PATH" \
        sh -c "$how" "$SCRATCH/out/t.$to" losetup -l -O NAME,BACK-FILE
  done
  # As the images' shim calls it: by its own name, with the variable.
  # shellcheck disable=SC2086
  lc_same_output "$loc, listing called as the images' shim calls it" \
    env -u LC_ALL $loc LOSETUP_CONTAINER_ORIGINAL_LOSETUP="$UL" \
      "$LC" -l -O NAME,BACK-FILE -- \
    env -u LC_ALL $loc PATH="$SCRATCH/theirs:$PATH" losetup -l -O NAME,BACK-FILE
  # shellcheck disable=SC2086
  lc_same_output "$loc, a call handed over (-a)" \
    env -u LC_ALL $loc PATH="$SCRATCH/ours:$PATH" losetup -a -- \
    env -u LC_ALL $loc PATH="$SCRATCH/theirs:$PATH" losetup -a
done

# The line is the loader's, for libsmartcols.
env PATH="$SCRATCH/ours:$PATH" losetup -l -O NAME,BACK-FILE 2>"$SCRATCH/err" >/dev/null
lc_expect "the message names libsmartcols" \
  grep -q '^losetup: error while loading shared libraries: libsmartcols\.so' "$SCRATCH/err"
exit 0
