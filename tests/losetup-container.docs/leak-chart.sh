#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# leak-chart.sh -- the leak chart README.md shows (doc/leak.svg, drawn by
# tests/bench/leak-chart.sh for "make leak") reads as README's table says:
# rendered to PNG by rsvg-convert, it has one label per line drawn, each
# label outside the data, lines that differ in points and colour, the
# axis labels README's words, every layout of the table named, and each
# line's points are that table's figures.  The same for the chart drawn
# now from README.md, and for one drawn from a table whose layouts
# differ (one panel per layout then).
#
# Run by tests/losetup-container.docs/leak-chart.exp; results on stdout,
# one a line (see tests/lib/lib.sh).  Needs rsvg-convert (Debian:
# librsvg2-bin) and, to draw, gnuplot (gnuplot-nox).

. "$TESTS_SRCDIR/lib/lib.sh"
: "${TOP_SRCDIR:?run through make check}"
lc_init

CHART=$TOP_SRCDIR/doc/leak.svg
DRAW=$TESTS_SRCDIR/bench/leak-chart.sh
VOLUMES=3

if ! command -v rsvg-convert >/dev/null 2>&1; then
  unsupported "the leak chart (needs rsvg-convert: Debian's librsvg2-bin)"
  exit 0
fi

# README's table, tab-separated.
awk -f "$TESTS_SRCDIR/lib/leak-table.awk" "$TOP_SRCDIR/README.md" \
  >"$SCRATCH/readme.tsv"
if [ "$(wc -l <"$SCRATCH/readme.tsv")" -lt 2 ]; then
  fail "README.md has the leak table (a header \"| satellite start |\" and rows)"
  exit 0
fi

# svg_lines SVG: reads a chart gnuplot drew and prints what it shows, one
# fact a line, panel by panel (a panel begins at its horizontal grid
# lines, one per y tick):
#   tick P VALUE PIXEL   a y tick of panel P: its value and its height
#   line P N STROKE LX LY KX1 KY1 KX2 KY2 POINTS
#                        plot N of panel P: its colour, where its label
#                        is, its key sample, its points "x,y;x,y;..."
#   label P N TEXT       the text of plot N's label in the key
#   text TEXT            every other text of the chart
# It knows gnuplot's SVG: each plot in a group "gnuplot_plot_N" (with a
# letter per panel after N in a multiplot) holding
# its key label and one path, the key sample first, then the data.
svg_lines() {
  awk '
    function attr(s, name,   v) {
      if (!match(s, name "=[\047\"][^\047\"]*[\047\"]")) return ""
      v = substr(s, RSTART + length(name) + 2, RLENGTH - length(name) - 3)
      return v
    }
    function text_of(s) {
      gsub(/<[^>]*>/, "", s); sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s)
      return s
    }
    function or_dash(s) { return s == "" ? "-" : s }
    function flush() {
      if (plot == "") return
      print "line", p, plot, or_dash(stroke), or_dash(lx), or_dash(ly),
        (key == "" ? "- - - -" : key), or_dash(pts)
      print "label", p, plot, label
      plot = ""
    }
    /class="gridline"/ {
      if (inplots || p == 0) { flush(); p++; ngrid = nticks = 0; inplots = 0 }
      d = attr($0, "d"); sub(/^M/, "", d); split(d, a, /[, ]/)
      grid[++ngrid] = a[2]
      next
    }
    /<g id="gnuplot_plot_[0-9]+[a-z]*"/ {
      flush(); inplots = 1
      plot = $0; sub(/.*gnuplot_plot_/, "", plot); sub(/[a-z]*".*/, "", plot)
      stroke = ""; lx = ly = ""; key = ""; pts = ""; label = ""
      next
    }
    /<g transform="translate\(/ {
      t = $0; sub(/.*translate\(/, "", t); sub(/\).*/, "", t)
      split(t, a, ","); tx = a[1]; ty = a[2]
      anchor_end = ($0 ~ /text-anchor="end"/)
      next
    }
    /<text>/ {
      s = text_of($0)
      if (plot != "" && label == "") { label = s; lx = tx; ly = ty; next }
      if (plot == "" && anchor_end && s ~ /^-?[0-9.]+$/) {
        tick[++nticks] = s
        if (nticks <= ngrid) print "tick", p, s, grid[nticks]
        next
      }
      print "text", s
      next
    }
    plot != "" && /<path / && pts == "" {
      stroke = attr($0, "stroke"); gsub(/ /, "", stroke)
      d = attr($0, "d"); gsub(/^ +| +$/, "", d)
      n = split(d, sub_, /M/)
      # sub_[1] is empty (d starts with M); sub_[2] the key sample.
      split(sub_[2], k, /[ L]+/); key = ""
      for (i = 1; i <= 2; i++) { split(k[i], c, ","); key = key (i > 1 ? " " : "") c[1] " " c[2] }
      for (j = 3; j <= n; j++) {
        m = split(sub_[j], q, /[ L]+/)
        for (i = 1; i <= m; i++) if (q[i] != "") pts = pts (pts == "" ? "" : ";") q[i]
      }
      next
    }
    END { flush() }' "$1"
}

