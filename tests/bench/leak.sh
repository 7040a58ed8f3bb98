#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/leak.sh -- the loop devices a LINSTOR satellite leaks when
# it restarts, with util-linux's losetup and with this program, measured
# under podman and runc in the images of tests/lib/satellite.sh.
#
# Run it with "make leak" (as root).  For each image and each losetup, a
# pool of V volumes at LINSTOR's path, bound at the same path in every
# container, is started K times with LINSTOR's rule (list, parse as
# LINSTOR splits, attach every volume not found: tests/lib/linstor-rule.sh);
# after each start the loop devices holding a file of the pool are
# counted on the host.  Prints the table; with gnuplot, also draws it into
# the SVG file LEAK_SVG.  Every device attached is detached on the way
# out, whatever the way.
#
# Environment: LEAK_STARTS (K, 5), LEAK_VOLUMES (V, 3), LEAK_SVG (the
# chart; none when empty), and what tests/lib/satellite.sh reads.

K=${LEAK_STARTS:-5}
V=${LEAK_VOLUMES:-3}
SVG=${LEAK_SVG:-}
CT=/var/lib/linstor-pools/pool1

. "$TESTS_SRCDIR/lib/satellite.sh"
sat_setup "the leak" >"${TMPDIR:-/tmp}/lc-leak-setup.$$" 2>&1
st=$?
grep -v '^PASS: ' "${TMPDIR:-/tmp}/lc-leak-setup.$$" >&2
rm -f "${TMPDIR:-/tmp}/lc-leak-setup.$$"
[ $st -eq 0 ] || exit 1
if [ -z "$IMAGES" ]; then
  echo "leak: no image could be made" >&2
  exit 1
fi

# in_use POOL: prints how many loop devices hold a file of POOL.
in_use() {
  for _f in "$1"/*; do lc_file_id "$_f"; done >"$SCRATCH/ids"
  "$UL" -l -n -O BACK-MAJ:MIN,BACK-INO 2>/dev/null \
    | awk -v ids="$SCRATCH/ids" '
        BEGIN { while ((getline l < ids) > 0) want[l] = 1 }
        NF == 2 && (($1 " " $2) in want) { n++ }
        END { print n + 0 }'
}

# release POOL: detaches every device of this run holding a file of POOL.
release() {
  for _f in "$1"/*; do lc_file_id "$_f"; done >"$SCRATCH/ids"
  while IFS='=' read -r _d _id; do
    grep -qxF "$_id" "$SCRATCH/ids" && lc_still_ours "$_d" "$_id" && "$UL" -d "$_d"
  done <"$SCRATCH/.devices"
}

COLS=
printf '%s\n' "$IMAGES" >"$SCRATCH/images"
while read -r LABEL IMAGE; do
  [ -n "$LABEL" ] || continue
  for tool in util-linux ours; do
    col=$LABEL/$tool
    POOL=$SCRATCH/leak-$LABEL-$tool
    mkdir "$POOL"
    sat_volumes "$POOL" "$V" || exit 1
    env=
    [ $tool = util-linux ] && env="-e LC_RULE_UL=1"
    k=1
    while [ $k -le "$K" ]; do
      # shellcheck disable=SC2086
      sat_rule "$LABEL-$tool-$k" "$POOL" "$CT" $env -v "$POOL:$CT" \
        -v /dev:/dev -- "$IMAGE" >/dev/null \
        || echo "leak: $col, start $k failed" >&2
      echo "$(in_use "$POOL")" >>"$SCRATCH/col.$k"
      k=$((k + 1))
    done
    release "$POOL"
    COLS="$COLS $col"
  done
done <"$SCRATCH/images"

# The table: a row per start, a column per image and losetup.
{
  printf 'start'
  for c in $COLS; do printf '\t%s' "$c"; done
  printf '\n'
  k=1
  while [ $k -le "$K" ]; do
    printf '%s' "$k"
    while read -r n; do printf '\t%s' "$n"; done <"$SCRATCH/col.$k"
    printf '\n'
    k=$((k + 1))
  done
} >"$SCRATCH/table"
echo "Loop devices in use after each start of a satellite with $V volumes"
echo "(LINSTOR's rule: list, parse, attach what is missing):"
column -t -s "$(printf '\t')" "$SCRATCH/table" 2>/dev/null || cat "$SCRATCH/table"

[ -n "$SVG" ] || exit 0
if ! command -v gnuplot >/dev/null 2>&1; then
  echo "leak: no gnuplot (Debian: gnuplot-nox): no chart" >&2
  exit 0
fi
ncol=$(echo $COLS | wc -w)
# One colour per image; util-linux's losetup dashed, this program's solid.
i=2
while [ $i -le $((ncol + 1)) ]; do
  echo "set style line $i linecolor $((i / 2)) linewidth 2 pointtype $((i / 2 + 5)) dashtype $((2 - i % 2))"
  i=$((i + 1))
done >"$SCRATCH/styles"
gnuplot >"$SVG.new" <<EOP || { rm -f "$SVG.new"; exit 1; }
set terminal svg size 720,400 dynamic font "sans,12" background rgb "white"
set title "Loop devices in use after each satellite start ($V volumes)"
set xlabel "satellite start"
set ylabel "loop devices in use"
set key top left
set grid ytics
set xtics 1
set yrange [0:*]
set datafile separator tab
load "$SCRATCH/styles"
plot for [i=2:$((ncol + 1))] "$SCRATCH/table" using 1:i with linespoints \
  linestyle i title columnheader(i)
EOP
mv "$SVG.new" "$SVG"
echo "chart: $SVG"
