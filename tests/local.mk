# tests/local.mk: the DejaGnu suite and the programs it drives.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# "make check" runs runtest over tests/losetup-container.*/ with the tool
# init file tests/lib/losetup-container.exp, which also sets the locale
# (the suite lives in tests/, not testsuite/, so DejaGnu's config/ lookup
# does not apply: no config/unix.exp is needed).  Tests that need root and
# loop devices report UNSUPPORTED elsewhere.
#
# Layout: tests/losetup-container.AREA/ holds an area's .exp files and the
# scripts they run, beside them (lc_script: X.exp runs X.sh, or lc_unit:
# tests/unit/test-X); tests/unit/ the unit test
# programs (lc_unit); tests/lib/ the shared helpers, Tcl and shell;
# tests/helpers/ the helper programs below.

DEJATOOL = losetup-container
RUNTESTDEFAULTFLAGS = --tool losetup-container --srcdir $(srcdir)/tests
AM_RUNTESTFLAGS = \
  LOSETUP_CONTAINER=$(abs_top_builddir)/src/losetup-container \
  TESTS_BUILDDIR=$(abs_top_builddir)/tests \
  TESTS_SRCDIR=$(abs_top_srcdir)/tests \
  TOP_BUILDDIR=$(abs_top_builddir) \
  TOP_SRCDIR=$(abs_top_srcdir)

# Automake's DejaGnu rule only warns when runtest is missing; a check that
# ran nothing must not pass.
check-local: check-runtest-present
check-runtest-present:
	@if ! $(SHELL) -c '$(RUNTEST) --version' >/dev/null 2>&1; then \
	  echo "error: '$(RUNTEST)' (DejaGnu) not found: the test suite cannot run." >&2; \
	  echo "error: install it (Debian: apt-get install dejagnu)." >&2; \
	  exit 1; \
	fi
.PHONY: check-runtest-present

# Unit tests of the pure units (no root needed).
check_PROGRAMS += tests/unit/test-detect tests/unit/test-resolve \
  tests/unit/test-loopdev
tests_unit_test_detect_SOURCES = tests/unit/test-detect.c tests/unit/check.h
tests_unit_test_detect_CPPFLAGS = $(src_libcore_a_CPPFLAGS) -I$(top_srcdir)/src
tests_unit_test_detect_LDADD = src/libcore.a lib/libgnu.a $(LIBINTL)
tests_unit_test_resolve_SOURCES = tests/unit/test-resolve.c tests/unit/check.h
tests_unit_test_resolve_CPPFLAGS = $(src_libcore_a_CPPFLAGS) -I$(top_srcdir)/src
tests_unit_test_resolve_LDADD = src/libcore.a lib/libgnu.a $(LIBINTL)
tests_unit_test_loopdev_SOURCES = tests/unit/test-loopdev.c tests/unit/check.h
tests_unit_test_loopdev_CPPFLAGS = $(src_libcore_a_CPPFLAGS) -I$(top_srcdir)/src
tests_unit_test_loopdev_LDADD = src/libcore.a lib/libgnu.a $(LIBINTL)

# Helpers: a stand-in original losetup, a compiled shim that may lead
# back to the wrapper, and a loop attacher that sets lo_file_name the way
# container runtimes do.
check_PROGRAMS += tests/helpers/fake-original tests/helpers/exec-shim \
  tests/helpers/loop-attach tests/helpers/loop-remove
tests_helpers_fake_original_SOURCES = tests/helpers/fake-original.c
tests_helpers_exec_shim_SOURCES = tests/helpers/exec-shim.c
tests_helpers_loop_attach_SOURCES = tests/helpers/loop-attach.c
tests_helpers_loop_remove_SOURCES = tests/helpers/loop-remove.c
# Plain C, no gnulib: they stand for programs outside this project.
tests_helpers_fake_original_CPPFLAGS =
tests_helpers_exec_shim_CPPFLAGS =
tests_helpers_loop_attach_CPPFLAGS =
tests_helpers_loop_remove_CPPFLAGS =
# And three that set up a container's limits for the listing: a filter
# without close_range, many inherited descriptors, many unbound loop
# devices (tests/losetup-container.hardening/limits-*.sh).
check_PROGRAMS += tests/helpers/no-close-range tests/helpers/fd-leak \
  tests/helpers/loop-nodes
tests_helpers_no_close_range_SOURCES = tests/helpers/no-close-range.c
tests_helpers_fd_leak_SOURCES = tests/helpers/fd-leak.c
tests_helpers_loop_nodes_SOURCES = tests/helpers/loop-nodes.c
tests_helpers_no_close_range_CPPFLAGS =
tests_helpers_fd_leak_CPPFLAGS =
tests_helpers_loop_nodes_CPPFLAGS =
# And one that lets the scripts ask src/ulversions.c's table.
check_PROGRAMS += tests/helpers/ul-has
tests_helpers_ul_has_SOURCES = tests/helpers/ul-has.c
tests_helpers_ul_has_CPPFLAGS = $(src_libcore_a_CPPFLAGS) -I$(top_srcdir)/src
tests_helpers_ul_has_LDADD = src/libcore.a lib/libgnu.a $(LIBINTL)

# A FUSE server that stops answering, built only where libfuse 3 is found
# (tests/losetup-container.hardening/silent-fuse.sh reports UNSUPPORTED
# without it).
if HAVE_FUSE3
check_PROGRAMS += tests/helpers/silent-fuse
tests_helpers_silent_fuse_SOURCES = tests/helpers/silent-fuse.c
tests_helpers_silent_fuse_CPPFLAGS =
tests_helpers_silent_fuse_CFLAGS = $(FUSE3_CFLAGS)
tests_helpers_silent_fuse_LDADD = $(FUSE3_LIBS)
endif

# Whole folders: each area's .exp files and the scripts beside them, and
# the shared helpers in tests/lib.
EXTRA_DIST += \
  tests/lib \
  tests/losetup-container.cli \
  tests/losetup-container.detect \
  tests/losetup-container.docs \
  tests/losetup-container.hardening \
  tests/losetup-container.listing \
  tests/losetup-container.packaging \
  tests/losetup-container.passthrough \
  tests/losetup-container.resolve \
  tests/losetup-container.runtime \
  tests/losetup-container.versions \
  tests/losetup-container.arch

# The packages tests/losetup-container.arch builds for other
# architectures, kept for the next run of the same source.
clean-local: clean-arch-debs
clean-arch-debs:
	rm -rf tests/arch-debs
.PHONY: clean-arch-debs
