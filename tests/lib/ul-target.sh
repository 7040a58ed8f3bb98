# SPDX-License-Identifier: GPL-3.0-or-later
# tests/lib/ul-target.sh -- which util-linux the byte-identity tests
# compare with, and where they run.  Sourced by tests/lib/lib.sh; REF and
# RUN are used by the scripts that compare with losetup (detect/forms,
# listing/host, lost, nodes and plain, passthrough/passthrough,
# hardening/hostile-files, arch/dead-container), which
# tests/losetup-container.versions/ul-roots.sh and
# tests/losetup-container.arch/scripts.sh run again in other roots.  Its
# helpers start with ul_target_.
#
# By default the comparisons run on this machine against its own losetup.
# With LC_UL_ROOT set to a root directory (a cached debootstrap root, see
# tests/lib/roots.sh and tests/losetup-container.versions/ul-roots.sh), they run chrooted
# into that root, against its losetup, libsmartcols and libmount, with the
# program under test bound in: the same binary, another util-linux.
#
#   REF  the losetup compared with, as seen where the commands run
#   RUN  the prefix that runs a command there ("ul_target_run", or nothing)
#   UL   stays this machine's losetup: it attaches and detaches devices.

# ul_target_run COMMAND [ARG]...: runs COMMAND with lc_chroot (tests/lib/lib.sh)
# in $SCRATCH/.ul-root, made of /usr, /etc and /var of $LC_UL_ROOT
# (read-only; this machine's when unset), this machine's /dev (or the directory
# $LC_UL_DEV when set), and at their own paths the program under test,
# the helpers and $SCRATCH (with the file systems a test mounted below
# them).
ul_target_run() {
  mkdir -p "$SCRATCH/.ul-root"
  lc_chroot "$SCRATCH/.ul-root" "${LC_UL_ROOT:-/}" "usr etc var" ro \
    "${LC_UL_DEV:-/dev}" "+$SCRATCH:$SCRATCH" "+$HELPERS:$HELPERS" "$LC:$LC" \
    -- "$@"
}

# ul_target_losetup ROOT: prints where util-linux losetup is in ROOT.
ul_target_losetup() {
  for _c in /usr/sbin/losetup /sbin/losetup; do
    if [ -x "$1$_c" ] && [ ! -L "$1$_c" ]; then
      printf '%s\n' "$_c"
      return 0
    fi
  done
  return 1
}

if [ -n "${LC_UL_ROOT:-}" ]; then
  REF=$(ul_target_losetup "$LC_UL_ROOT") || REF=
  RUN=ul_target_run
else
  REF=$UL
  RUN=
fi

# ul_target_version: prints the version of the util-linux compared with ("2.38.1"),
# from "$REF --version" run where the comparisons run; nothing when it
# cannot be told.
ul_target_version() {
  $RUN "$REF" --version 2>/dev/null \
    | sed -n 's/.* util-linux \([^ ]*\)$/\1/p'
}
