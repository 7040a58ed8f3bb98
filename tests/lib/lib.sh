# SPDX-License-Identifier: GPL-3.0-or-later
# tests/lib/lib.sh -- what every test script needs: the result lines,
# root and loop-device checks, devices attached and cleaned up, containers
# made by unshare and chroot, and byte-for-byte comparisons with
# util-linux losetup.  Sourced by every script of
# tests/losetup-container.*/ (the runtime ones through satellite.sh) and
# by tests/bench/leak.sh.  Its helpers start with lc_, but for the three
# result printers pass, fail and unsupported, named after the outcome
# they print.
#
# Results go to stdout one a line ("PASS: ...", "FAIL: ...",
# "UNSUPPORTED: ..."), read by lc_report in tests/lib/losetup-container.exp.
# Everything a script creates (loop devices, files, mounts) is removed by
# lc_cleanup on exit, whatever the way out; a device is detached only when
# this script attached it and it still has the backing file it was given.

: "${LOSETUP_CONTAINER:?run through make check}"
: "${TESTS_BUILDDIR:?run through make check}"
: "${TESTS_SRCDIR:?run through make check}"
LC=$LOSETUP_CONTAINER
HELPERS=$TESTS_BUILDDIR/helpers

# The one request the program answers itself, as arguments after argv[0].
LIST="-l -O NAME,BACK-FILE"

pass() { printf 'PASS: %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*"; }
unsupported() { printf 'UNSUPPORTED: %s\n' "$*"; }

# lc_expect DESCRIPTION COMMAND...: PASS when COMMAND succeeds, else FAIL.
lc_expect() {
  _desc=$1; shift
  if "$@"; then pass "$_desc"; else fail "$_desc"; fi
}

# lc_log_tail FILE [N]: the last N (25) lines of FILE, into the DejaGnu
# log (lines "  | ...", which are not results).
lc_log_tail() { tail -n "${2:-25}" "$1" | sed 's/^/  | /'; }

. "$TESTS_SRCDIR/lib/ul-losetup.sh"

UL=$(ul_losetup_find) || UL=
. "$TESTS_SRCDIR/lib/ul-target.sh"

# lc_need_root WHAT: reports WHAT as UNSUPPORTED and ends the script unless
# this is root with loop devices and util-linux losetup.
lc_need_root() {
  if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/loop-control ]; then
    unsupported "$1 (needs root and /dev/loop-control)"
    exit 0
  fi
  if [ -z "$UL" ] || [ -z "$REF" ]; then
    unsupported "$1 (util-linux losetup not found)"
    exit 0
  fi
}

# lc_sanitized: true when the program under test is built with ASan or
# UBSan, whose runtime has needs of its own (address space, a helper
# thread for the leak check, no tracer): tests that measure those report
# UNSUPPORTED there.
lc_sanitized() {
  LC_ALL=C grep -aq -e __asan_init -e __ubsan_handle "$LOSETUP_CONTAINER"
}

# lc_need_unshare WHAT: as lc_need_root, for the container scenarios.
lc_need_unshare() {
  lc_need_root "$1"
  if ! unshare -m true 2>/dev/null; then
    unsupported "$1 (unshare -m is not permitted here)"
    exit 0
  fi
}

SCRATCH=

# lc_file_id FILE: prints the device and inode of FILE as util-linux losetup
# shows a backing file's (columns BACK-MAJ:MIN,BACK-INO): "MAJ:MIN INO".
# An inode number alone can repeat on another file system.
lc_file_id() {
  stat -c '%Hd:%Ld %i' "$1"
}

# lc_still_ours DEVICE ID: true when DEVICE is bound and its backing file has
# ID (as lc_file_id prints it); false when it is free, gone or bound to
# another file (a device number freed and taken by someone else).
lc_still_ours() {
  _so_cur=$("$UL" -n -O BACK-MAJ:MIN,BACK-INO "$1" 2>/dev/null \
             | awk 'NF == 2 { print $1, $2 }')
  [ -n "$_so_cur" ] && [ "$_so_cur" = "$2" ]
}

