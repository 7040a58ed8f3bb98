# SPDX-License-Identifier: GPL-3.0-or-later
# tests/lib/leak-table.awk -- prints, tab-separated, the first Markdown
# table whose header starts "| satellite start |" (README's leak table,
# or the one make leak prints), header row included.  Read by
# tests/bench/leak-chart.sh, which draws the chart, and by
# tests/losetup-container.docs/leak-chart.sh, which checks it.
!on && /^\| *satellite start *\|/ { on = 1 }
on && !/^\|/ { exit }
on && /^\|[-:| ]+\|$/ { next }
on {
  line = $0
  sub(/^\| */, "", line); sub(/ *\|$/, "", line)
  gsub(/ *\| */, "\t", line)
  print line
}
