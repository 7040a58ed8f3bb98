#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# cli.sh -- under its own name, --help and --version speak for the wrapper,
# GNU style, and a full disk is a reported write error.

. "$TESTS_SRCDIR/lib/lib.sh"
lc_init

config_value() {
  sed -n "s/^#define $1 \"\\(.*\\)\"\$/\\1/p" "$TOP_BUILDDIR/config.h"
}
VERSION=$(config_value PACKAGE_VERSION)
FAKE=$HELPERS/fake-original

"$LC" --help >"$SCRATCH/help" 2>"$SCRATCH/help.err"
check "--help exits 0" test $? -eq 0
check "--help writes nothing on stderr" test ! -s "$SCRATCH/help.err"
check "--help starts with a usage line" \
  sh -c 'head -n 1 "$1" | grep -q "^Usage: losetup-container "' sh "$SCRATCH/help"
for word in --help --version LOSETUP_CONTAINER_ORIGINAL_LOSETUP \
            LOSETUP_CONTAINER_BIND_MOUNTS LOSETUP_CONTAINER_DEBUG \
            "NAME,BACK-FILE" /usr/sbin/losetup.distrib \
            /usr/sbin/losetup.usr-is-merged /usr/sbin/losetup.util-linux; do
  check "--help mentions $word" grep -qF -- "$word" "$SCRATCH/help"
done
# configure.ac gives no bug address, so --help names none (an empty one
# would read "Report bugs to: ").
check "--help names no bug address" \
  sh -c '! grep -q "^Report bugs" "$1"' sh "$SCRATCH/help"
check "--help points to the man page" \
  grep -qxF "Full documentation: man losetup-container" "$SCRATCH/help"
# The places listed, the configured one (configure --with-original-losetup)
# first when there is one.
CONFIGURED=$(config_value ORIGINAL_LOSETUP)
first=$(sed -n '/original is the first of:$/{n;p;q}' "$SCRATCH/help" | tr -d ' ')
check "--help lists ${CONFIGURED:-/usr/sbin/losetup.distrib} first" \
  test "$first" = "${CONFIGURED:-/usr/sbin/losetup.distrib}"
LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$FAKE "$LC" --help >"$SCRATCH/help2"
check "--help names the original it would run" \
  grep -qxF "Original losetup now: $FAKE" "$SCRATCH/help2"

LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$FAKE "$LC" --version >"$SCRATCH/ver" 2>&1
check "--version exits 0" test $? -eq 0
check "--version first line is GNU style" \
  sh -c 'head -n 1 "$1" | grep -qxF "losetup-container (losetup-container) $2"' \
  sh "$SCRATCH/ver" "$VERSION"
check "--version states the license" grep -q "GPLv3+" "$SCRATCH/ver"
check "--version names the original it would run" \
  grep -qxF "Original losetup: $FAKE" "$SCRATCH/ver"
LOSETUP_CONTAINER_ORIGINAL_LOSETUP=/nonexistent "$LC" --version >"$SCRATCH/ver2"
check "--version says when no original is found" \
  grep -qxF "Original losetup: none found" "$SCRATCH/ver2"

for opt in --help --version; do
  "$LC" $opt >/dev/full 2>"$SCRATCH/full.err"
  st=$?
  check "$opt to a full disk exits 1 (got $st)" test $st -eq 1
  check "$opt to a full disk reports a write error" \
    grep -qxF "losetup-container: write error: No space left on device" \
    "$SCRATCH/full.err"
done

# Only the exact own-name calls are ours: anything more is losetup's.
LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$FAKE "$LC" --help -a >"$SCRATCH/more"
check "--help with another argument goes to the original" \
  grep -qxF "argv[1]=--help" "$SCRATCH/more"
mkdir "$SCRATCH/bin"
ln -s "$LC" "$SCRATCH/bin/losetup"
LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$FAKE "$SCRATCH/bin/losetup" --version \
  >"$SCRATCH/other"
check "--version under the name losetup goes to the original" \
  grep -qxF "argv[1]=--version" "$SCRATCH/other"
exit 0
