#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# limits-stdio.sh -- the listing started with descriptor 0, 1 or 2
# closed, alone or together, as a careless parent or a container's init
# may start it: each descriptor the program opens then takes the lowest
# free number, and may become its standard output or error.
#
# Its status, its standard error and what reaches an open standard
# output are util-linux's, in the same scene, byte for byte, for tables
# of three sizes, which util-linux (its stdio) writes in different ways:
# more than 8 KiB (120 devices: written while it prints; "losetup: write
# error", status 1, with stdout closed), between 4 and 8 KiB (64
# devices: the same with stdin and stdout closed, status 0 with stdout
# alone), and less than 4 KiB (3 devices: status 0 whichever is
# closed).  Both run with argv[0] "losetup" (lc_as_losetup), so that
# messages read alike.

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/hardening.sh"
. "$TESTS_SRCDIR/lib/limits.sh"
limits_init "standard descriptors closed" "$@"

limits_scene 120 0 || { fail "scene: 120 bound devices"; exit 0; }
limits_control || exit 0

# shellcheck disable=SC2086
set -- $DEVS
for scene in long medium short; do
  case $scene in
    long)   n=120 min=8193 max=1000000 ;;
    medium) n=64 min=4097 max=8192 ;;
    short)  n=3 min=1 max=4096 ;;
  esac
  # The first N devices alone in /sys/block.
  # shellcheck disable=SC2046
  hard_sysblock_prepare $(printf '%s\n' "$@" | head -n $n) && hard_sysblock_mount ||
    { fail "$scene table: a /sys/block of $n devices"; exit 0; }
  $THEIRS $LIST >"$SCRATCH/$scene.out" 2>&1
  size=$(wc -c <"$SCRATCH/$scene.out")
  echo "$scene table: $n rows, $size bytes"
  lc_expect "$scene table: util-linux's has $n rows, $min to $max bytes" \
    test "$(limits_rows "$SCRATCH/$scene.out" | wc -l)" = $n -a \
         "$size" -ge $min -a "$size" -le $max
  for how in '0<&-' '1>&-' '2>&-' '0<&- 1>&-' '0<&- 2>&-' '1>&- 2>&-' \
             '0<&- 1>&- 2>&-'; do
    # shellcheck disable=SC2086
    lc_same_output "$scene table, $how" \
      sh -c "exec \"\$@\" $how" sh $OURS $LIST -- \
      sh -c "exec \"\$@\" $how" sh $THEIRS $LIST
  done
done
exit 0
