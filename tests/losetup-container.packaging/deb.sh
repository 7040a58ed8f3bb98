#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# deb.sh -- the Debian package, end to end.
#
# Builds the package (tests/lib/deb-build.sh, which keeps it in the cache
# for the runtime tests) with "dpkg-buildpackage -us -uc -b" from a clean copy
# of the source (what git tracks, plus untracked files it does not ignore)
# inside a Debian 12 root that holds nothing but minbase and the
# Build-Depends, so that a missing Build-Depends fails here.  Then lintian
# on the result, then, in throwaway Debian 12 (mount ships /sbin/losetup)
# and Debian 13 (mount ships /usr/sbin/losetup) roots made by debootstrap:
# an installation that fails after preinst (undone by postrm abort-install),
# install, reinstall, reinstall "mount", upgrade "mount" to a build that
# ships /usr/sbin/losetup, remove, purge, install again, purge, each stage
# followed by the checks in expect_installed or expect_removed.
#
# Every expectation comes from dpkg and util-linux themselves: which name
# "mount" registers, what "dpkg-divert --truename" answers, "dpkg --verify",
# util-linux losetup's --version output recorded before the package came,
# and the file tree recorded before it came.
#
# The debootstrap roots are cached between runs by tests/lib/roots.sh
# (they need the archive only when made); the test never changes the
# cached copies, it works on copies of them in $SCRATCH.  Mounts (a /proc for each chroot) live in private
# mount namespaces that end with the command, so nothing is left mounted.
#
# Environment:
#   LOSETUP_CONTAINER_SKIP_PACKAGING_TESTS  set: report UNSUPPORTED and stop
#     (debian/rules sets it, so that a package build never runs this)
#   LOSETUP_CONTAINER_TEST_CACHE   the cache (/var/cache/losetup-container-tests)
#   LOSETUP_CONTAINER_TEST_MIRROR  the archive (http://deb.debian.org/debian)
#   LOSETUP_CONTAINER_TEST_SUITES  the roots to test in ("bookworm trixie")
#   LOSETUP_CONTAINER_TEST_MAX_AGE days before a cached root is made again (30)

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/roots.sh"
. "$TESTS_SRCDIR/lib/deb-build.sh"

WHAT="Debian package"
if [ -n "${LOSETUP_CONTAINER_SKIP_PACKAGING_TESTS:-}" ]; then
  unsupported "$WHAT (LOSETUP_CONTAINER_SKIP_PACKAGING_TESTS is set)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  unsupported "$WHAT (needs root for debootstrap and chroot)"
  exit 0
fi
missing=$(roots_missing lintian git dpkg-deb dpkg-divert md5sum)
if [ -n "$missing" ]; then
  unsupported "$WHAT (missing:$missing)"
  exit 0
fi
if ! unshare -m true 2>/dev/null; then
  unsupported "$WHAT (unshare -m is not permitted here)"
  exit 0
fi
: "${TOP_SRCDIR:?run through make check}"
if ! deb_from_git; then
  unsupported "$WHAT ($TOP_SRCDIR is not the top of a git checkout: the package is built from one)"
  exit 0
fi

SUITES=${LOSETUP_CONTAINER_TEST_SUITES:-bookworm trixie}

lc_init
pkg_cleanup() {
  roots_cleanup
  lc_cleanup
}
trap pkg_cleanup EXIT

# Each chroot gets a /proc of its own, in a mount namespace of its own.
mkdir "$SCRATCH/proc-probe"
if ! unshare -m --propagation private -- \
     mount -t proc lc-proc "$SCRATCH/proc-probe" 2>/dev/null; then
  unsupported "$WHAT (cannot mount /proc in a new mount namespace here)"
  exit 0
fi

LOG=$SCRATCH/log
ROOTS_LOG=$LOG
mkdir "$LOG" "$SCRATCH/roots" "$SCRATCH/deb"
T0=$(date +%s)
# elapsed WHAT: a timing line for the log.
elapsed() { echo "time: $1 at $(( $(date +%s) - T0 ))s"; }

# ------------------------------------------------------------- the cache
# Held for the whole run: the package test copies roots and may make the
# build root at any time.
roots_lock || exit 0

# -------------------------------------------------------------- building
roots_get_or_end "$WHAT" "make the $BUILD_SUITE build root (debootstrap, Build-Depends)" \
  deb_build_root
