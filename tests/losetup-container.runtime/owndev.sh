#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# owndev.sh -- a LINSTOR satellite under podman and runc, in each image of
# tests/lib/satellite.sh, restarted into the runtime's own /dev (no
# -v /dev:/dev): podman gives a privileged container the nodes of the
# devices that exist when it starts, and none of those made later.
#
# The first start (the host's /dev) attaches three volumes.  The second
# start waits while the host attaches two more devices at numbers that
# did not exist before: late.img in the pool, at the same path in the
# container (the kernel's path is right there), and cut.img attached
# inside an unshare -m container that is gone (the kernel's path is cut,
# and with no node nothing can prove another).  The listing must be
# util-linux's, in the same container, but for the volumes' paths: from
# util-linux 2.40 on the two rows read "/dev/loopN (lost) PATH" with the
# kernel's paths; before, they are left out.

. "$TESTS_SRCDIR/lib/satellite.sh"
WHAT="the runtime's own /dev under podman"
sat_setup "$WHAT"

mkdir "$SCRATCH/ct" "$SCRATCH/ct-pool"
# in_image: the first start with the host's /dev, the second with its own.
in_image() {
  mkdir "$POOL"
  sat_first_start "$LABEL" "$POOL" "$POOL" -v "$POOL:$POOL" -v /dev:/dev \
    -- "$IMAGE" || return 0

  OUT=$SCRATCH/out/$LABEL-owndev
  mkdir -p "$OUT"
  ( sat_rule "$LABEL-owndev" "$POOL" "$POOL" -e LC_RULE_WAIT=1 \
      -v "$POOL:$POOL" -- "$IMAGE"
    echo $? >"$SCRATCH/owndev.status" ) &
  n=0
  while [ ! -e "$OUT/ready" ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
  lc_expect "$LABEL: the container with its own /dev started" test -e "$OUT/ready"
  truncate -s 1M "$POOL/late.img" "$SCRATCH/ct-pool/cut-$LABEL.img"
  LATE=$(sat_attach_new "$POOL/late.img") || LATE=
  # shellcheck disable=SC2016
  CUT=$(sat_attach_new "$SCRATCH/ct-pool/cut-$LABEL.img" \
          lc_in_container "$SCRATCH/ct" "$SCRATCH/ct-pool:/pool" -- \
          sh -c 'exec "$0" "$2" "$1"' "$UL" "/pool/cut-$LABEL.img") || CUT=
  lc_expect "$LABEL: two devices attached on the host after the start" \
    test -n "$LATE" -a -n "$CUT"
  : >"$OUT/go"
  wait
  lc_expect "$LABEL: the start with its own /dev ran" \
    test "$(cat "$SCRATCH/owndev.status")" = 0
  sat_mapped "$LABEL-owndev" "$POOL"
  sat_same_as_ul "$LABEL-owndev" "$POOL"

  version=$(sed -n 's/.*util-linux \([0-9][0-9.]*\).*/\1/p' "$OUT/ulversion")
  case $version in
    2.3[0-9]|2.3[0-9].*)
      for d in "$LATE" "$CUT"; do
        lc_expect "$LABEL, util-linux $version: $d without node is left out" \
          sh -c '! grep -q "^$1 " "$2"' sh "$d" "$OUT/final.out"
      done ;;
    2.*)
      for row in "$LATE (lost) $POOL/late.img" "$CUT (lost) /cut-$LABEL.img"; do
        lc_expect "$LABEL, util-linux $version: the row \"$row\"" \
          sh -c 'sed "s/   */ /" "$2" | grep -qxF "$1"' sh "$row" "$OUT/final.out"
      done ;;
    *) fail "$LABEL: util-linux's version in the image ($version)" ;;
  esac
  for d in "$LATE" "$CUT"; do
    [ -n "$d" ] && "$UL" -d "$d"
  done
  sat_detach "$POOL"
}
sat_each_image in_image
exit 0
