#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# limits-fds.sh -- the listing short of file descriptors: a low soft
# limit on open files (as a container's runtime may set it), and a
# caller that leaks nearly every descriptor the limit allows to the
# programs it runs.
#
# A descriptor that cannot be had (EMFILE) says nothing about a device:
# it is neither unbound nor another device.  With the descriptors
# util-linux needs, our listing is util-linux's, byte for byte (the
# files are on the host, where util-linux's path is the right one);
# short of them, it does as util-linux does, or lists right, or fails,
# and never prints an emptied or an invented row (tests/lib/limits.sh,
# judge_limited).  The scene: 120 bound devices and 200 unbound ones,
# and nothing else, in /sys/block.

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/hardening.sh"
. "$TESTS_SRCDIR/lib/limits.sh"
limits_init "listing short of descriptors" "$@"

limits_scene 120 200 || { fail "scene: 120 bound and 200 unbound devices"; exit 0; }
limits_control || exit 0

# --- a soft limit on open files ---------------------------------------------
# 64, as the issue saw it, then lower, down to where util-linux itself
# lists nothing (4 here) or cannot load its libraries (3: not tried,
# nothing starts).  The hard limit stays as it is.
for n in 64 32 16 12 10 8 7 6 5 4; do
  judge_limited "soft limit of $n open files" prlimit --nofile="$n":
done

# --- descriptors leaked by the caller ----------------------------------------
# Every number below 1018 open (1015 leaked when the caller had 0, 1 and
# 2 only) under a soft limit of 1024: 6 left.  Then fewer, down to none.
for below in 1018 1020 1021 1022 1024; do
  judge_limited "descriptors below $below inherited, limit 1024" \
    prlimit --nofile=1024: "$HELPERS/fd-leak" "$below"
done
exit 0