BROOT=$GOT
elapsed "build root ready"

if deb_build "$BROOT" "$SCRATCH/deb"; then
  pass "$WHAT: dpkg-buildpackage -us -uc -b in a $BUILD_SUITE root with only the Build-Depends"
else
  fail "$WHAT: dpkg-buildpackage -us -uc -b in a $BUILD_SUITE root with only the Build-Depends"
  exit 0
fi
elapsed "package built"
# The runtime tests install this very package in images: kept for them.
deb_store "$SCRATCH/deb" || echo "could not keep the package in $CACHE"
DEB=$(ls "$SCRATCH"/deb/${PKG}_*_"$ARCH".deb 2>/dev/null | head -n 1)
if [ -z "$DEB" ]; then
  fail "$WHAT: the build made ${PKG}_*_$ARCH.deb"
  exit 0
fi
echo "built: $(basename "$DEB")"

# What the package holds, as dpkg-deb reads it.
dpkg-deb --contents "$DEB" >"$LOG/contents"
lc_log_tail "$LOG/contents" 100
for f in ./usr/sbin/losetup-container ./usr/share/man/man8/losetup-container.8.gz; do
  lc_expect "$WHAT: ships ${f#.}" grep -q " $f\$" "$LOG/contents"
done
lc_expect "$WHAT: ships /usr/sbin/losetup as a link to losetup-container" \
  grep -q ' ./usr/sbin/losetup -> losetup-container$' "$LOG/contents"
lc_expect "$WHAT: ships nothing under /sbin or /bin (merged /usr)" \
  sh -c "! grep -Eq ' \./s?bin/' '$LOG/contents'"
# The libraries opened with dlopen(), from the program's .note.dlopen
# (debian/rules), as dependencies beside the ones linked.
depends=$(dpkg-deb -f "$DEB" Depends)
echo "Depends: $depends"
for p in libmount1 libsmartcols1; do
  lc_expect "$WHAT: depends on $p, which the program dlopen()s" \
    sh -c 'printf "%s\n" "$1" | tr "," "\n" | grep -qx " *$2\( (.*)\)\? *"' \
    sh "$depends" "$p"
done

