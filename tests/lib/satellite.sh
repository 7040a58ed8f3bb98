# SPDX-License-Identifier: GPL-3.0-or-later
# tests/lib/satellite.sh -- LINSTOR satellites under podman and runc, in
# the images of tests/losetup-container.runtime/images; sourced by the
# scripts of tests/losetup-container.runtime/ and by tests/bench/leak.sh.
# Sources lib.sh, roots.sh, deb-build.sh and podman.sh itself.  Its
# helpers start with sat_.
#
# sat_setup makes the images (IMAGES: "LABEL TAG" a line):
#   satellite-trixie  Debian 13, the program behind the satellite images'
#                     shim at /usr/local/sbin (the program under test)
#   package-bookworm  Debian 12 and 13 with the project's .deb installed
#   package-trixie    by apt (built from the git checkout, cached)
# A satellite start is sat_rule: tests/lib/linstor-rule.sh in a new
# container; a scenario runs once in each image (sat_each_image), most
# as a restart (sat_restart).  Environment:
# LOSETUP_CONTAINER_SKIP_PACKAGING_TESTS set: everything is UNSUPPORTED
# (package builds, the sanitizer run of CI).

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/roots.sh"
. "$TESTS_SRCDIR/lib/deb-build.sh"
. "$TESTS_SRCDIR/lib/podman.sh"

IMAGES=
AREA=$TESTS_SRCDIR/losetup-container.runtime
T0=$(date +%s)
# sat_elapsed WHAT: a timing line for the log.
sat_elapsed() { echo "time: $1 at $(( $(date +%s) - T0 ))s"; }

# sat_cleanup: the EXIT trap: containers and images, then devices, mounts
# and files.
sat_cleanup() {
  pod_cleanup
  roots_cleanup
  _sc_new=$(cat "$SCRATCH/.created" 2>/dev/null)
  lc_cleanup
  for _n in $_sc_new; do sat_loop_remove "$_n"; done
}

# sat_loop_remove N: removes the loop device N (LOOP_CTL_REMOVE), made by
# sat_attach_new; the kernel refuses when it is bound (to someone else by
# then).
sat_loop_remove() {
  command -v perl >/dev/null 2>&1 || return 0
  perl -e 'open(my $c, "+<", "/dev/loop-control") or exit 1;
           ioctl($c, 0x4C81, $ARGV[0] + 0) or exit 1' "$1" 2>/dev/null
}

# sat_new_number: prints a loop device number that does not exist now
# (above every existing one): a device made there after a container
# started has no node in the container's own /dev.
sat_new_number() {
  ls /sys/block | sed -n 's/^loop\([0-9][0-9]*\)$/\1/p' | sort -n | tail -n 1 \
    | awk -v r="$(od -An -N1 -tu1 /dev/urandom)" '{ n = $1 } END { print n + 20 + r }'
}

