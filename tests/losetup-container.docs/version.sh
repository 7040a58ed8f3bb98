#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# version.sh -- one version: AC_INIT's in configure.ac, as config.h
# has it, is the one --version prints, the man page's .TH line carries,
# the RPM spec builds and debian/changelog's newest entry packages.
#
# Run by tests/losetup-container.docs/version.exp; results on stdout, one a
# line (see tests/lib/lib.sh).

. "$TESTS_SRCDIR/lib/lib.sh"
: "${TOP_SRCDIR:?run through make check}"
: "${TOP_BUILDDIR:?run through make check}"
lc_init

# The source of truth, read from configure.ac itself as well as from the
# config.h it made, so that a stale build tree is caught too.
want=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' \
         "$TOP_SRCDIR/configure.ac")
built=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' \
          "$TOP_BUILDDIR/config.h")
if [ -z "$want" ]; then
  fail "configure.ac's AC_INIT names a version"
  exit 0
fi
lc_expect "config.h has configure.ac's version $want (got '$built')" \
  test "$built" = "$want"

got=$(LC_ALL=C "$LC" --version | sed -n '1s/.* //p')
lc_expect "--version prints $want (got '$got')" test "$got" = "$want"

th=$(grep '^\.TH ' "$TOP_BUILDDIR/man/losetup-container.8")
got=$(printf '%s\n' "$th" | sed -n 's/.*"losetup\\-container \([^"]*\)".*/\1/p')
lc_expect "the built man page's .TH line is for $want (got '$got')" \
  test "$got" = "$want"

got=$(sed -n '1s/^losetup-container (\([^)-]*\)-[^)]*).*/\1/p' \
        "$TOP_SRCDIR/debian/changelog")
lc_expect "debian/changelog's newest entry is for $want (got '$got')" \
  test "$got" = "$want"

spec=$TOP_BUILDDIR/losetup-container.spec
got=$(sed -n 's/^Version: *//p' "$spec" 2>/dev/null)
lc_expect "the RPM spec's Version is $want (got '$got')" test "$got" = "$want"
lc_expect "the RPM spec's newest %changelog entry is for $want" \
  sh -c 'sed -n "/^%changelog/{n;p;q}" "$1" | grep -q -- " - $2-[0-9]"' \
  sh "$spec" "$want"
