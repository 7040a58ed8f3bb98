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
# in_image: the root read-only, then the restart with it so.
in_image() {
  lc_expect "$LABEL: the root is read-only in the container" \
    pod_run "$LABEL-probe" --read-only -- "$IMAGE" \
    sh -c '! touch /usr/local/sbin/lc-probe 2>/dev/null && ! touch /lc-probe 2>/dev/null'
  sat_restart "$CT" "$CT" start2 "the second start" --read-only
}
sat_each_image in_image
exit 0
