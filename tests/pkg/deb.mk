# tests/pkg/deb.mk: the Debian packaging test.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/scripts/pkg-deb.sh (distributed with tests/scripts) builds the
# package from debian/ and runs it through install, upgrade and removal in
# debootstrap roots; tests/losetup-container.packaging/deb.exp runs it.
# debian/ itself is distributed from Makefile.am.

EXTRA_DIST += tests/losetup-container.packaging/deb.exp
