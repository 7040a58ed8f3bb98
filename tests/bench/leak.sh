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
# counted on the host.  Prints the table as README.md has it (Markdown,
# its columns named by README's words), writes it tab-separated to
# LEAK_TABLE and, with gnuplot, draws it into the SVG file LEAK_SVG
# (tests/bench/leak-chart.sh, which "make leak-chart" runs alone on a
# saved table or on README.md).  Every device attached is detached on the
# way out, whatever the way.
#
# Environment: LEAK_STARTS (K, 5), LEAK_VOLUMES (V, 3), LEAK_SVG (the
# chart; none when empty), LEAK_TABLE (the table; none when empty), and
# what tests/lib/satellite.sh reads.

K=${LEAK_STARTS:-5}
V=${LEAK_VOLUMES:-3}
SVG=${LEAK_SVG:-}
TABLE=${LEAK_TABLE:-}
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

# layout_name LABEL: README's name of the layout of the image LABEL.
layout_name() {
  case $1 in
    satellite-trixie) echo "Debian 13 shim" ;;
    package-bookworm) echo "Debian 12 .deb" ;;
    package-trixie) echo "Debian 13 .deb" ;;
    *) echo "$1" ;;
  esac
}

printf 'satellite start' >"$SCRATCH/header"
printf '%s\n' "$IMAGES" >"$SCRATCH/images"
while read -r LABEL IMAGE; do
  [ -n "$LABEL" ] || continue
  for tool in util-linux ours; do
    col=$LABEL/$tool
    name="$(layout_name "$LABEL"), util-linux"
    [ $tool = util-linux ] || name="$(layout_name "$LABEL"), this program"
    printf '\t%s' "$name" >>"$SCRATCH/header"
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
  done
done <"$SCRATCH/images"

# The table, tab-separated: a row per start, a column per image and
# losetup.
{
  cat "$SCRATCH/header"
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
echo
awk -F '\t' '{
  line = "|"; sep = "|"
  for (i = 1; i <= NF; i++) { line = line " " $i " |"; sep = sep "---:|" }
  print line
  if (NR == 1) print sep
}' "$SCRATCH/table"
if [ -n "$TABLE" ]; then
  cp "$SCRATCH/table" "$TABLE" && echo "table: $TABLE"
fi

[ -n "$SVG" ] || exit 0
if ! command -v gnuplot >/dev/null 2>&1; then
  echo "leak: no gnuplot (Debian: gnuplot-nox): no chart" >&2
  exit 0
fi
sh "$TESTS_SRCDIR/bench/leak-chart.sh" "$SCRATCH/table" "$SVG" "$V" || exit 1
echo "chart: $SVG"
