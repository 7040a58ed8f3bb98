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

# in_image: the pool at the same path in the container.
in_image() {
  sat_restart "$POOL" "$POOL" start2 "the second start"
}
sat_each_image in_image
exit 0
