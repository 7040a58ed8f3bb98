# man/local.mk: the man page, made and checked. SPDX-License-Identifier: GPL-3.0-or-later
#
# The page is hand-written roff, man/losetup-container.8.in.  The build
# makes man/losetup-container.8 from it, putting in what is written once
# elsewhere: the version (configure.ac's AC_INIT), the copyright year
# (configure.ac's LC_COPYRIGHT_YEAR) and the date, that of
# SOURCE_DATE_EPOCH when it is set (package builds set it), else the day
# the .in file was last changed, so that the same source makes the same
# page.  "make install" puts the page in $(mandir)/man8.  Its tests (and
# those of the German catalog) are DejaGnu tests under
# tests/losetup-container.docs/, run by "make check" with the rest of the
# suite and shipped by tests/local.mk.

man_MANS = man/losetup-container.8
EXTRA_DIST += man/losetup-container.8.in
MOSTLYCLEANFILES += man/losetup-container.8

man/losetup-container.8: man/losetup-container.8.in Makefile
	$(AM_V_GEN)$(MKDIR_P) man && \
	in=$(srcdir)/man/losetup-container.8.in && \
	epoch=$${SOURCE_DATE_EPOCH:-$$(stat -c %Y "$$in")} && \
	day=$$(LC_ALL=C date -u -d "@$$epoch" +%Y-%m-%d) && \
	sed -e 's/@''PACKAGE_VERSION''@/$(PACKAGE_VERSION)/g' \
	    -e 's/@''LC_COPYRIGHT_YEAR''@/$(LC_COPYRIGHT_YEAR)/g' \
	    -e 's/@''MAN_DATE''@/'"$$day"'/g' "$$in" >$@-t && \
	mv $@-t $@
# (The @''NAME''@ quoting keeps config.status from replacing the names.)

# The installation directories as this build expands them, for the docs
# tests: they check where the page installs and need the directory the
# program loads its message catalogs from (LOCALEDIR).
lc-print-docs-dirs:
	@echo 'mandir=$(mandir)'
	@echo 'localedir=$(localedir)'
.PHONY: lc-print-docs-dirs
