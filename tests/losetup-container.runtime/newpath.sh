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
# in_image: the pool at OLD in the first start, at NEW in the second.
in_image() {
  sat_restart "$OLD" "$NEW" moved "the start at the new path"
}
sat_each_image in_image
exit 0
