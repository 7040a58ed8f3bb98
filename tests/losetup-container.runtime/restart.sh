#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# restart.sh -- a LINSTOR satellite restarted under podman and runc, in
# each image of tests/lib/satellite.sh: privileged, the host's /dev, the
# pool directory a hostPath volume at the same path as on the host.  The
# first start attaches three volumes (LINSTOR's rule: list, parse, attach
# what is missing); the second start must find all three with LINSTOR's
# parse, attach nothing, and list as util-linux does in that image but
# for the volumes' paths.

. "$TESTS_SRCDIR/lib/satellite.sh"
WHAT="restart under podman"
sat_setup "$WHAT"

printf '%s\n' "$IMAGES" | while read -r LABEL IMAGE; do
  [ -n "$LABEL" ] || continue
  POOL=$SCRATCH/pool-$LABEL
  mkdir "$POOL"
  sat_first_start "$LABEL" "$POOL" "$POOL" -v "$POOL:$POOL" -v /dev:/dev \
    -- "$IMAGE" || continue
  if sat_rule "$LABEL-start2" "$POOL" "$POOL" -v "$POOL:$POOL" \
       -v /dev:/dev -- "$IMAGE"; then
    sat_mapped "$LABEL-start2" "$POOL"
    sat_same_as_ul "$LABEL-start2" "$POOL"
  else
    fail "$LABEL: the second start ran"
  fi
  sat_detach "$POOL"
done
exit 0
