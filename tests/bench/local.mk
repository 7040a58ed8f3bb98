# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/local.mk: "make bench", the speed benchmark.
#
# A benchmark, not a test: "make check" never runs it.  It needs root,
# /dev/loop-control, hyperfine, strace and perl; tests/bench/README says
# how to read its tables.  Settings pass through the environment, e.g.
#   make bench BENCH_SIZES="8 256"   or   BENCH_LIST_RUNS=80 make bench

EXTRA_DIST += tests/bench/bench.sh tests/bench/README

bench: src/losetup-container
	LOSETUP_CONTAINER=$(abs_top_builddir)/src/losetup-container \
	CC="$(CC)" \
	  bash $(srcdir)/tests/bench/bench.sh

.PHONY: bench