CHANGES=$(ls "$SCRATCH"/deb/*.changes | head -n 1)
if lintian --fail-on error "$CHANGES" >"$LOG/lintian" 2>&1; then
  pass "$WHAT: lintian reports no error"
else
  fail "$WHAT: lintian reports no error"
fi
echo "lintian:"; lc_log_tail "$LOG/lintian" 50
elapsed "lintian done"

# ----------------------------------------------------- in throwaway roots
# The checks below run in the root $R of suite $S.
R=
S=

t() { roots_run "$R" "$@"; }

# ul_name: prints the name under which "mount" registers losetup.
ul_name() {
  t dpkg-query -L mount | grep -x -e /sbin/losetup -e /usr/sbin/losetup
}

# snapshot: prints the file tree of /usr and /etc (name, type, link, mode).
snapshot() {
  t sh -c 'find /usr /etc -xdev -printf "%p %y %l %m\n" | sort'
}

# verify PACKAGE STAGE: "dpkg --verify PACKAGE" finds nothing amiss.
verify() {
  _out=$(t dpkg --verify "$1" 2>&1)
  _st=$?
  if [ $_st -eq 0 ] && [ -z "$_out" ]; then
    pass "$S, $2: dpkg --verify $1 finds every file intact"
  else
    fail "$S, $2: dpkg --verify $1 finds every file intact"
    printf '%s\n' "$_out" | sed 's/^/  | /'
  fi
}

# step DESCRIPTION COMMAND...: runs an apt or dpkg command in the root;
# a check that it succeeds.
step() {
  _desc=$1; shift
  echo "$S: $*"
  if t "$@" >"$LOG/$S.step" 2>&1; then
    pass "$S, $_desc succeeds"
  else
    fail "$S, $_desc succeeds"
    lc_log_tail "$LOG/$S.step"
  fi
}

# expect_installed STAGE: the wrapper stands in front of util-linux losetup.
expect_installed() {
  _stage=$1
  lc_expect "$S, $_stage: $PKG is installed" \
    test "$(t dpkg-query -W -f '${db:Status-Abbrev}' "$PKG" 2>/dev/null)" = "ii "
  for n in /usr/sbin/losetup /sbin/losetup; do
    lc_expect "$S, $_stage: $n resolves to /usr/sbin/losetup-container" \
      test "$(t readlink -f "$n")" = /usr/sbin/losetup-container
  done
  # util-linux exits 0 here whatever the variable says; the wrapper
  # pointed at a missing original exits 127.
  _st=$(t sh -c 'LOSETUP_CONTAINER_ORIGINAL_LOSETUP=/nonexistent losetup --version >/dev/null 2>&1; echo $?')
  lc_expect "$S, $_stage: losetup found on PATH is the wrapper" test "$_st" = 127

  t dpkg-divert --list | grep losetup | sort >"$SCRATCH/div"
  cat >"$SCRATCH/div.want" <<EOF
diversion of /sbin/losetup to /usr/sbin/losetup.usr-is-merged by $PKG
diversion of /usr/sbin/losetup to /usr/sbin/losetup.distrib by $PKG
EOF
  if cmp -s "$SCRATCH/div.want" "$SCRATCH/div"; then
    pass "$S, $_stage: both names diverted, each to its own target"
  else
    fail "$S, $_stage: both names diverted, each to its own target"
    sed 's/^/  | /' "$SCRATCH/div"
  fi

  _name=$(ul_name)
  _true=$(t dpkg-divert --truename "$_name")
  lc_expect "$S, $_stage: mount's $_name is a file at its diversion target $_true" \
    t sh -c "test -f '$_true' && ! test -L '$_true'"
  verify mount "$_stage"
  verify "$PKG" "$_stage"
  lc_same_as_before "$SCRATCH/version.ul" \
    "$S, $_stage: losetup --version passes through to util-linux" t losetup --version
  lc_same_as_before "$SCRATCH/version.ul" \
    "$S, $_stage: /sbin/losetup --version passes through to util-linux" t /sbin/losetup --version
  t losetup-container --version >"$SCRATCH/lcv" 2>&1
  lc_expect "$S, $_stage: losetup-container --version names $_true as the original" \
    grep -qx "Original losetup: $_true" "$SCRATCH/lcv"
}

# expect_removed STAGE: util-linux losetup is back, nothing of ours is left.
expect_removed() {
  _stage=$1
  _status=$(t dpkg-query -W -f '${db:Status-Status}' "$PKG" 2>/dev/null)
  case $_status in
    ''|not-installed|config-files) pass "$S, $_stage: $PKG is not installed" ;;
    *) fail "$S, $_stage: $PKG is not installed (status: $_status)" ;;
  esac
  lc_expect "$S, $_stage: no diversion of losetup is left" \
    test -z "$(t dpkg-divert --list '*losetup*')"
  for n in /usr/sbin/losetup /sbin/losetup; do
    lc_expect "$S, $_stage: $n is a file again, not a link" \
      t sh -c "test -f $n && ! test -L $n"
  done
  verify mount "$_stage"
  lc_same_as_before "$SCRATCH/version.ul" \
    "$S, $_stage: losetup --version is util-linux's" t losetup --version
  snapshot >"$SCRATCH/tree.now"
  if cmp -s "$SCRATCH/tree.before" "$SCRATCH/tree.now"; then
    pass "$S, $_stage: /usr and /etc are as before the installation"
  else
    fail "$S, $_stage: /usr and /etc are as before the installation"
    diff "$SCRATCH/tree.before" "$SCRATCH/tree.now" | sed 's/^/  | /'
  fi
}

# rebuild_mount: makes /tmp/lc/mount-next.deb in the root: the root's own
# "mount" with a higher version and losetup shipped as /usr/sbin/losetup,
# as Debian 13 ships it.  On Debian 12 this is the upgrade that DEP17
# warns about: the name registered for losetup changes.
rebuild_mount() {
  _orig=$(ls "$R"/var/cache/apt/archives/mount_*.deb 2>/dev/null | head -n 1)
  [ -n "$_orig" ] || return 1
  _x=$SCRATCH/mount-next
  rm -rf "$_x"
  dpkg-deb -R "$_orig" "$_x" || return 1
  if [ -e "$_x/sbin/losetup" ]; then
    mkdir -p "$_x/usr/sbin"
    mv "$_x/sbin/losetup" "$_x/usr/sbin/losetup"
    sed -i 's| sbin/losetup$| usr/sbin/losetup|' "$_x/DEBIAN/md5sums"
  fi
  sed -i 's/^Version: .*/&+lc1/' "$_x/DEBIAN/control"
  dpkg-deb -b "$_x" "$R/tmp/lc/mount-next.deb" >/dev/null
}

