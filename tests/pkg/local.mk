# tests/pkg/local.mk: what the packaging tests need besides debian/ and
# the spec (both shipped by Makefile.am) and their scripts.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/scripts/pkg-deb.sh builds the Debian package from debian/ and runs
# it through install, upgrade and removal in debootstrap roots.
# tests/scripts/pkg-rpm.sh builds the package from "make dist" with
# "rpmbuild -ta" and runs its scriptlets in throwaway rpm roots made of the
# stand-in packages in tests/pkg/rpm/.  Their specs are named *.spec.in:
# "rpmbuild -ta" reads every *.spec in the tarball, and there must be only
# the package's own.

EXTRA_DIST += \
  tests/pkg/rpm/alternatives.sh \
  tests/pkg/rpm/alternatives.spec.in \
  tests/pkg/rpm/base.spec.in \
  tests/pkg/rpm/util-linux-core.spec.in
