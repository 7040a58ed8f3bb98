#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# rslave.sh -- a LINSTOR satellite under podman and runc, in each image of
# tests/lib/satellite.sh, with the pools' parent directory a hostPath
# volume bound with rslave propagation, as a pod spec binds a directory
# whose file systems come and go on the host.  The pool's own file system
# (ext4, on a loop device of this test's) is mounted on the host only
# after the first container started: that container sees it through the
# propagation and attaches the volumes in it; the second start must find
# them all with LINSTOR's parse, attach nothing, and list as util-linux
# does but for the volumes' paths.

. "$TESTS_SRCDIR/lib/satellite.sh"
WHAT="an rslave pool under podman"
sat_setup "$WHAT"

CT=/var/lib/linstor-pools
# in_image: the pools' parent bound rslave, the pool's file system mounted
# after the first start began.
in_image() {
  # The hostPath: a shared mount point of its own, so that what is
  # mounted below it propagates to the container's slave copy.
  H=$SCRATCH/pools-$LABEL
  mkdir "$H"
  if ! mount --bind "$H" "$H"; then
    fail "$LABEL: bind $H on itself"; return 0
  fi
  printf '%s\n' "$H" >>"$SCRATCH/.mounts"
  mount --make-shared "$H" || { fail "$LABEL: make $H shared"; return 0; }
  mkdir "$H/pool1"

  OUT=$SCRATCH/out/$LABEL-start1
  mkdir -p "$OUT"
  sat_names 3
  # The first start waits (LC_RULE_WAIT) for the file system and volumes.
  ( sat_rule "$LABEL-start1" "$H/pool1" "$CT/pool1" -e LC_RULE_WAIT=1 \
      -v "$H:$CT:rslave" -v /dev:/dev -- "$IMAGE"
    echo $? >"$SCRATCH/start1.status" ) &
  n=0
  while [ ! -e "$OUT/ready" ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
  lc_expect "$LABEL: the first container started" test -e "$OUT/ready"
  lc_mount_new_fs ext4 "$H/pool1"
  case $? in
    0) ;;
    2) unsupported "$LABEL: ext4 (mkfs.ext4 or the kernel's ext4)"; : >"$OUT/go"; wait; return 0 ;;
    *) fail "$LABEL: mount an ext4 file system at $H/pool1"; : >"$OUT/go"; wait; return 0 ;;
  esac
  sat_create "$H/pool1" || fail "$LABEL: make the volumes"
  : >"$OUT/go"
  wait
  lc_expect "$LABEL: the first start ran" test "$(cat "$SCRATCH/start1.status")" = 0
  sat_devices "$LABEL-start1" "$H/pool1" || return 0
  sat_again "$LABEL-start2" "the second start" "$H/pool1" "$CT/pool1" \
    -v "$H:$CT:rslave" -v /dev:/dev -- "$IMAGE"
  sat_detach "$H/pool1"
}
sat_each_image in_image
exit 0
