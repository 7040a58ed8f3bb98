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
# LEAK_SVG= to draw nothing, LEAK_STARTS and LEAK_VOLUMES to change the run.
EXTRA_DIST += tests/bench/leak.sh doc/leak.svg
LEAK_SVG = $(abs_top_srcdir)/doc/leak.svg
leak: src/losetup-container
	LOSETUP_CONTAINER=$(abs_top_builddir)/src/losetup-container \
	TESTS_BUILDDIR=$(abs_top_builddir)/tests \
	TESTS_SRCDIR=$(abs_top_srcdir)/tests \
	TOP_BUILDDIR=$(abs_top_builddir) TOP_SRCDIR=$(abs_top_srcdir) \
	LC_ALL=C LEAK_SVG="$(LEAK_SVG)" \
	  sh $(srcdir)/tests/bench/leak.sh

.PHONY: leak
