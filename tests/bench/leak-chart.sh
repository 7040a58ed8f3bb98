#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/leak-chart.sh -- draws the chart of "make leak" (README.md's
# doc/leak.svg) with gnuplot, from a table of loop devices in use after
# each satellite start.
#
# Usage: leak-chart.sh TABLE SVG [VOLUMES]
#
# TABLE is either the tab-separated table tests/bench/leak.sh writes or a
# Markdown file holding that table (README.md): the first table whose
# header starts "| satellite start |".  Its first column is the start
# (1, 2, ...); every other column is named "LAYOUT, util-linux" or
# "LAYOUT, this program", one pair per layout.  VOLUMES (3) is the
# number of volumes of the pool, for the axis label.
#
# What the chart shows: when every layout counted the same devices, the
# layouts are one story, told by two lines, util-linux's losetup and
# losetup-container, with the layouts named under the title; otherwise
# one panel per layout, each with its two lines.  Either way each line
# has one label, in a key outside the plotting area.  Exit status 1
# when the table cannot be read or gnuplot fails (no SVG written then).

TABLE=$1 SVG=$2 V=${3:-3}
if [ -z "$TABLE" ] || [ -z "$SVG" ]; then
  echo "usage: leak-chart.sh TABLE SVG [VOLUMES]" >&2
  exit 1
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lc-leak-chart.XXXXXX") || exit 1
trap '[ -n "${LEAK_CHART_KEEP:-}" ] || rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM HUP

# The table, tab-separated, into $WORK/table.
case $TABLE in
  *.md) awk -f "$(dirname "$0")/../lib/leak-table.awk" "$TABLE" >"$WORK/table" ;;
  *) cp "$TABLE" "$WORK/table" || exit 1 ;;
esac

# Checks the table and describes it, one fact a line, for the drawing:
#   layouts N        the number of layouts
#   layout I NAME    layout I (from 1), its column for util-linux and ours
#   cols I UL OURS
#   same yes|no      whether every layout counted the same as the first
#   max N            the largest count
#   starts N         the number of starts (rows)
awk -F '\t' '
  NR == 1 {
    if ($1 != "satellite start" || NF < 3) { bad = "header: " $0; exit 1 }
    for (i = 2; i <= NF; i++) {
      name = $i; tool = name
      sub(/, [^,]*$/, "", name); sub(/^.*, /, "", tool)
      if (!(name in at)) { at[name] = ++n; names[n] = name }
      if (tool == "util-linux") ul[at[name]] = i
      else if (tool == "this program") ours[at[name]] = i
      else { bad = "column: " $i; exit 1 }
    }
    next
  }
  NF > 0 {
    rows++
    for (i = 2; i <= NF; i++) {
      if ($i !~ /^[0-9]+$/) { bad = "row " NR ": " $0; exit 1 }
      v[rows, i] = $i + 0
      if ($i + 0 > max) max = $i + 0
    }
  }
  END {
    if (bad != "") { print "leak-chart: bad " bad > "/dev/stderr"; exit 1 }
    if (rows == 0) { print "leak-chart: no rows" > "/dev/stderr"; exit 1 }
    same = "yes"
    for (l = 1; l <= n; l++) {
      if (!ul[l] || !ours[l]) {
        print "leak-chart: " names[l] " lacks a column" > "/dev/stderr"; exit 1
      }
      for (r = 1; r <= rows; r++)
        if (v[r, ul[l]] != v[r, ul[1]] || v[r, ours[l]] != v[r, ours[1]])
          same = "no"
    }
    print "layouts", n
    for (l = 1; l <= n; l++) {
      print "layout", l, names[l]; print "cols", l, ul[l], ours[l]
    }
    print "same", same
    print "max", max
    print "starts", rows
  }' "$WORK/table" >"$WORK/facts" || exit 1

fact() { awk -v k="$1" -v i="${2:-}" '
  $1 == k && (i == "" || $2 == i) { $1 = ""; if (i != "") $2 = ""; sub(/^ +/, ""); print; exit }' \
  "$WORK/facts"; }
N=$(fact layouts)
SAME=$(fact same)
MAX=$(fact max)
K=$(fact starts)
names=
l=1
while [ "$l" -le "$N" ]; do
  names="$names${names:+, }$(fact layout "$l")"
  l=$((l + 1))
done
case $N in
  1) layouts="In the one layout measured: $names" ;;
  2) layouts="The same in both layouts: $names" ;;
  *) layouts="The same in all $(echo "$N" | sed 's/^3$/three/; s/^4$/four/') layouts: $names" ;;
esac
# gnuplot reads the strings between double quotes.
gq() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }

# Two lines a reader tells apart by colour, dash and marker alike.
{
  echo 'set style line 1 linecolor rgb "#b2182b" linewidth 2.5 dashtype (10,6) pointtype 7 pointsize 1.2'
  echo 'set style line 2 linecolor rgb "#2166ac" linewidth 2.5 dashtype solid pointtype 5 pointsize 1.1'
  echo 'set xlabel "satellite start"'
  echo "set ylabel \"loop devices in use ($V volumes)\""
  echo 'set grid ytics linetype 1 linecolor rgb "#dddddd" linewidth 1'
  echo 'set border 3; set xtics nomirror 1; set ytics nomirror'
  echo "set ytics $V"
  echo "set yrange [0:$((MAX + 1))]"
  echo "set xrange [0.7:$K.3]"
  echo 'set datafile separator tab'
  echo 'set key noenhanced Left reverse samplen 3 spacing 1.4'
} >"$WORK/common"

if [ "$SAME" = yes ]; then
  # shellcheck disable=SC2046 # two column numbers
  set -- $(fact cols 1)
  cat >"$WORK/plot" <<EOP
set terminal svg size 760,400 dynamic font "sans,12" background rgb "white"
load "$WORK/common"
set title "{/:Bold Loop devices in use after each start of a LINSTOR satellite}\n{/*0.9 $(gq "$layouts")}" enhanced
set key outside right center vertical
plot "$WORK/table" skip 1 using 1:$1 with linespoints linestyle 1 title "util-linux losetup", \
     "" skip 1 using 1:$2 with linespoints linestyle 2 title "losetup-container"
EOP
else
  # One panel per layout, side by side; the key under each panel.
  cat >"$WORK/plot" <<EOP
set terminal svg size $((N * 300 + 40)),460 dynamic font "sans,12" background rgb "white"
load "$WORK/common"
set key outside below center vertical
set multiplot layout 1,$N title "{/:Bold Loop devices in use after each start of a LINSTOR satellite}" enhanced
EOP
  l=1
  while [ "$l" -le "$N" ]; do
    # shellcheck disable=SC2046 # two column numbers
    set -- $(fact cols "$l")
    cat >>"$WORK/plot" <<EOP
set title "$(gq "$(fact layout "$l")")"
plot "$WORK/table" skip 1 using 1:$1 with linespoints linestyle 1 title "util-linux losetup", \
     "" skip 1 using 1:$2 with linespoints linestyle 2 title "losetup-container"
EOP
    l=$((l + 1))
  done
  echo 'unset multiplot' >>"$WORK/plot"
fi

if ! command -v gnuplot >/dev/null 2>&1; then
  echo "leak-chart: no gnuplot (Debian: gnuplot-nox)" >&2
  exit 1
fi
gnuplot "$WORK/plot" >"$SVG.new" 2>"$WORK/err" || {
  cat "$WORK/err" >&2; rm -f "$SVG.new"; exit 1; }
mv "$SVG.new" "$SVG"
