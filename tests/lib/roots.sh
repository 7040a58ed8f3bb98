# SPDX-License-Identifier: GPL-3.0-or-later
# tests/lib/roots.sh -- throwaway Debian roots made by debootstrap and
# cached between runs; sourced after tests/lib/lib.sh by
# tests/losetup-container.packaging/deb.sh,
# tests/losetup-container.versions/ul-roots.sh, the scripts of
# tests/losetup-container.arch/ and tests/lib/satellite.sh.  Roots
# derived from one of them (a copy with packages added by apt-get) are
# cached beside it: roots_derived, for deb-build.sh and arch.sh.  Its
# helpers start with roots_.
#
# A root is "debootstrap --variant=minbase --include=mount SUITE", kept in
# $CACHE/SUITE-ARCH with a stamp file beside it; ARCH is this machine's
# unless another is asked for (tests/lib/arch.sh: a foreign architecture
# needs its qemu-user handler registered with binfmt_misc first, as
# debootstrap's second stage runs the root's own programs) and made again when the
# stamp is older than MAX_AGE days.  The cache is shared by every test that
# uses roots (and by concurrent runs): it is locked with flock on
# $CACHE/.lock.  Tests never change a cached root: they copy it, or bind
# it read-only.
#
# Environment:
#   LOSETUP_CONTAINER_TEST_CACHE   the cache (/var/cache/losetup-container-tests)
#   LOSETUP_CONTAINER_TEST_MIRROR  the archive (http://deb.debian.org/debian)
#   LOSETUP_CONTAINER_TEST_MAX_AGE days before a cached root is made again (30)

CACHE=${LOSETUP_CONTAINER_TEST_CACHE:-/var/cache/losetup-container-tests}
MIRROR=${LOSETUP_CONTAINER_TEST_MIRROR:-http://deb.debian.org/debian}
MAX_AGE=${LOSETUP_CONTAINER_TEST_MAX_AGE:-30}
APT_HELPER=/usr/lib/apt/apt-helper
ARCH=$(dpkg --print-architecture 2>/dev/null)
# Half-made roots, removed by roots_cleanup.
NEW_ROOTS=

# roots_missing [TOOL]...: prints the tools, of those roots need and the
# ones named, that are missing here (nothing when all are there).
roots_missing() {
  _missing=
  for _tool in debootstrap dpkg unshare chroot flock "$@"; do
    command -v "$_tool" >/dev/null 2>&1 || _missing="$_missing $_tool"
  done
  [ -x "$APT_HELPER" ] || _missing="$_missing $APT_HELPER"
  printf '%s' "$_missing"
}

# roots_cleanup: removes half-made roots (call it from the EXIT trap).
roots_cleanup() {
  for _d in $NEW_ROOTS; do rm -rf "$_d"; done
}

# roots_run ROOT COMMAND [ARG]...: runs COMMAND chrooted into ROOT, with a
# /proc of its own and a clean environment (tests/lib/arch.sh has
# arch_in_overlay for a throwaway copy).
roots_run() {
  _root=$1; shift
  unshare -m --propagation private -- sh -c '
    root=$1; shift
    mount -t proc lc-proc "$root/proc" || exit 125
    exec chroot "$root" /usr/bin/env -i \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root LC_ALL=C DEBIAN_FRONTEND=noninteractive \
      ${http_proxy:+http_proxy=$http_proxy} "$@"
  ' sh "$_root" "$@"
}

# roots_lock: takes the cache's lock on file descriptor 9, waiting up to an
# hour for another run.  Returns 1, with a FAIL reported, when it cannot.
roots_lock() {
  if ! mkdir -p "$CACHE"; then
    fail "cannot create the cache $CACHE"
    return 1
  fi
  exec 9>"$CACHE/.lock"
  if ! flock -w 3600 9; then
    fail "the cache $CACHE stayed locked for an hour"
    return 1
  fi
}

# roots_share: turns the lock into a shared one, once the roots needed are
# made: other runs may read the cache meanwhile, none may remake a root.
roots_share() {
  flock -s 9
}

# roots_fresh STAMP: succeeds when STAMP exists and is younger than MAX_AGE days.
roots_fresh() {
  [ -f "$1" ] && [ -z "$(find "$1" -mtime +"$MAX_AGE" 2>/dev/null)" ]
}

# roots_cached SUITE [ARCH]: sets GOT to the cached minbase root of SUITE
# for ARCH (this machine's by default), making it when missing or old (the
# lock must be held).  Returns 2 with the
# reason in GOT when the archive cannot be reached, 1 when debootstrap
# fails.  Logs go to $ROOTS_LOG (a directory; $SCRATCH by default).
roots_cached() {
  _arch=${2:-$ARCH}
  _dir=$CACHE/$1-$_arch
  _log=${ROOTS_LOG:-$SCRATCH}
  GOT=$_dir
  if roots_fresh "$_dir.stamp" && [ -d "$_dir/usr" ]; then
    return 0
  fi
  if ! "$APT_HELPER" download-file "$MIRROR/dists/$1/InRelease" \
       "$SCRATCH/$1-$_arch.InRelease" >"$_log/$1-$_arch.reach" 2>&1; then
    GOT="cannot fetch $MIRROR/dists/$1/InRelease from this machine"
    lc_log_tail "$_log/$1-$_arch.reach" 5
    return 2
  fi
  rm -rf "$_dir.new"
  NEW_ROOTS="$NEW_ROOTS $_dir.new"
  echo "making the $1 $_arch root (debootstrap --variant=minbase)"
  # "mount" (losetup, with libsmartcols and libmount) is asked for by
  # name: minbase leaves it out of the newer suites, and it is what the
  # package diverts.
  if ! debootstrap --variant=minbase --arch="$_arch" --include=mount \
       "$1" "$_dir.new" "$MIRROR" >"$_log/$1-$_arch.debootstrap" 2>&1; then
    lc_log_tail "$_log/$1-$_arch.debootstrap"
    return 1
  fi
  rm -f "$_dir.stamp"
  rm -rf "$_dir"
  mv "$_dir.new" "$_dir" && date >"$_dir.stamp"
}

# roots_get_or_end WHAT FAILED COMMAND [ARG]...: runs COMMAND, which makes a
# root and returns as roots_cached does, for a script that cannot go on
# without that root: sets GOT to it, or reports WHAT UNSUPPORTED when the
# archive is out of reach (the reason in GOT) and "WHAT: FAILED" as a
# FAIL otherwise, and ends the script there (its EXIT trap cleans up).
roots_get_or_end() {
  _nr_what=$1 _nr_failed=$2
  shift 2
  "$@"
  case $? in
    0) return 0 ;;
    2) unsupported "$_nr_what: $GOT" ;;
    *) fail "$_nr_what: $_nr_failed" ;;
  esac
  exit 0
}