# check_chart WHAT SVG TABLE: the checks, for the chart SVG of TABLE (the
# tab-separated table it was drawn from), its results named WHAT.
check_chart() {
  _w=$1 _svg=$2 _tab=$3
  if rsvg-convert -o "$SCRATCH/chart.png" "$_svg" 2>"$SCRATCH/rsvg.err" \
     && [ "$(od -An -tx1 -N8 "$SCRATCH/chart.png" | tr -d ' \n')" = 89504e470d0a1a0a ]; then
    _size=$(od -An -tu1 -j16 -N8 "$SCRATCH/chart.png" \
              | awk '{ printf "%dx%d", (($1 * 256 + $2) * 256 + $3) * 256 + $4,
                                      (($5 * 256 + $6) * 256 + $7) * 256 + $8 }')
    pass "$_w: rsvg-convert renders it ($_size PNG)"
  else
    fail "$_w: rsvg-convert renders it"
    lc_log_tail "$SCRATCH/rsvg.err"
  fi
  svg_lines "$_svg" >"$SCRATCH/facts"
  sed 's/^/  | /' "$SCRATCH/facts"

  # One label per line: every plot has a label, and no label twice in a
  # panel; as many labels as lines with points.
  awk '
    $1 == "line" { lines++; if ($NF ~ /,/) drawn++ }
    $1 == "label" {
      t = $0; sub(/^label [0-9]+ [0-9]+ ?/, "", t)
      if (t != "") labels++
      if (($2, t) in seen) twice++
      seen[$2, t] = 1
    }
    END { print lines + 0, drawn + 0, labels + 0, twice + 0 }' \
    "$SCRATCH/facts" >"$SCRATCH/count"
  read -r _lines _drawn _labels _twice <"$SCRATCH/count"
  lc_expect "$_w: one label per line drawn ($_labels labels, $_drawn lines)" \
    test "$_lines" -gt 0 -a "$_drawn" = "$_lines" -a "$_labels" = "$_lines" \
         -a "$_twice" = 0

  # Each label, and its key sample, lies outside the box of the panel's
  # data points.
  awk '
    $1 == "line" {
      n = split($NF, q, ";")
      for (i = 1; i <= n; i++) {
        split(q[i], c, ",")
        if (!(($2) in x0) || c[1] < x0[$2]) x0[$2] = c[1]
        if (!(($2) in x1) || c[1] > x1[$2]) x1[$2] = c[1]
        if (!(($2) in y0) || c[2] < y0[$2]) y0[$2] = c[2]
        if (!(($2) in y1) || c[2] > y1[$2]) y1[$2] = c[2]
      }
      l[++m] = $2 " " $5 " " $6 " " $7 " " $8 " " $9 " " $10
    }
    function inside(p, x, y) {
      return x + 0 >= x0[p] && x + 0 <= x1[p] && y + 0 >= y0[p] && y + 0 <= y1[p]
    }
    END {
      for (i = 1; i <= m; i++) {
        split(l[i], v, " ")
        if (v[2] == "-" || v[4] == "-" || inside(v[1], v[2], v[3]) || inside(v[1], v[4], v[5]) \
            || inside(v[1], v[6], v[7])) bad++
      }
      exit bad > 0 || m == 0
    }' "$SCRATCH/facts"
  lc_expect "$_w: every label in a key outside the data" test $? = 0

  # Within a panel no two lines have the same points or the same colour.
  lc_expect "$_w: the lines of a panel differ in points and in colour" \
    test -z "$(awk '$1 == "line" {
                 if (($2, $NF) in pt || ($2, $4) in col) print
                 pt[$2, $NF] = 1; col[$2, $4] = 1 }' "$SCRATCH/facts")"

  lc_expect "$_w: the axes read \"satellite start\" and \"loop devices in use ($VOLUMES volumes)\"" \
    sh -c 'grep -qx "text satellite start" "$1" &&
           grep -qxF "text loop devices in use ($2 volumes)" "$1"' sh \
      "$SCRATCH/facts" "$VOLUMES"

  _missing=
  for _l in $(head -n 1 "$_tab" | tr '\t' '\n' | sed -n '2,$s/, [^,]*$//p' \
                | sort -u | tr ' ' '_'); do
    grep '^text ' "$SCRATCH/facts" | tr ' ' '_' | grep -qF -- "$_l" \
      || _missing="$_missing $_l"
  done
  lc_expect "$_w: names every layout of its table${_missing:+ (missing:$_missing)}" \
    test -z "$_missing"

  # Every line's points, read back through the y ticks of its panel, are
  # its table's figures: the util-linux line each "..., util-linux"
  # column, the other each "..., this program" column, of every layout
  # the panel shows (a panel per layout, in the table's order, or one for
  # all).
  awk -F '\t' -v facts="$SCRATCH/facts" '
    BEGIN {
      while ((getline f < facts) > 0) {
        split(f, a, " ")
        if (a[1] == "tick") {
          if (!(a[2] in v0)) { v0[a[2]] = a[3]; y0[a[2]] = a[4] }
          v1[a[2]] = a[3]; y1[a[2]] = a[4]
        } else if (a[1] == "line") {
          pts[a[2], a[3]] = a[11]; panels = a[2] > panels ? a[2] : panels
        } else if (a[1] == "label") {
          t = f; sub(/^label [0-9]+ [0-9]+ /, "", t); lab[a[2], a[3]] = t
          nplots[a[2]]++
        }
      }
    }
    NR == 1 {
      for (i = 2; i <= NF; i++) {
        name = $i; tool = name; sub(/, [^,]*$/, "", name); sub(/^.*, /, "", tool)
        if (!(name in at)) { at[name] = ++nl }
        col[at[name], tool] = i
      }
      next
    }
    { rows++; for (i = 2; i <= NF; i++) cell[rows, i] = $i }
    END {
      if (panels == 0) { print "no line read"; exit 1 }
      for (p = 1; p <= panels; p++) {
        if (y1[p] == y0[p]) { print "panel " p ": no y ticks read"; exit 1 }
        for (n = 1; n <= nplots[p]; n++) {
          tool = lab[p, n] ~ /util-linux/ ? "util-linux" : "this program"
          k = split(pts[p, n], q, ";")
          if (k != rows) { print "panel " p ", " lab[p, n] ": " k " points for " rows " starts"; bad++; continue }
          for (r = 1; r <= k; r++) {
            split(q[r], c, ",")
            v = v0[p] + (c[2] - y0[p]) * (v1[p] - v0[p]) / (y1[p] - y0[p])
            got[r] = int(v + 0.5)
            if (v - got[r] > 0.05 || got[r] - v > 0.05) { print "panel " p ", " lab[p, n] ": point " r " at " v; bad++ }
            if (r > 1 && c[1] + 0 <= prev) { print "panel " p ", " lab[p, n] ": points not left to right"; bad++ }
            prev = c[1] + 0
          }
          for (l = 1; l <= nl; l++) {
            if (panels > 1 && l != p) continue
            for (r = 1; r <= k; r++)
              if (got[r] != cell[r, col[l, tool]]) {
                print "panel " p ", " lab[p, n] ", start " r ": " got[r] " drawn, the table has " cell[r, col[l, tool]]
                bad++
              }
          }
        }
      }
      if (panels > 1 && panels != nl) { print panels " panels for " nl " layouts"; bad++ }
      exit bad > 0
    }' "$_tab" >"$SCRATCH/values"
  _st=$?
  lc_expect "$_w: the lines are its table's figures" test $_st = 0
  sed 's/^/  | /' "$SCRATCH/values"
}