# clashing_deb: makes /tmp/lc/clash.deb in the root: the package with one
# more file, which belongs to "mount".  dpkg refuses to overwrite it after
# preinst has run, and then calls "postrm abort-install".
clashing_deb() {
  _x=$SCRATCH/clash
  rm -rf "$_x"
  dpkg-deb -R "$DEB" "$_x" || return 1
  mkdir -p "$_x/usr/share/doc/mount"
  cp "$R/usr/share/doc/mount/copyright" "$_x/usr/share/doc/mount/" || return 1
  dpkg-deb -b "$_x" "$R/tmp/lc/clash.deb" >/dev/null
}

# scenario SUITE: everything above, in a copy of SUITE's cached root.
scenario() {
  S=$1
  roots_cached "$S"
  case $? in
    0) _base=$GOT ;;
    2) unsupported "$S: $GOT"; return ;;
    *) fail "$S: debootstrap --variant=minbase $S"; return ;;
  esac
  elapsed "$S root ready"
  R=$SCRATCH/roots/$S
  cp -a "$_base" "$R"
  mkdir -p "$R/tmp/lc"
  cp "$DEB" "$R/tmp/lc/"
  chmod -R a+rX "$R/tmp/lc"
  _deb=/tmp/lc/$(basename "$DEB")

  # The facts before the package comes.
  _name=$(ul_name)
  lc_expect "$S: mount registers losetup under one name ($_name)" \
    test -n "$_name" -a "$(printf '%s\n' "$_name" | wc -l)" -eq 1
  { t losetup --version 2>&1; echo "status $?"; } >"$SCRATCH/version.ul"
  lc_expect "$S: losetup --version is util-linux's before the installation" \
    grep -q util-linux "$SCRATCH/version.ul"
  snapshot >"$SCRATCH/tree.before"

  if clashing_deb; then
    t dpkg -i /tmp/lc/clash.deb >"$LOG/$S.clash" 2>&1
    _st=$?
    if [ $_st -ne 0 ] && grep -q "trying to overwrite '/usr/share/doc/mount/copyright'" \
         "$LOG/$S.clash"; then
      pass "$S, failed install: dpkg -i stops at a file of mount's"
    else
      fail "$S, failed install: dpkg -i stops at a file of mount's (status $_st)"
      lc_log_tail "$LOG/$S.clash"
    fi
    expect_removed "failed install undone"
  else
    fail "$S: make a copy of the package that clashes with mount"
  fi

  step "install: apt-get install ./$PKG.deb" apt-get install -y "$_deb"
  expect_installed "installed"

  step "reinstall: apt-get install --reinstall ./$PKG.deb" \
    apt-get install -y --reinstall "$_deb"
  expect_installed "reinstalled"

  step "mount reinstalled: apt-get install --reinstall mount" \
    apt-get install -y --reinstall mount
  expect_installed "mount reinstalled"

  if rebuild_mount; then
    step "mount upgraded: dpkg -i mount (a higher version)" \
      dpkg -i /tmp/lc/mount-next.deb
    lc_expect "$S, mount upgraded: mount registers /usr/sbin/losetup now" \
      test "$(ul_name)" = /usr/sbin/losetup
    expect_installed "mount upgraded"
  else
    fail "$S: rebuild mount with a higher version"
  fi

  step "remove: apt-get remove $PKG" apt-get remove -y "$PKG"
  expect_removed "removed"

  step "purge: apt-get purge $PKG" apt-get purge -y "$PKG"
  expect_removed "purged"
  lc_expect "$S, purged: dpkg keeps no file of $PKG" \
    test -z "$(ls "$R"/var/lib/dpkg/info/"$PKG".* 2>/dev/null)"

  step "install after purge: apt-get install ./$PKG.deb" \
    apt-get install -y "$_deb"
  expect_installed "installed after purge"

  step "purge from installed: apt-get purge $PKG" apt-get purge -y "$PKG"
  expect_removed "purged from installed"

  rm -rf "$R"
  elapsed "$S done"
}

for suite in $SUITES; do
  scenario "$suite"
done
exit 0
