# SPDX-License-Identifier: GPL-3.0-or-later
# tests/lib/ul-target.sh -- sourced by tests/lib/lib.sh: which
# util-linux the byte-identity tests compare with, and where they run.
#
# By default the comparisons run on this machine against its own losetup.
# With LC_UL_ROOT set to a root directory (a cached debootstrap root, see
# tests/lib/roots.sh and tests/losetup-container.versions/ul-roots.sh), they run chrooted
# into that root, against its losetup, libsmartcols and libmount, with the
# program under test bound in: the same binary, another util-linux.
#
#   REF  the losetup compared with, as seen where the commands run
#   RUN  the prefix that runs a command there ("in_ul_root", or nothing)
#   UL   stays this machine's losetup: it attaches and detaches devices.

# in_ul_root COMMAND [ARG]...: runs COMMAND with chroot_in (tests/lib/lib.sh)
# in $SCRATCH/.ul-root, made of /usr, /etc and /var of $LC_UL_ROOT
# (read-only; this machine's when unset), this machine's /dev (or the directory
# $LC_UL_DEV when set), and at their own paths the program under test,
# the helpers and $SCRATCH (with the file systems a test mounted below
# them).
in_ul_root() {
  mkdir -p "$SCRATCH/.ul-root"
  chroot_in "$SCRATCH/.ul-root" "${LC_UL_ROOT:-/}" "usr etc var" ro \
    "${LC_UL_DEV:-/dev}" "+$SCRATCH:$SCRATCH" "+$HELPERS:$HELPERS" "$LC:$LC" \
    -- "$@"
}

# ul_root_losetup ROOT: prints where util-linux losetup is in ROOT.
ul_root_losetup() {
  for _c in /usr/sbin/losetup /sbin/losetup; do
    if [ -x "$1$_c" ] && [ ! -L "$1$_c" ]; then
      printf '%s\n' "$_c"
      return 0
    fi
  done
  return 1
}

if [ -n "${LC_UL_ROOT:-}" ]; then
  REF=$(ul_root_losetup "$LC_UL_ROOT") || REF=
  RUN=in_ul_root
else
  REF=$UL
  RUN=
fi

# ul_version: prints the version of the util-linux compared with ("2.38.1"),
# from "$REF --version" run where the comparisons run; nothing when it
# cannot be told.
ul_version() {
  $RUN "$REF" --version 2>/dev/null \
    | sed -n 's/.* util-linux \([^ ]*\)$/\1/p'
}