check_chart "doc/leak.svg" "$CHART" "$SCRATCH/readme.tsv"

if ! command -v gnuplot >/dev/null 2>&1; then
  unsupported "the leak chart drawn now (needs gnuplot: Debian's gnuplot-nox)"
  exit 0
fi
if sh "$DRAW" "$TOP_SRCDIR/README.md" "$SCRATCH/now.svg" "$VOLUMES" \
     2>"$SCRATCH/draw.err"; then
  pass "tests/bench/leak-chart.sh draws README.md's table"
  check_chart "drawn from README.md now" "$SCRATCH/now.svg" "$SCRATCH/readme.tsv"
  lc_expect "drawn from README.md now: two lines, one per losetup, for the layouts alike" \
    test "$(grep -c '^line ' "$SCRATCH/facts")" = 2
else
  fail "tests/bench/leak-chart.sh draws README.md's table"
  lc_log_tail "$SCRATCH/draw.err"
fi

# Layouts that counted differently: one panel for each.
awk -F '\t' -v OFS='\t' 'NR > 2 { $5 = $5 + NR - 2 } { print }' \
  "$SCRATCH/readme.tsv" >"$SCRATCH/differ.tsv"
if sh "$DRAW" "$SCRATCH/differ.tsv" "$SCRATCH/differ.svg" "$VOLUMES" \
     2>"$SCRATCH/draw.err"; then
  pass "tests/bench/leak-chart.sh draws a table whose layouts differ"
  check_chart "layouts that differ" "$SCRATCH/differ.svg" "$SCRATCH/differ.tsv"
  _n=$(head -n 1 "$SCRATCH/differ.tsv" | awk -F '\t' '{ print (NF - 1) / 2 }')
  lc_expect "layouts that differ: a panel per layout, two lines each ($_n panels)" \
    test "$(awk '$1 == "line" { print $2 }' "$SCRATCH/facts" | uniq -c \
             | awk '$1 == 2 { n++ } END { print n + 0 }')" = "$_n"
else
  fail "tests/bench/leak-chart.sh draws a table whose layouts differ"
  lc_log_tail "$SCRATCH/draw.err"
fi
exit 0