# The devices this script attached are recorded one a line,
# "DEVICE=MAJ:MIN INO" (lc_file_id of the backing file), in $SCRATCH/.devices:
# a file, so that lc_attach works in $(...) subshells.
lc_cleanup() {
  set +e
  if [ -n "$SCRATCH" ] && [ -f "$SCRATCH/.devices" ]; then
    while IFS='=' read -r _dev _id; do
      if lc_still_ours "$_dev" "$_id"; then
        "$UL" -d "$_dev"
      fi
    done <"$SCRATCH/.devices"
  fi
  # The file systems of lc_mount_new_fs, last first (a device above, detached
  # while its file system is mounted, goes when it is unmounted).
  if [ -n "$SCRATCH" ] && [ -f "$SCRATCH/.mounts" ]; then
    tac "$SCRATCH/.mounts" | while IFS= read -r _mnt; do
      umount "$_mnt" 2>/dev/null || umount -l "$_mnt"
    done
  fi
  if [ -n "$SCRATCH" ] && [ -d "$SCRATCH" ]; then
    rm -rf "$SCRATCH"
  fi
}

# lc_init: makes $SCRATCH and arranges for lc_cleanup at exit.
lc_init() {
  SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/lc-test.XXXXXX") || exit 1
  mkdir "$SCRATCH/out"
  trap lc_cleanup EXIT
  trap 'exit 130' INT TERM HUP
}

# lc_record_device DEVICE FILE: remembers that this script attached DEVICE to FILE
# (a host path), so that lc_cleanup detaches it.
lc_record_device() {
  _tr_id=$(lc_file_id "$2") || return 1
  printf '%s=%s\n' "$1" "$_tr_id" >>"$SCRATCH/.devices"
}

# lc_attach FILE: attaches FILE on the host with util-linux losetup and
# prints the device.
lc_attach() {
  _d=$("$UL" --show -f "$1") || return 1
  lc_record_device "$_d" "$1"
  printf '%s\n' "$_d"
}

# lc_fs_known TYPE: true when the kernel has file system TYPE, loading its
# module if need be.
lc_fs_known() {
  cut -f 2 /proc/filesystems | grep -qx "$1" && return 0
  modprobe "$1" 2>/dev/null
  cut -f 2 /proc/filesystems | grep -qx "$1"
}

# lc_mount_new_fs TYPE DIR: mounts a new, empty file system of TYPE at DIR (made
# if need be): tmpfs, or ext4, xfs, btrfs... made by mkfs.TYPE on an
# image in $SCRATCH attached to a loop device of this script's.  lc_cleanup
# unmounts it.  Returns 2 only when TYPE is missing here (no mkfs.TYPE, or
# the kernel has no TYPE); 1 on any other failure, with what mkfs and
# mount said copied to the log (lines "  | ...", not results).
lc_mount_new_fs() {
  if [ "$1" != tmpfs ] && ! command -v "mkfs.$1" >/dev/null 2>&1; then
    return 2
  fi
  lc_fs_known "$1" || return 2
  mkdir -p "$2" || return 1
  if [ "$1" = tmpfs ]; then
    mount -t tmpfs lc-test "$2" || return 1
  else
    _fsimg=$(mktemp "$SCRATCH/fs-$1.XXXXXX") || return 1
    truncate -s 320M "$_fsimg" || return 1
    _fsdev=$(lc_attach "$_fsimg") || return 1
    if ! "mkfs.$1" -q "$_fsdev" >"$_fsimg.log" 2>&1 \
       || ! mount -t "$1" "$_fsdev" "$2" 2>>"$_fsimg.log"; then
      sed 's/^/  | /' "$_fsimg.log"
      return 1
    fi
  fi
  printf '%s\n' "$2" >>"$SCRATCH/.mounts"
}