# sat_attach_new FILE [COMMAND...]: attaches FILE (a host path) to a new
# device (sat_new_number) with util-linux's losetup, or with COMMAND DEV,
# which must attach DEV itself; prints the device, records it for cleanup.
sat_attach_new() {
  _an_file=$1; shift
  _an_n=$(sat_new_number)
  [ -e "/sys/block/loop$_an_n" ] && return 1
  printf '%s\n' "$_an_n" >>"$SCRATCH/.created"
  if [ $# -eq 0 ]; then
    "$UL" "/dev/loop$_an_n" "$_an_file" || return 1
  else
    "$@" "/dev/loop$_an_n" || return 1
  fi
  lc_record_device "/dev/loop$_an_n" "$_an_file"
  printf '/dev/loop%s\n' "$_an_n"
}

# sat_detach HOSTPOOL: detaches the volumes' devices ($SCRATCH/devs) that
# still hold their files in HOSTPOOL, before the next image.
sat_detach() {
  [ -f "$SCRATCH/devs" ] || return 0
  while read -r _d _v; do
    lc_still_ours "$_d" "$(lc_file_id "$1/$_v")" && "$UL" -d "$_d"
  done <"$SCRATCH/devs"
  : >"$SCRATCH/devs"
}

# sat_need WHAT: ends the script with WHAT UNSUPPORTED unless podman can
# run here as the tests need it.
sat_need() {
  if [ -n "${LOSETUP_CONTAINER_SKIP_PACKAGING_TESTS:-}" ]; then
    unsupported "$1 (LOSETUP_CONTAINER_SKIP_PACKAGING_TESTS is set)"
    exit 0
  fi
  lc_need_unshare "$1"
  _sn=$(pod_missing)$(roots_missing)
  if [ -n "$_sn" ]; then
    unsupported "$1 (missing:$_sn; install podman and runc, and debootstrap)"
    exit 0
  fi
}

# sat_setup WHAT: checks the machine (sat_need), makes $SCRATCH, the
# podman configuration and the images (IMAGES).  An image that cannot be
# made here for a reason of the machine's is reported UNSUPPORTED and
# left out; one that fails to build is a FAIL.
sat_setup() {
  sat_need "$1"
  lc_init
  trap sat_cleanup EXIT
  pod_init
  LOG=$SCRATCH/log
  ROOTS_LOG=$LOG
  mkdir -p "$LOG" "$SCRATCH/out"
  # The cache is locked only when something must be made in it: another
  # run may hold the lock for minutes.
  if ! pod_base_ready trixie || ! pod_base_ready bookworm \
     || { deb_from_git && [ -z "$(ls "$CACHE/deb-$ARCH-$(deb_source_key)"/*.deb 2>/dev/null)" ]; }; then
    roots_lock || exit 0
    sat_elapsed "the cache locked"
  fi
  for _suite in trixie bookworm; do
    pod_base_ready "$_suite" || pod_base "$_suite"
    case $? in
      0) eval "BASE_$_suite=\$GOT" ;;
      2) unsupported "$1: $GOT"; exit 0 ;;
      *) fail "$1: the $_suite base image (debootstrap, podman import)"
         exit 0 ;;
    esac
  done
  sat_elapsed "base images ready"
  if pod_build satellite-trixie "$AREA/images/satellite.Containerfile" \
       "$BASE_trixie" "$LC=losetup-container"; then
    IMAGES="satellite-trixie $GOT"
  else
    fail "$1: build the satellite image (Debian 13, the shim)"
  fi
  sat_elapsed "satellite image built"
  sat_packages "$1"
  sat_elapsed "package images built"
  # Done with the cache.
  exec 9>&-
}

# sat_packages WHAT: adds the package images to IMAGES, the .deb built
# from the git checkout (or taken from the cache).
sat_packages() {
  if ! deb_from_git; then
    unsupported "$1, the package images ($TOP_SRCDIR is not the top of a git checkout: the package is built from one)"
    return 0
  fi
  deb_cached
  case $? in
    0) _deb=$GOT ;;
    2) unsupported "$1, the package images: $GOT"; return 0 ;;
    *) fail "$1: build the Debian package"; return 0 ;;
  esac
  for _suite in bookworm trixie; do
    eval "_base=\$BASE_$_suite"
    if pod_build "package-$_suite" "$AREA/images/package.Containerfile" \
         "$_base" "$_deb=losetup-container.deb"; then
      IMAGES="$IMAGES
package-$_suite $GOT"
    else
      fail "$1: build the package image on $_suite (apt-get install ./$PKG.deb)"
    fi
  done
}

# sat_names N: names N volumes as LINSTOR names them (pvc-UUID_00000.img),
# in $SCRATCH/vols.
sat_names() {
  : >"$SCRATCH/vols"
  _sv=0
  while [ $_sv -lt "$1" ]; do
    printf 'pvc-%s_00000.img\n' "$(cat /proc/sys/kernel/random/uuid)" \
      >>"$SCRATCH/vols"
    _sv=$((_sv + 1))
  done
}

# sat_create DIR: makes the files of the volumes named in $SCRATCH/vols
# in DIR.
sat_create() {
  while read -r _v; do
    truncate -s 1M "$1/$_v" || return 1
  done <"$SCRATCH/vols"
}

# sat_volumes DIR N: makes N volumes in DIR (sat_names, sat_create).
sat_volumes() {
  sat_names "$2" && sat_create "$1"
}

