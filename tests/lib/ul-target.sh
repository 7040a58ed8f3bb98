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

# in_ul_root COMMAND [ARG]...: runs COMMAND chrooted into a root made in a
# new mount namespace of bind mounts: /usr, /etc and /var of $LC_UL_ROOT
# (read-only; "/" for this machine's), its /bin, /sbin and /lib links,
# this machine's /dev (or the directory $LC_UL_DEV when set) and /sys, a
# fresh /proc, and at their own paths the program under test, the
# helpers and $SCRATCH (with the file systems a test mounted below it).
# The environment is kept.  Everything goes with the namespace when
# COMMAND ends.
in_ul_root() {
  mkdir -p "$SCRATCH/.ul-root"
  unshare -m --propagation private -- sh -euc '
    sys=$1 m=$2 dev=$3 lc=$4 helpers=$5 scratch=$6; shift 6
    mount -t tmpfs lc-ul-root "$m"
    for d in usr etc var; do
      mkdir "$m/$d"
      mount --rbind "$sys/$d" "$m/$d"
      mount -o remount,bind,ro "$m/$d"
    done
    for l in bin sbin lib lib32 lib64 libx32; do
      if [ -L "$sys/$l" ]; then
        ln -s "$(readlink "$sys/$l")" "$m/$l"
      elif [ -d "$sys/$l" ]; then
        mkdir "$m/$l"; mount --rbind "$sys/$l" "$m/$l"
      fi
    done
    mkdir "$m/dev" "$m/sys" "$m/proc" "$m/tmp"
    chmod 1777 "$m/tmp"
    mount --rbind "${dev:-/dev}" "$m/dev"
    mount --rbind /sys "$m/sys"
    mount -t proc proc "$m/proc"
    for p in "$scratch" "$helpers"; do
      mkdir -p "$m$p"; mount --rbind "$p" "$m$p"
    done
    mkdir -p "$m${lc%/*}"; touch "$m$lc"; mount --bind "$lc" "$m$lc"
    exec chroot "$m" "$@"
  ' sh "${LC_UL_ROOT:-/}" "$SCRATCH/.ul-root" "${LC_UL_DEV:-}" "$LC" \
    "$HELPERS" "$SCRATCH" "$@"
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