# lc_chroot ROOT SYS DIRS MODE DEV [SRC:DST]... -- COMMAND [ARG]...
# Runs COMMAND chrooted into ROOT (an empty directory), made in a new mount
# namespace: a tmpfs holding SYS's directories DIRS (a list of names:
# "usr etc"; read-only when MODE is "ro"; SYS is "/" for this machine's)
# and its /bin, /sbin and /lib links, DEV at /dev, this machine's /sys, a fresh /proc, an empty
# /tmp, and each SRC (a file or a directory) at DST (with the file
# systems mounted below it when written +SRC:DST).  The environment is
# kept.  Every mount goes with the namespace when COMMAND ends: a
# container restart.  Shared by lc_in_container and ul_target_run.
lc_chroot() {
  unshare -m --propagation private -- sh -euc '
    m=$1 sys=$2 dirs=$3 mode=$4 dev=$5; shift 5
    mount -t tmpfs lc-root "$m"
    for d in $dirs; do
      mkdir "$m/$d"
      mount --rbind "$sys/$d" "$m/$d"
      [ "$mode" != ro ] || mount -o remount,bind,ro "$m/$d"
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
    mount --rbind "$dev" "$m/dev"
    mount --rbind /sys "$m/sys"
    mount -t proc proc "$m/proc"
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do
      how=--bind b=$1
      case $b in +*) how=--rbind b=${b#+};; esac
      src=${b%%:*} dst=$m${b#*:}
      if [ -d "$src" ]; then
        mkdir -p "$dst"
      else
        mkdir -p "${dst%/*}"; touch "$dst"
      fi
      mount "$how" "$src" "$dst"
      shift
    done
    shift
    exec chroot "$m" "$@"
  ' sh "$@"
}

# lc_in_container ROOT [HOSTDIR:CTDIR]... -- COMMAND [ARG]...
# Runs COMMAND with lc_chroot in ROOT, made of this machine's /usr, /etc
# (writable; no /var: a CTDIR there stays in the container's own tmpfs)
# and /dev, each HOSTDIR at CTDIR, the program under test at
# /lc/bin/losetup-container, the helper programs at /lc/helpers and
# $SCRATCH/out at /lc/out.
lc_in_container() {
  _root=$1; shift
  lc_chroot "$_root" / "usr etc" rw /dev "$LC:/lc/bin/losetup-container" \
    "$HELPERS:/lc/helpers" "$SCRATCH/out:/lc/out" "$@"
}

# lc_as_losetup: makes $OURS and $THEIRS, commands that run the program under
# test and util-linux losetup ($REF) with argv[0] = "losetup" (through
# PATH), so that messages naming the program read the same from both.
lc_as_losetup() {
  mkdir -p "$SCRATCH/as-ours" "$SCRATCH/as-theirs"
  ln -sf "$LC" "$SCRATCH/as-ours/losetup"
  ln -sf "$REF" "$SCRATCH/as-theirs/losetup"
  OURS="env PATH=$SCRATCH/as-ours:$PATH losetup"
  THEIRS="env PATH=$SCRATCH/as-theirs:$PATH losetup"
}

# lc_ct_attach ROOT HOSTFILE BIND -- COMMAND...: runs COMMAND, which attaches
# HOSTFILE and prints the device, in a container on ROOT with BIND
# (HOSTDIR:CTDIR); stores the device in $DEV and records it for cleanup.
# Returns 1, with $DEV empty, when no device came back.
lc_ct_attach() {
  _ct_root=$1 _ct_host=$2 _ct_bind=$3; shift 4
  rm -f "$SCRATCH/out/.attached"
  lc_in_container "$_ct_root" "$_ct_bind" -- \
    sh -c '"$@" >/lc/out/.attached' sh "$@"
  DEV=$(cat "$SCRATCH/out/.attached" 2>/dev/null)
  case $DEV in
    /dev/loop*) lc_record_device "$DEV" "$_ct_host" ;;
    *) DEV=; return 1 ;;
  esac
}

