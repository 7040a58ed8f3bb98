# SPDX-License-Identifier: GPL-3.0-or-later
# tests/lib/podman.sh -- a real container runtime for the tests: podman
# with runc; sourced by tests/lib/satellite.sh (so by the scripts of
# tests/losetup-container.runtime/ and tests/bench/leak.sh) after
# tests/lib/lib.sh and tests/lib/roots.sh.  Its helpers start with pod_
# (pod alone runs podman).
#
# The machine's own podman set-up is never used nor changed: podman reads
# a containers.conf and a storage.conf of the tests' own (CONTAINERS_CONF,
# CONTAINERS_STORAGE_CONF), keeps its images in $CACHE/podman and its run
# state in /run/losetup-container-tests (pod_sealed keeps it out of
# /var/lib/containers too).  No registry is needed: base
# images are imported from the cached debootstrap roots (roots.sh) and
# kept, one per suite and root; the images of a run are built on them with
# "podman build --network none" and removed, with every container of the
# run, by pod_cleanup.
#
# Two settings make podman work in the sandboxes seen so far: no default
# rlimits (setting RLIMIT_NOFILE may be refused) and runc (crun refuses a
# hybrid cgroup layout).

POD_STORE=$CACHE/podman
POD_RUN=/run/losetup-container-tests/podman
# Names of the run's containers and images start with $POD_ID.
POD_ID=

# pod_missing: prints the programs this needs that are missing here.
pod_missing() {
  _pm=
  for _tool in podman runc; do
    command -v "$_tool" >/dev/null 2>&1 || _pm="$_pm $_tool"
  done
  printf '%s' "$_pm"
}

# pod_init: writes the run's podman configuration into $SCRATCH and
# exports it; sets POD_ID.  Call it after lc_init.
pod_init() {
  POD_ID=$(basename "$SCRATCH" | tr 'A-Z.' 'a-z-')
  mkdir -p "$SCRATCH/podman" "$POD_STORE" "$POD_RUN"
  cat >"$SCRATCH/podman/containers.conf" <<EOC
[containers]
default_ulimits = []
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$POD_RUN/tmp"
EOC
  cat >"$SCRATCH/podman/storage.conf" <<EOC
[storage]
driver = "overlay"
graphroot = "$POD_STORE/storage"
runroot = "$POD_RUN/state"
EOC
  CONTAINERS_CONF=$SCRATCH/podman/containers.conf
  CONTAINERS_STORAGE_CONF=$SCRATCH/podman/storage.conf
  export CONTAINERS_CONF CONTAINERS_STORAGE_CONF
}

# pod COMMAND [ARG]...: podman with runc.
pod() {
  podman --runtime runc "$@"
}

# pod_sealed COMMAND [ARG]...: podman COMMAND with /var/lib read-only, in
# a mount namespace of its own: "podman import" and "podman build" keep a
# cache of blob digests in /var/lib/containers/cache whatever the storage
# configuration says, and go on without it when they cannot write there.
# (Not for "podman run": a container made there would not see the host's
# later mounts.)
pod_sealed() {
  unshare -m --propagation private -- sh -c '
    mount --bind /var/lib /var/lib && mount -o remount,bind,ro /var/lib /var/lib \
      && exec podman --runtime runc "$@"' sh "$@"
}

# pod_cleanup: removes the run's containers and images (call it from the
# EXIT trap, before lc_cleanup).
pod_cleanup() {
  [ -n "$POD_ID" ] || return 0
  pod ps -a --format '{{.Names}}' 2>/dev/null | grep "^$POD_ID-" \
    | while read -r _c; do pod rm -f -t 0 "$_c" >/dev/null 2>&1; done
  pod images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null \
    | grep "^localhost/$POD_ID-" \
    | while read -r _i; do pod rmi -f "$_i" >/dev/null 2>&1; done
}

# pod_base_ready SUITE: sets GOT to the base image of SUITE and succeeds
# when it is imported from the current cached root already: then the
# cache's lock is not needed.
pod_base_ready() {
  _pr_dir=$CACHE/$1-$ARCH
  roots_fresh "$_pr_dir.stamp" || return 1
  GOT=localhost/lc-base-$1-$ARCH:$(md5sum <"$_pr_dir.stamp" | cut -c1-12)
  pod image exists "$GOT"
}

# pod_base SUITE: sets GOT to the base image of SUITE, imported from the
# cached root unless imported already from the same root (the lock must
# be held).  Images of older roots of SUITE go.  Returns as roots_cached.
pod_base() {
  roots_cached "$1" || return $?
  _pb_root=$GOT
  _pb_tag=$(md5sum <"$_pb_root.stamp" | cut -c1-12)
  GOT=localhost/lc-base-$1-$ARCH:$_pb_tag
  if ! pod image exists "$GOT"; then
    echo "importing $_pb_root as $GOT"
    tar -C "$_pb_root" -cf - . | pod_sealed import - "$GOT" >/dev/null \
      || return 1
  fi
  pod images --format '{{.Repository}}:{{.Tag}}' \
    | grep -x "localhost/lc-base-$1-$ARCH:.*" | grep -vx "$GOT" \
    | while read -r _old; do pod rmi -f "$_old" >/dev/null 2>&1; done
  return 0
}

# pod_build NAME CONTAINERFILE BASE FILE...: builds the image NAME of the
# run from CONTAINERFILE on BASE, with the FILEs (each SOURCE=NAME) in the
# build context; sets GOT to its tag.  The build log goes to the log when
# the build fails.
pod_build() {
  _pb_name=$1 _pb_file=$2 _pb_base=$3; shift 3
  _pb_ctx=$SCRATCH/podman/ctx-$_pb_name
  mkdir -p "$_pb_ctx"
  for _pb_f; do cp "${_pb_f%%=*}" "$_pb_ctx/${_pb_f#*=}" || return 1; done
  GOT=localhost/$POD_ID-$_pb_name:latest
  if ! pod_sealed build --network none --pull=never --layers=false -q \
       --build-arg BASE="$_pb_base" -f "$_pb_file" -t "$GOT" "$_pb_ctx" \
       >"$_pb_ctx.log" 2>&1; then
    lc_log_tail "$_pb_ctx.log"
    return 1
  fi
  rm -rf "$_pb_ctx"
}

# pod_run NAME [OPTION]... -- IMAGE COMMAND...: runs a container of the
# run (named $POD_ID-NAME, removed when it ends), privileged as LINSTOR's
# satellites run, with no network and the shared helpers at /lc/lib.
pod_run() {
  _pr_name=$1; shift
  _pr_opts=
  while [ "$1" != "--" ]; do _pr_opts="$_pr_opts $(lc_quote "$1")"; shift; done
  shift
  eval pod run --rm --privileged --network none --name "$POD_ID-$_pr_name" \
    -v "$(lc_quote "$TESTS_SRCDIR/lib"):/lc/lib:ro" "$_pr_opts" '"$@"'
}
