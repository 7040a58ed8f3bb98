# SPDX-License-Identifier: GPL-3.0-or-later
# tests/lib/ul-losetup.sh -- where util-linux losetup is on this machine
# or in a container: ul_losetup_find.  Sourced by tests/lib/lib.sh (so by
# every test), by tests/lib/linstor-rule.sh inside the runtime tests'
# containers, and by tests/bench/bench.sh.

# The places the program looks for the original losetup, in its order,
# when neither LOSETUP_CONTAINER_ORIGINAL_LOSETUP nor configure's
# --with-original-losetup names one (src/original.c).
DEFAULT_ORIGINALS="/usr/sbin/losetup.distrib /usr/sbin/losetup.usr-is-merged
  /usr/sbin/losetup.util-linux /usr/sbin/losetup /sbin/losetup"

# Prints the path of util-linux losetup (never a losetup-container, which
# would answer with 127 when pointed at a missing original).
ul_losetup_find() {
  for _c in $DEFAULT_ORIGINALS; do
    [ -x "$_c" ] || continue
    if LOSETUP_CONTAINER_ORIGINAL_LOSETUP=/nonexistent "$_c" --version \
         2>/dev/null | grep -q 'util-linux'; then
      printf '%s\n' "$_c"
      return 0
    fi
  done
  return 1
}
