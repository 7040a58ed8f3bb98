#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# configure.sh -- configure's own checks: a missing util-linux library is
# named with its Debian and Fedora packages, and --with-original-losetup
# takes an absolute path only.

. "$TESTS_SRCDIR/lib/lib.sh"
lc_init

if [ ! -x "$TOP_SRCDIR/configure" ]; then
  unsupported "configure checks (no configure script in $TOP_SRCDIR)"
  exit 0
fi
cd "$SCRATCH" || exit 1
# configure will not build out of a source tree configured in place (CI,
# rpmbuild and dpkg-buildpackage build in the source tree): use a copy
# without config.status then.
if [ -f "$TOP_SRCDIR/config.status" ]; then
  cp -R "$TOP_SRCDIR" "$SCRATCH/src" && rm -f "$SCRATCH/src/config.status" \
    || exit 1
  TOP_SRCDIR=$SCRATCH/src
fi

# pkg-config that knows no module: the first library checked is missing.
cat >"$SCRATCH/no-pkg-config" <<'SH'
#!/bin/sh
case $1 in --version) echo 0.29.2 ;; --atleast-pkgconfig-version) exit 0 ;; esac
exit 1
SH
chmod +x "$SCRATCH/no-pkg-config"
"$TOP_SRCDIR/configure" PKG_CONFIG="$SCRATCH/no-pkg-config" \
  >"$SCRATCH/c1.out" 2>"$SCRATCH/c1.err"
lc_expect "missing libsmartcols: configure fails" test $? -ne 0
lc_expect "missing libsmartcols: names the Debian package" \
  grep -q "libsmartcols-dev (Debian" "$SCRATCH/c1.err"
lc_expect "missing libsmartcols: names the Fedora package" \
  grep -q "libsmartcols-devel (Fedora" "$SCRATCH/c1.err"

"$TOP_SRCDIR/configure" --with-original-losetup=sbin/losetup \
  >"$SCRATCH/c2.out" 2>"$SCRATCH/c2.err"
lc_expect "--with-original-losetup refuses a relative path" test $? -ne 0
lc_expect "--with-original-losetup says why" \
  grep -q "needs an absolute path" "$SCRATCH/c2.err"
exit 0
