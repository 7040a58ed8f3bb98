# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/local.mk: "make bench", the speed benchmark.
#
# A benchmark, not a test: "make check" never runs it.  It needs root,
# /dev/loop-control, hyperfine, strace and perl; tests/bench/README says
# how to read its tables.  Settings pass through the environment, e.g.
#   make bench BENCH_SIZES="8 256"   or   BENCH_LIST_RUNS=80 make bench

EXTRA_DIST += tests/bench/bench.sh tests/bench/README \
	tests/bench/launch.c tests/bench/Launch.java

bench: src/losetup-container
	LOSETUP_CONTAINER=$(abs_top_builddir)/src/losetup-container \
	CC="$(CC)" \
	  bash $(srcdir)/tests/bench/bench.sh

.PHONY: bench

# "make leak": the loop devices a LINSTOR satellite leaks across restarts,
# with util-linux's losetup and with this program, under podman and runc
# (tests/bench/leak.sh).  Redraws doc/leak.svg in the source tree; set
# LEAK_SVG= to draw nothing, LEAK_TABLE=FILE to keep the table (tab-
# separated), LEAK_STARTS and LEAK_VOLUMES to change the run.
# "make leak-chart" only draws (tests/bench/leak-chart.sh): doc/leak.svg
# from the table in README.md, or from LEAK_FROM (a kept table) into
# LEAK_SVG.
EXTRA_DIST += tests/bench/leak.sh tests/bench/leak-chart.sh doc/leak.svg
LEAK_SVG = $(abs_top_srcdir)/doc/leak.svg
LEAK_TABLE =
LEAK_FROM = $(abs_top_srcdir)/README.md
leak: src/losetup-container
	LOSETUP_CONTAINER=$(abs_top_builddir)/src/losetup-container \
	TESTS_BUILDDIR=$(abs_top_builddir)/tests \
	TESTS_SRCDIR=$(abs_top_srcdir)/tests \
	TOP_BUILDDIR=$(abs_top_builddir) TOP_SRCDIR=$(abs_top_srcdir) \
	LC_ALL=C LEAK_SVG="$(LEAK_SVG)" LEAK_TABLE="$(LEAK_TABLE)" \
	  sh $(srcdir)/tests/bench/leak.sh

leak-chart:
	LC_ALL=C sh $(srcdir)/tests/bench/leak-chart.sh "$(LEAK_FROM)" "$(LEAK_SVG)" "$${LEAK_VOLUMES:-3}"

.PHONY: leak leak-chart