# CT_LISTCMD: the script that lists inside a container, run as
# sh -c "$CT_LISTCMD" sh OUTNAME ENV: the program under test with ENV
# (VAR=VALUE words, or empty) into /lc/out/OUTNAME (.err, .status), and
# util-linux losetup into /lc/out/OUTNAME.ul.
CT_LISTCMD='env $2 /lc/bin/losetup-container -l -O NAME,BACK-FILE \
    >"/lc/out/$1" 2>"/lc/out/$1.err"; echo $? >"/lc/out/$1.status"
  "$3" -l -O NAME,BACK-FILE >"/lc/out/$1.ul" 2>&1'

# lc_ct_list OUTNAME ENV BIND...: lists (CT_LISTCMD) in a fresh container
# on $ROOT with BINDs (HOSTDIR:CTDIR); results in $SCRATCH/out/OUTNAME*.
lc_ct_list() {
  _cl_out=$1 _cl_env=$2; shift 2
  lc_in_container "$ROOT" "$@" -- \
    sh -c "$CT_LISTCMD" sh "$_cl_out" "$_cl_env" "$UL"
}

# lc_listed_ok NAME OUTNAME: PASS when the listing OUTNAME (of CT_LISTCMD)
# had status 0 and nothing on stderr.
lc_listed_ok() {
  lc_expect "$1: exit status 0" test "$(cat "$SCRATCH/out/$2.status")" = 0
  lc_expect "$1: nothing on stderr" test ! -s "$SCRATCH/out/$2.err"
}

