#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# readonly.sh -- a LINSTOR satellite under podman and runc with
# --read-only, as the Piraeus operator runs the satellite
# (readOnlyRootFilesystem), in each image of tests/lib/satellite.sh: the
# pool at LINSTOR's path, restarted; the second start must find every
# volume with LINSTOR's parse, attach nothing, and list as util-linux
# does but for the volumes' paths.

. "$TESTS_SRCDIR/lib/satellite.sh"
WHAT="a read-only root under podman"
sat_setup "$WHAT"

CT=/var/lib/linstor-pools/pool1
printf '%s\n' "$IMAGES" | while read -r LABEL IMAGE; do
  [ -n "$LABEL" ] || continue
  POOL=$SCRATCH/pool-$LABEL
  mkdir "$POOL"
  check "$LABEL: the root is read-only in the container" \
    pod_run "$LABEL-probe" --read-only -- "$IMAGE" \
    sh -c '! touch /usr/local/sbin/lc-probe 2>/dev/null && ! touch /lc-probe 2>/dev/null'
  sat_first_start "$LABEL" "$POOL" "$CT" --read-only -v "$POOL:$CT" \
    -v /dev:/dev -- "$IMAGE" || continue
  if sat_rule "$LABEL-start2" "$POOL" "$CT" --read-only -v "$POOL:$CT" \
       -v /dev:/dev -- "$IMAGE"; then
    sat_mapped "$LABEL-start2" "$CT"
    sat_same_as_ul "$LABEL-start2" "$CT"
  else
    fail "$LABEL: the second start ran"
  fi
  sat_detach "$POOL"
done
exit 0
