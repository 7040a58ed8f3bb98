#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# cli.sh -- under its own name and without LOSETUP_CONTAINER_ORIGINAL_LOSETUP,
# --help and --version speak for the wrapper, GNU style, and a full disk is
# a reported write error; with the variable set they are losetup's.

. "$TESTS_SRCDIR/lib/lib.sh"
lc_init

config_value() {
  sed -n "s/^#define $1 \"\\(.*\\)\"\$/\\1/p" "$TOP_BUILDDIR/config.h"
}
VERSION=$(config_value PACKAGE_VERSION)
FAKE=$HELPERS/fake-original

"$LC" --help >"$SCRATCH/help" 2>"$SCRATCH/help.err"
lc_expect "--help exits 0" test $? -eq 0
lc_expect "--help writes nothing on stderr" test ! -s "$SCRATCH/help.err"
lc_expect "--help starts with a usage line" \
  sh -c 'head -n 1 "$1" | grep -q "^Usage: losetup-container "' sh "$SCRATCH/help"
for word in --help --version LOSETUP_CONTAINER_ORIGINAL_LOSETUP \
            LOSETUP_CONTAINER_BIND_MOUNTS LOSETUP_CONTAINER_DEBUG \
            "NAME,BACK-FILE" $DEFAULT_ORIGINALS; do
  lc_expect "--help mentions $word" grep -qF -- "$word" "$SCRATCH/help"
done
# configure.ac gives no bug address, so --help names none (an empty one
# would read "Report bugs to: ").
lc_expect "--help names no bug address" \
  sh -c '! grep -q "^Report bugs" "$1"' sh "$SCRATCH/help"
lc_expect "--help points to the man page" \
  grep -qxF "Full documentation: man losetup-container" "$SCRATCH/help"
# The places listed, the configured one (configure --with-original-losetup)
# first when there is one.
CONFIGURED=$(config_value ORIGINAL_LOSETUP)
first=$(sed -n '/original is the first of:$/{n;p;q}' "$SCRATCH/help" | tr -d ' ')
lc_expect "--help lists ${CONFIGURED:-/usr/sbin/losetup.distrib} first" \
  test "$first" = "${CONFIGURED:-/usr/sbin/losetup.distrib}"
# The original it would run: the first of those places that exists.
NOW=
for p in $CONFIGURED $DEFAULT_ORIGINALS; do
  if [ -e "$p" ]; then NOW=$p; break; fi
done
lc_expect "--help names the original it would run (${NOW:-none})" \
  grep -qxF "Original losetup now: ${NOW:-none found}" "$SCRATCH/help"

"$LC" --version >"$SCRATCH/ver" 2>&1
lc_expect "--version exits 0" test $? -eq 0
lc_expect "--version first line is GNU style" \
  sh -c 'head -n 1 "$1" | grep -qxF "losetup-container (losetup-container) $2"' \
  sh "$SCRATCH/ver" "$VERSION"
lc_expect "--version states the license" grep -q "GPLv3+" "$SCRATCH/ver"
lc_expect "--version names the original it would run (${NOW:-none})" \
  grep -qxF "Original losetup: ${NOW:-none found}" "$SCRATCH/ver"
# With none at any default place (hidden in a private mount namespace).
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
  unshare -m sh -c 'mount -t tmpfs none /usr/sbin
    [ -L /sbin ] || mount -t tmpfs none /sbin
    "$1" --version >"$2"' sh "$LC" "$SCRATCH/ver2"
  lc_expect "--version says when no original is found" \
    grep -qxF "Original losetup: none found" "$SCRATCH/ver2"
else
  unsupported "--version says when no original is found (needs root and unshare -m)"
fi

# With LOSETUP_CONTAINER_ORIGINAL_LOSETUP set, as the images' shim sets it,
# --help and --version are the original's, run by the name "losetup":
# that is checked byte for byte against util-linux in
# tests/losetup-container.passthrough/passthrough.sh.  Set but empty, the
# variable is unset, and they are the wrapper's own.
for opt in --help --version; do
  LOSETUP_CONTAINER_ORIGINAL_LOSETUP='' "$LC" $opt >"$SCRATCH/empty" 2>&1
  lc_expect "$opt with the variable empty is the wrapper's own" \
    grep -q "^losetup-container\|^Usage: losetup-container" "$SCRATCH/empty"
done
LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$FAKE env -u LOSETUP_CONTAINER_ORIGINAL_LOSETUP \
  "$LC" --version >"$SCRATCH/unset" 2>&1
lc_expect "env -u LOSETUP_CONTAINER_ORIGINAL_LOSETUP reaches the wrapper's --version" \
  sh -c 'head -n 1 "$1" | grep -qxF "losetup-container (losetup-container) $2"' \
  sh "$SCRATCH/unset" "$VERSION"

for opt in --help --version; do
  "$LC" $opt >/dev/full 2>"$SCRATCH/full.err"
  st=$?
  lc_expect "$opt to a full disk exits 1 (got $st)" test $st -eq 1
  lc_expect "$opt to a full disk reports a write error" \
    grep -qxF "losetup-container: write error: No space left on device" \
    "$SCRATCH/full.err"
done

# Only the exact own-name calls are ours: anything more is losetup's.
# (With the variable set every call is losetup's anyway: passthrough.sh.)
# The rule itself: its own name, no variable, the stand-in original at the
# first default place (a tmpfs over that directory, in a private mount
# namespace).  The wrapper must hand "--help -a" over, argv as given.
FIRST=${CONFIGURED:-/usr/sbin/losetup.distrib}
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
  unshare -m sh -c 'mount -t tmpfs none "${3%/*}" && cp "$2" "$3" &&
    exec "$1" --help -a' sh "$LC" "$FAKE" "$FIRST" \
    >"$SCRATCH/more-own" 2>&1
  lc_expect "--help with another argument, no variable: goes to the original" \
    sh -c 'grep -qxF "argv[0]=$2" "$1" && grep -qxF "argv[1]=--help" "$1" &&
           grep -qxF "argv[2]=-a" "$1" && ! grep -q "^Usage: " "$1"' \
    sh "$SCRATCH/more-own" "$LC"
else
  unsupported "--help with another argument, no variable (needs root and unshare -m)"
fi
# Without the variable, under its own name: argv[0] kept, so the original
# answers as a program of that name would.
if [ -n "$NOW" ]; then
  mkdir "$SCRATCH/own"
  ln -s "$NOW" "$SCRATCH/own/losetup-container"
  lc_same_output "--help with another argument, no variable: the original's answer" \
    "$LC" --help -a -- "$SCRATCH/own/losetup-container" --help -a
else
  unsupported "--help with another argument, no variable (no original here)"
fi
exit 0
