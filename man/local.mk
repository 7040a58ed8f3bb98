# man/local.mk: the man page's checks. SPDX-License-Identifier: GPL-3.0-or-later
#
# The page itself, man/losetup-container.8, is hand-written roff listed in
# Makefile.am as dist_man_MANS: "make install" puts it in $(mandir)/man8
# and "make dist" ships it as it is.  Its tests (and those of the German
# catalog) are DejaGnu tests under tests/losetup-container.docs/, run by
# "make check" with the rest of the suite and shipped by tests/local.mk.

# The installation directories as this build expands them, for the docs
# tests: they check where the page installs and need the directory the
# program loads its message catalogs from (LOCALEDIR).
lc-print-docs-dirs:
	@echo 'mandir=$(mandir)'
	@echo 'localedir=$(localedir)'
.PHONY: lc-print-docs-dirs