# sat_rule NAME HOSTPOOL CTPOOL [OPTION]... -- IMAGE: one satellite start
# (tests/lib/linstor-rule.sh) in the container NAME with the volumes of
# $SCRATCH/vols in CTPOOL, HOSTPOOL being where they are on the host;
# OPTIONs go to podman run.  Results in $SCRATCH/out/NAME; every device
# attached is recorded for cleanup.  Returns podman's status.
sat_rule() {
  _sr_name=$1 _sr_host=$2 _sr_ct=$3; shift 3
  _sr_out=$SCRATCH/out/$_sr_name
  mkdir -p "$_sr_out"
  _sr_opts=
  while [ "$1" != "--" ]; do _sr_opts="$_sr_opts $(lc_quote "$1")"; shift; done
  shift
  # shellcheck disable=SC2046
  eval pod_run "$(lc_quote "$_sr_name")" "$_sr_opts" \
    -v "$(lc_quote "$_sr_out"):/lc/out" -- "$(lc_quote "$1")" \
    sh /lc/lib/linstor-rule.sh /lc/out "$(lc_quote "$_sr_ct")" \
    $(cat "$SCRATCH/vols") >"$_sr_out.log" 2>&1
  _sr_st=$?
  [ $_sr_st -eq 0 ] || lc_log_tail "$_sr_out.log"
  # What was attached, recorded by the backing file's device and inode.
  while read -r _d; do
    case $_d in
      /dev/loop*)
        _id=$("$UL" -n -O BACK-MAJ:MIN,BACK-INO "$_d" 2>/dev/null \
                | awk 'NF == 2 { print $1, $2 }')
        [ -n "$_id" ] && printf '%s=%s\n' "$_d" "$_id" >>"$SCRATCH/.devices"
        ;;
    esac
  done <"$_sr_out/attached" 2>/dev/null
  return $_sr_st
}

# sat_devices NAME HOSTPOOL: after the first start NAME, which attached
# every volume in order, writes "DEVICE VOLUME" lines to $SCRATCH/devs,
# and reports whether each device holds its volume's file.
sat_devices() {
  : >"$SCRATCH/devs"
  if [ "$(wc -l <"$SCRATCH/out/$1/attached")" -ne "$(wc -l <"$SCRATCH/vols")" ]; then
    fail "$LABEL, ${1#"$LABEL"-}: the first start attached every volume"
    sed 's/^/  | /' "$SCRATCH/out/$1/attach.err" 2>/dev/null
    return 1
  fi
  paste -d ' ' "$SCRATCH/out/$1/attached" "$SCRATCH/vols" >"$SCRATCH/devs"
  _sd_ok=yes
  while read -r _d _v; do
    lc_still_ours "$_d" "$(lc_file_id "$2/$_v")" || _sd_ok=no
  done <"$SCRATCH/devs"
  lc_expect "$LABEL, ${1#"$LABEL"-}: the first start attached every volume" test $_sd_ok = yes
}

# sat_first_start LABEL HOSTPOOL CTPOOL [OPTION]... -- IMAGE: three
# volumes in HOSTPOOL (an empty directory), then the first satellite start
# "LABEL-start1" (sat_rule, with the OPTIONs) and its devices
# (sat_devices).  Returns 1 when there is nothing to restart with.
sat_first_start() {
  _fs_label=$1 _fs_pool=$2 _fs_ct=$3; shift 3
  sat_volumes "$_fs_pool" 3 || { fail "$_fs_label: make the volumes"; return 1; }
  sat_rule "$_fs_label-start1" "$_fs_pool" "$_fs_ct" "$@" ||
    fail "$_fs_label: the first start ran"
  sat_devices "$_fs_label-start1" "$_fs_pool"
}

# sat_each_image FUNCTION: calls FUNCTION once for each image of IMAGES
# (sat_setup), with LABEL and IMAGE set to its label and tag and POOL to
# a directory of its own for its pool, $SCRATCH/pool-LABEL (not made).
# All of it runs in a subshell: what FUNCTION sets is gone after.
sat_each_image() {
  printf '%s\n' "$IMAGES" | while read -r LABEL IMAGE; do
    [ -n "$LABEL" ] || continue
    POOL=$SCRATCH/pool-$LABEL
    "$1"
  done
}