# roots_derived BASE NAME KEY LOG SCRIPT [ARG]...: sets GOT to the cached
# root $CACHE/NAME-KEY, a copy of the root BASE (one of roots_cached's) in
# which "sh -ec SCRIPT sh ARG..." ran, with the machine's resolv.conf and
# the project's debian/ at /tmp/lc-deps/debian (for "apt-get build-dep";
# the script removes it).  KEY names what the root is made of: once it is
# made, the roots of NAME with another KEY go.  Made again when its stamp
# is older than MAX_AGE days (the lock must be held).  The script's output
# goes to the file LOG, shown when it fails.  Returns 1 when the root
# cannot be made.
roots_derived() {
  _dr_base=$1 _dr_name=$2 _dr_dir=$CACHE/$2-$3 _dr_log=$4 _dr_script=$5
  shift 5
  GOT=$_dr_dir
  if roots_fresh "$_dr_dir.stamp" && [ -d "$_dr_dir/usr" ]; then
    return 0
  fi
  rm -rf "$_dr_dir.new"
  NEW_ROOTS="$NEW_ROOTS $_dr_dir.new"
  echo "making the root ${_dr_dir##*/} from $_dr_base (apt-get: $_dr_log)"
  cp -a "$_dr_base" "$_dr_dir.new" || return 1
  cp -L /etc/resolv.conf "$_dr_dir.new/etc/resolv.conf" 2>/dev/null
  mkdir -p "$_dr_dir.new/tmp/lc-deps"
  cp -a "$TOP_SRCDIR/debian" "$_dr_dir.new/tmp/lc-deps/"
  if ! roots_run "$_dr_dir.new" sh -ec "$_dr_script" sh "$@" \
       >"$_dr_log" 2>&1; then
    lc_log_tail "$_dr_log"
    return 1
  fi
  for _old in "$CACHE/$_dr_name"-*; do
    case $_old in "$_dr_dir"|"$_dr_dir".*) continue ;; esac
    rm -rf "$_old"
  done
  rm -f "$_dr_dir.stamp"
  rm -rf "$_dr_dir"
  mv "$_dr_dir.new" "$_dr_dir" && date >"$_dr_dir.stamp"
}
