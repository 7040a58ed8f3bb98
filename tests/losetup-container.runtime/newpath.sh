#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# newpath.sh -- a LINSTOR satellite under podman and runc, in each image
# of tests/lib/satellite.sh, whose pool directory is bound at
# /var/lib/linstor-pools/pool1 in the first start and at another path in
# the second, with no LOSETUP_CONTAINER_BIND_MOUNTS: the second start
# must find every volume at the new path with LINSTOR's parse, attach
# nothing, and list as util-linux does but for the volumes' paths.

. "$TESTS_SRCDIR/lib/satellite.sh"
WHAT="a new pool path under podman"
sat_setup "$WHAT"

OLD=/var/lib/linstor-pools/pool1
NEW=/srv/linstor/pools/moved-pool1
printf '%s\n' "$IMAGES" | while read -r LABEL IMAGE; do
  [ -n "$LABEL" ] || continue
  POOL=$SCRATCH/pool-$LABEL
  mkdir "$POOL"
  sat_first_start "$LABEL" "$POOL" "$OLD" -v "$POOL:$OLD" -v /dev:/dev \
    -- "$IMAGE" || continue
  if sat_rule "$LABEL-moved" "$POOL" "$NEW" -v "$POOL:$NEW" \
       -v /dev:/dev -- "$IMAGE"; then
    sat_mapped "$LABEL-moved" "$NEW"
    sat_same_as_ul "$LABEL-moved" "$NEW"
  else
    fail "$LABEL: the start at the new path ran"
  fi
  sat_detach "$POOL"
done
exit 0