# sat_again NAME WHAT HOSTPOOL CTPOOL [OPTION]... -- IMAGE: a start after
# the first (sat_rule NAME), in which LINSTOR's parse must map every
# volume at CTPOOL and attach nothing (sat_mapped), and the listing must
# be util-linux's but for the volumes' paths (sat_same_as_ul).  WHAT
# names the start in the FAIL when it does not run.
sat_again() {
  _sa_name=$1 _sa_what=$2 _sa_ct=$4
  shift 2
  if sat_rule "$_sa_name" "$@"; then
    sat_mapped "$_sa_name" "$_sa_ct"
    sat_same_as_ul "$_sa_name" "$_sa_ct"
  else
    fail "$LABEL: $_sa_what ran"
  fi
}

# sat_restart CTPOOL1 CTPOOL2 NAME WHAT [OPTION]...: a satellite's
# restart in the image (sat_each_image): three volumes in $POOL (made
# here), the first start with $POOL bound at CTPOOL1 (sat_first_start),
# then the start LABEL-NAME with it bound at CTPOOL2 (sat_again, WHAT
# naming it), both with the host's /dev and the OPTIONs for podman run;
# the volumes' devices are detached after.
sat_restart() {
  _rs_ct1=$1 _rs_ct2=$2 _rs_name=$3 _rs_what=$4
  shift 4
  mkdir "$POOL"
  sat_first_start "$LABEL" "$POOL" "$_rs_ct1" "$@" -v "$POOL:$_rs_ct1" \
    -v /dev:/dev -- "$IMAGE" || return 0
  sat_again "$LABEL-$_rs_name" "$_rs_what" "$POOL" "$_rs_ct2" "$@" \
    -v "$POOL:$_rs_ct2" -v /dev:/dev -- "$IMAGE"
  sat_detach "$POOL"
}

# sat_mapped NAME CTPOOL: LINSTOR's parse in the start NAME mapped every
# volume, at CTPOOL, to the device that holds it, and nothing was
# attached again.
sat_mapped() {
  _sm=$SCRATCH/out/$1
  lc_expect "$LABEL, ${1#"$LABEL"-}: LINSTOR's parse went through" test ! -e "$_sm/parse.error"
  for _f in "$_sm"/parse.error.*; do
    [ -f "$_f" ] || continue
    echo "LINSTOR's parse threw on this listing, tried again:"
    sed 's/^/  | /' "$_f"
  done
  _sm_ok=yes
  while read -r _d _v; do
    _got=$(awk -v p="$2/$_v" '$1 == p { print $2 }' "$_sm/map")
    if [ "$_got" != "$_d" ]; then
      _sm_ok=no
      echo "  | $2/$_v: mapped to '$_got', held by $_d"
    fi
  done <"$SCRATCH/devs"
  lc_expect "$LABEL, ${1#"$LABEL"-}: LINSTOR's parse maps every volume to its device" \
    test $_sm_ok = yes
  lc_expect "$LABEL, ${1#"$LABEL"-}: nothing attached again" test ! -s "$_sm/attached"
}

# sat_same_as_ul NAME CTPOOL: the listing in the start NAME is
# util-linux's, taken in the same container just before and after it,
# byte for byte, stderr and status included, except that the row of each
# volume's device shows CTPOOL/VOLUME.
sat_same_as_ul() {
  _su=$SCRATCH/out/$1
  awk -v devs="$SCRATCH/devs" -v pool="$2" '
    BEGIN { while ((getline l < devs) > 0) { split(l, f, " "); fix[f[1]] = pool "/" f[2] } }
    NR == 1 { col = index($0, "BACK-FILE") }
    NR > 1 && ($1 in fix) { print substr($0, 1, col - 1) fix[$1]; next }
    { print }' "$_su/final.ul" >"$_su/final.want"
  if cmp -s "$_su/final.want" "$_su/final.out" \
     && cmp -s "$_su/final.ulerr" "$_su/final.err" \
     && cmp -s "$_su/final.ulstatus" "$_su/final.status"; then
    pass "$LABEL, ${1#"$LABEL"-}: util-linux's listing with the volumes' paths corrected, to the byte"
    return 0
  fi
  fail "$LABEL, ${1#"$LABEL"-}: util-linux's listing with the volumes' paths corrected, to the byte"
  echo "  | listed $(cat "$_su/final.tries" 2>/dev/null) times"
  diff "$_su/final.want" "$_su/final.out" | sed 's/^/  | /'
  for _f in err ulerr status ulstatus; do
    echo "--- $_f"; cat "$_su/final.$_f"
  done | sed 's/^/  | /'
  return 1
}