# lc_bound_loops: prints the loop devices bound now, one a line: the name
# in /sys/block and the first line of its loop/backing_file, sorted.  Two
# of these that differ say that a device was attached or detached
# between.  One head reads them all (other users may have hundreds bound);
# only regular attribute files, and only their first 4 KiB (a kernel
# attribute is no more): the hardening tests put FIFOs, endless and huge
# files in a /sys/block of their own.
lc_bound_loops() {
  set --
  for _bl in /sys/block/loop*; do
    [ -f "$_bl/loop/backing_file" ] && set -- "$@" "$_bl/loop/backing_file"
  done
  [ $# -gt 0 ] || return 0
  head -v -c 4096 -- "$@" 2>/dev/null | tr -d '\000' | awk '
    /^==> .* <==$/ {
      if (n != "") print n, c
      n = $0; sub(/^==> \/sys\/block\//, "", n); sub(/\/loop\/backing_file <==$/, "", n)
      c = ""; first = 1
      next
    }
    first { c = $0; first = 0 }
    END { if (n != "") print n, c }' | sort
}

# lc_same_output NAME CMD1 -- CMD2: runs both and compares stdout, stderr
# and exit status byte for byte; reports NAME.  Other processes attach and
# detach devices meanwhile, which changes a listing between the two runs:
# a difference is run again, up to three runs in all, only when the bound
# devices (lc_bound_loops) changed during the pair; each such try says so
# in the log.  A difference with the same devices before and after fails
# at once.
lc_same_output() {
  _name=$1; shift
  _a=; while [ "$1" != "--" ]; do _a="$_a $(lc_quote "$1")"; shift; done; shift
  _b=; for _x; do _b="$_b $(lc_quote "$_x")"; done
  _try=1
  while :; do
    lc_bound_loops >"$SCRATCH/bound.before"
    eval "$_a" >"$SCRATCH/a.out" 2>"$SCRATCH/a.err"; _sa=$?
    eval "$_b" >"$SCRATCH/b.out" 2>"$SCRATCH/b.err"; _sb=$?
    if cmp -s "$SCRATCH/a.out" "$SCRATCH/b.out" \
       && cmp -s "$SCRATCH/a.err" "$SCRATCH/b.err" && [ $_sa = $_sb ]; then
      pass "$_name"
      return 0
    fi
    lc_bound_loops >"$SCRATCH/bound.after"
    cmp -s "$SCRATCH/bound.before" "$SCRATCH/bound.after" && break
    echo "$_name: run $_try differs, and loop devices were attached or detached during it:"
    diff "$SCRATCH/bound.before" "$SCRATCH/bound.after" \
      | sed -n -e 's/^< /  | gone: /p' -e 's/^> /  | new: /p'
    if [ $_try -ge 3 ]; then
      echo "$_name: the devices changed during each of $_try runs"
      break
    fi
    echo "$_name: running it again"
    _try=$((_try + 1))
    sleep 1
  done
  fail "$_name: differs (status $_sa vs $_sb)"
  { echo "--- ours stdout"; cat "$SCRATCH/a.out"; echo "--- theirs stdout";
    cat "$SCRATCH/b.out"; echo "--- ours stderr"; cat "$SCRATCH/a.err";
    echo "--- theirs stderr"; cat "$SCRATCH/b.err"; } | sed 's/^/  | /'
  return 1
}

# lc_quote WORD: prints WORD quoted for eval.
lc_quote() {
  printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# lc_back_file LISTING DEVICE: prints the BACK-FILE text of DEVICE's line in
# LISTING (a file holding "losetup -l -O NAME,BACK-FILE" output).
lc_back_file() {
  awk -v d="$2" 'NR > 1 && $1 == d { sub(/^[^ ]+ +/, ""); print; exit }' "$1"
}

# lc_expect_back_file DESCRIPTION LISTING DEVICE PATH: PASS when DEVICE's
# BACK-FILE in LISTING is exactly PATH.
lc_expect_back_file() {
  _got=$(lc_back_file "$2" "$3")
  if [ "$_got" = "$4" ]; then
    pass "$1"
  else
    fail "$1: $3 shows '$_got', want '$4'"
  fi
}

# lc_built_catalog: sets gmo to this build's German catalog (po/de.gmo,
# which gettext's po/Makefile writes into the source tree, a VPATH build
# included) and localedir to the one the build installs catalogs in.
# Returns 1, with a FAIL reported, when either is missing.
lc_built_catalog() {
  gmo=
  for _bc in "$TOP_BUILDDIR/po/de.gmo" "$TOP_SRCDIR/po/de.gmo"; do
    if [ -f "$_bc" ]; then gmo=$_bc; break; fi
  done
  if [ -z "$gmo" ]; then
    fail "the build made the German catalog po/de.gmo"
    return 1
  fi
  localedir=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
                make -s --no-print-directory -C "$TOP_BUILDDIR" lc-print-docs-dirs \
                2>/dev/null | sed -n 's/^localedir=//p')
  case $localedir in
    /?*) ;;
    *) fail "the build tree names its localedir (got '$localedir')"; return 1 ;;
  esac
}

# lc_same_as_before FILE DESCRIPTION COMMAND...: PASS when COMMAND's
# stdout and stderr, then a line "status N", are the bytes of FILE,
# recorded beforehand from util-linux the same way; else FAIL, with the
# difference in the log.  COMMAND runs as given: a script that runs it
# in a root names its own runner as the first word (deb.sh: "t losetup
# --version", t running a command in the root).
lc_same_as_before() {
  _ref=$1 _desc=$2; shift 2
  { "$@" 2>&1; echo "status $?"; } >"$SCRATCH/now"
  if cmp -s "$_ref" "$SCRATCH/now"; then
    pass "$_desc"
  else
    fail "$_desc"
    diff "$_ref" "$SCRATCH/now" | sed 's/^/  | /'
  fi
}

# lc_make_devdir NAME: makes $SCRATCH/NAME, a /dev with the usual character
# devices and no loop node.
lc_make_devdir() {
  mkdir "$SCRATCH/$1"
  mknod -m 666 "$SCRATCH/$1/null" c 1 3
  mknod -m 666 "$SCRATCH/$1/zero" c 1 5
  mknod -m 666 "$SCRATCH/$1/full" c 1 7
}
