#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# rpm.sh -- the RPM package (losetup-container.spec.in).
#
# Builds the release tarball with "make dist" and the packages with
# "rpmbuild -ta" on it, reads the scriptlets back from the binary package,
# then runs them for real: rpm installs into throwaway roots (rpm --root,
# which runs every scriptlet chrooted there) made of stand-in packages from
# rpm/ beside this script -- a base with a static busybox as /bin/sh and core
# commands, an "alternatives" that keeps state and links the way Fedora's
# does, and a "util-linux-core" owning a fake /usr/sbin/losetup -- and the
# files are checked after each install, util-linux update and erase.
# Expectations come from rpm's database (owners, file digests, rpm -V) and
# the file system, never from losetup-container's own output.
#
# Debian's rpm has an empty database, so no BuildRequires (pkgconfig(...),
# gcc, dejagnu) can be resolved there: rpmbuild runs with --nodeps, and the
# tools come from Debian's packages instead.  losetup-container itself is
# installed with --nodeps too (its libraries are not in the test roots).
# As root, rpmbuild runs as nobody, as build systems (mock, koji, OBS) run
# it: the package's %check then runs the suite unprivileged.  That %check
# sets LOSETUP_CONTAINER_SKIP_PACKAGING_TESTS, which makes this script (and
# the other packaging tests) stand aside instead of recursing.

. "$TESTS_SRCDIR/lib/lib.sh"

if [ -n "${LOSETUP_CONTAINER_SKIP_PACKAGING_TESTS:-}" ]; then
  unsupported "rpm packaging (LOSETUP_CONTAINER_SKIP_PACKAGING_TESTS is set, as inside a package build)"
  exit 0
fi
# A backstop should the variable ever be lost: rpmbuild exports this to its
# build scripts.  (The check on %check's log below still fails then.)
if [ -n "${RPM_BUILD_ROOT:-}" ]; then
  unsupported "rpm packaging (inside rpmbuild)"
  exit 0
fi
: "${TOP_BUILDDIR:?run through make check}"
for tool in rpmbuild rpm make tar xz timeout; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    unsupported "rpm packaging ($tool not found; Debian: apt-get install rpm xz-utils)"
    exit 0
  fi
done

lc_init
chmod 755 "$SCRATCH"
# A copy, readable by the unprivileged builder wherever the tree is.
cp -R "$(dirname "$0")/rpm" "$SCRATCH/standins-src" || exit 1
chmod -R a+rX "$SCRATCH/standins-src"
STANDINS=$SCRATCH/standins-src
STARTED=$(date +%s)

# note TEXT: a line for the DejaGnu log only.
note() { printf '  %s\n' "$*"; }
# show FILE: the end of FILE, into the log.
show() { tail -n "${2:-40}" "$1" | sed 's/^/  | /'; }
elapsed() { note "[$(($(date +%s) - STARTED))s] $*"; }

# ------------------------------------------------------------- make dist
version=$(sed -n 's/^PACKAGE_VERSION = //p' "$TOP_BUILDDIR/Makefile")
tarball=losetup-container-$version.tar.xz
had_tarball=no
[ -e "$TOP_BUILDDIR/$tarball" ] && had_tarball=yes
# A make started from "make check" must not inherit its job server.
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
     make -C "$TOP_BUILDDIR" dist >"$SCRATCH/dist.log" 2>&1 \
   && [ -f "$TOP_BUILDDIR/$tarball" ]; then
  pass "make dist writes $tarball"
  cp "$TOP_BUILDDIR/$tarball" "$SCRATCH/"
  [ $had_tarball = yes ] || rm -f "$TOP_BUILDDIR/$tarball"
else
  fail "make dist writes $tarball"
  show "$SCRATCH/dist.log"
  exit 0
fi
elapsed "make dist"

# rpmbuild -ta reads every *.spec in the tarball as one: there must be
# exactly the generated one, at the top.
specs=$(tar -tJf "$SCRATCH/$tarball" | grep '\.spec$')
lc_expect "the tarball holds one spec file, the generated one, at its top" \
  [ "$specs" = "losetup-container-$version/losetup-container.spec" ]

# ------------------------------------------------------------- rpmbuild
BUILDER=
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 \
   && id nobody >/dev/null 2>&1; then
  BUILDER="setpriv --reuid=$(id -u nobody) --regid=$(id -g nobody) --clear-groups"
fi
mkdir "$SCRATCH/home"
[ -z "$BUILDER" ] || chown "$(id -u nobody):$(id -g nobody)" "$SCRATCH/home"

# build TOPDIR RPMBUILD-ARGS...: rpmbuild with its own top directory, in a
# clean environment (no make job server, no settings from ~/.rpmmacros),
# as nobody when this is root; output in TOPDIR.log.
build() {
  _top=$1; shift
  mkdir -p "$_top"
  [ -z "$BUILDER" ] || chown "$(id -u nobody):$(id -g nobody)" "$_top"
  # shellcheck disable=SC2086
  env -i PATH="$PATH" HOME="$SCRATCH/home" LC_ALL=C TMPDIR=/var/tmp \
    timeout 900 $BUILDER rpmbuild --define "_topdir $_top" "$@" \
    >"$_top.log" 2>&1
}

# The issue's own command: rpmbuild -ta on the tarball.
if build "$SCRATCH/rpm" -ta --nodeps "$SCRATCH/$tarball"; then
  pass "rpmbuild -ta --nodeps $tarball"
else
  fail "rpmbuild -ta --nodeps $tarball"
  show "$SCRATCH/rpm.log" 60
  exit 0
fi
elapsed "rpmbuild -ta"
RPM=$(ls "$SCRATCH"/rpm/RPMS/*/losetup-container-"$version"-*.rpm 2>/dev/null \
      | grep -v -e debuginfo -e debugsource | head -n 1)
SRPM=$(ls "$SCRATCH"/rpm/SRPMS/losetup-container-"$version"-*.src.rpm 2>/dev/null | head -n 1)
if [ -z "$RPM" ] || [ -z "$SRPM" ]; then
  fail "rpmbuild -ta wrote the binary and the source package"
  exit 0
fi

# %check ran the suite, told the packaging tests to stand aside, and the
# suite had no failure.
log=$SCRATCH/rpm.log
if grep -q 'LOSETUP_CONTAINER_SKIP_PACKAGING_TESTS=1 make check' "$log" \
   && grep -q '=== losetup-container Summary ===' "$log" \
   && grep -q '^# of expected passes' "$log" \
   && ! grep -q -e '^# of unexpected' -e '^# of unresolved' "$log"; then
  pass "%check ran make check with the packaging tests off, and it passed"
else
  fail "%check ran make check with the packaging tests off, and it passed"
  grep -e '^# of' -e '^FAIL' -e '^UNRESOLVED' "$log" | sed 's/^/  | /'
fi

# ------------------------------------------------------------- the package
q() { rpm -qp --nosignature "$@" "$RPM" 2>/dev/null; }
# lists TEXT PATTERN...: each grep PATTERN matches a line of TEXT.
lists() {
  _text=$1; shift
  for _pat; do
    printf '%s\n' "$_text" | grep -q -- "$_pat" || return 1
  done
}
# lacks TEXT PATTERN...: no PATTERN matches a line of TEXT.
lacks() {
  _text=$1; shift
  for _pat; do
    ! printf '%s\n' "$_text" | grep -q -- "$_pat" || return 1
  done
}

lc_expect "the package's version is configure's ($version)" \
  [ "$(q --qf '%{VERSION}')" = "$version" ]
lc_expect "License is the SPDX expression GPL-3.0-or-later" \
  [ "$(q --qf '%{LICENSE}')" = "GPL-3.0-or-later" ]
lc_expect "it provides bundled(gnulib)" \
  lists "$(q --provides)" '^bundled(gnulib)$'
lc_expect "it build-requires libsmartcols and libmount by pkgconfig names" \
  lists "$(rpm -qp --nosignature --requires "$SRPM" 2>/dev/null)" \
    '^pkgconfig(smartcols)' '^pkgconfig(mount)'

lc_expect "it requires the libraries the program dlopen()s, from its .note.dlopen" \
  lists "$(q --requires)" '^libmount\.so\.1()(64bit)$' \
    '^libsmartcols\.so\.1()(64bit)$'

files=$(q -l)
lc_expect "it ships /usr/sbin/losetup-container and its man page" \
  lists "$files" '^/usr/sbin/losetup-container$' \
    '^/usr/share/man/man8/losetup-container\.8'
lc_expect "it owns neither /usr/sbin/losetup nor /usr/sbin/losetup.util-linux" \
  lacks "$files" '^/usr/sbin/losetup$' '^/usr/sbin/losetup\.util-linux$'
lc_expect "it ships the German message catalog (%find_lang)" \
  lists "$files" '^/usr/share/locale/de/LC_MESSAGES/losetup-container\.mo$'

lc_expect "it has %post and %postun scriptlets calling alternatives" \
  lists "$(q --scripts)" '^postinstall scriptlet' '^postuninstall scriptlet' \
    'alternatives --install /usr/sbin/losetup losetup /usr/sbin/losetup-container [0-9]' \
    'alternatives --remove losetup /usr/sbin/losetup\.util-linux'
lc_expect "it has file triggers on the path /usr/sbin/losetup" \
  lists "$(q --filetriggers)" \
    '^filetriggerin scriptlet .* -- /usr/sbin/losetup$' \
    '^transfiletriggerpostun scriptlet .* -- /usr/sbin/losetup$'
lc_expect "it has a trigger on util-linux and util-linux-core (rpm without file triggers)" \
  lists "$(q --triggers)" '^triggerin scriptlet .* -- util-linux, util-linux-core$'

# ------------------------------------------------------------- throwaway roots
if [ "$(id -u)" -ne 0 ]; then
  unsupported "rpm scriptlets in a throwaway root (needs root: rpm runs them chrooted)"
  exit 0
fi
BUSYBOX=$(command -v busybox)
mkdir "$SCRATCH/bb"
if [ -z "$BUSYBOX" ] || ! cp "$BUSYBOX" "$SCRATCH/bb/busybox" \
   || ! chroot "$SCRATCH/bb" /busybox true 2>/dev/null; then
  unsupported "rpm scriptlets in a throwaway root (a static busybox is needed; Debian: apt-get install busybox-static)"
  exit 0
fi

# The stand-ins.  The renamed package stands for a future util-linux split:
# it owns the same file under another name, so only the path-based trigger
# can notice it.
S=$SCRATCH/standins
if build "$S" -bb --define "busybox $BUSYBOX" "$STANDINS/base.spec.in" \
   && build "$S" -bb --define "_sourcedir $STANDINS" "$STANDINS/alternatives.spec.in" \
   && build "$S" -bb --define "ul_release 1" "$STANDINS/util-linux-core.spec.in" \
   && build "$S" -bb --define "ul_release 2" "$STANDINS/util-linux-core.spec.in" \
   && build "$S" -bb --define "ul_release 3" --define "ul_name util-linux-losetup" \
        "$STANDINS/util-linux-core.spec.in"; then
  pass "the stand-in packages build"
else
  fail "the stand-in packages build"
  show "$S.log"
  exit 0
fi
BASE=$(ls "$S"/RPMS/*/pkgtest-base-*.rpm)
ALT=$(ls "$S"/RPMS/*/alternatives-*.rpm)
UL1=$(ls "$S"/RPMS/*/util-linux-core-*-1.*.rpm)
UL2=$(ls "$S"/RPMS/*/util-linux-core-*-2.*.rpm)
ULR=$(ls "$S"/RPMS/*/util-linux-losetup-*.rpm)

# The variant an old rpm builds: no file triggers, the plain trigger alone.
# Rebuilt from the source package, without %check (the suite already ran).
if build "$SCRATCH/rpm-old" --rebuild --nodeps --nocheck --without filetriggers "$SRPM"; then
  pass "rpmbuild --without filetriggers (the build for rpm < 4.13)"
  OLDRPM=$(ls "$SCRATCH"/rpm-old/RPMS/*/losetup-container-"$version"-*.rpm \
           | grep -v -e debuginfo -e debugsource | head -n 1)
  plain_trigger_only() {
    [ -z "$(rpm -qp --nosignature --filetriggers "$OLDRPM" 2>&1)" ] \
      && lists "$(rpm -qp --nosignature --triggers "$OLDRPM")" '^triggerin scriptlet'
  }
  lc_expect "that build has no file trigger but the plain trigger" plain_trigger_only
else
  fail "rpmbuild --without filetriggers (the build for rpm < 4.13)"
  show "$SCRATCH/rpm-old.log"
  OLDRPM=
fi
elapsed "stand-ins and the variant built"

LINK=/usr/sbin/losetup
ORIG=/usr/sbin/losetup.util-linux
WRAP=/usr/sbin/losetup-container

# new_root NAME: an empty rpm root with /dev/null; sets ROOT.
new_root() {
  ROOT=$SCRATCH/root-$1
  mkdir -p "$ROOT/dev" && mknod -m 666 "$ROOT/dev/null" c 1 3 \
    && rpmr --initdb
}

# rpmr ARGS...: rpm on $ROOT.
rpmr() {
  env -i PATH="$PATH" HOME="$SCRATCH/home" LC_ALL=C \
    rpm --root "$ROOT" --dbpath /var/lib/rpm "$@"
}

# step NAME ARGS...: runs rpm ARGS on $ROOT; PASS when it exits 0 and says
# nothing (no scriptlet failed or complained), apart from Debian's notice
# that rpm is not its package manager.
step() {
  _name=$1; shift
  # Package files by their names only: test names stay the same each run.
  _shown=$(printf ' %s' "$@" | sed "s| $SCRATCH/[^ ]*/| |g")
  rpmr "$@" >"$SCRATCH/step.log" 2>&1
  _rc=$?
  grep -v -e '^rpm: RPM should not be used directly' \
          -e '^rpm: However assuming you know what you are doing' \
    "$SCRATCH/step.log" >"$SCRATCH/step.out"
  if [ $_rc -eq 0 ] && [ ! -s "$SCRATCH/step.out" ]; then
    pass "$_name: rpm$_shown runs cleanly"
  else
    fail "$_name: rpm$_shown runs cleanly (status $_rc)"
    show "$SCRATCH/step.out"
  fi
}

# digest_db PKG PATH: the digest rpm recorded for PATH in PKG.
digest_db() {
  rpmr -q --qf '[%{FILENAMES} %{FILEDIGESTS}\n]' "$1" |
    awk -v p="$2" '$1 == p { print $2 }'
}
# digest_fs PKG FILE: FILE's digest by the algorithm rpm used for PKG.
digest_fs() {
  case $(rpmr -q --qf '%{FILEDIGESTALGO}' "$1") in
    1) _sum=md5sum ;; 2) _sum=sha1sum ;; 8) _sum=sha256sum ;;
    9) _sum=sha384sum ;; 10) _sum=sha512sum ;; *) return 1 ;;
  esac
  $_sum <"$2" | cut -d' ' -f1
}
# same_as_db FILE PKG PATH: FILE is a regular file with the content rpm
# recorded for PATH in PKG.
same_as_db() {
  [ -f "$1" ] && [ ! -L "$1" ] || return 1
  _db=$(digest_db "$2" "$3")
  [ -n "$_db" ] && [ "$(digest_fs "$2" "$1")" = "$_db" ]
}

# absent PATH: nothing at PATH, not even a dangling link.
absent() { [ ! -e "$1" ] && [ ! -L "$1" ]; }

# resolve PATH: where PATH leads inside $ROOT.
resolve() { chroot "$ROOT" /usr/bin/readlink -f "$1"; }

# registered: the alternatives registered for losetup, "PATH PRIORITY" a
# line, from the state file (mode, link, empty line, then path/priority).
registered() {
  _st=$ROOT/var/lib/alternatives/losetup
  [ -f "$_st" ] || return 0
  sed -n '4,$p' "$_st" | paste - - -d' '
}
alt_mode() { sed -n 1p "$ROOT/var/lib/alternatives/losetup"; }
alt_link() { sed -n 2p "$ROOT/var/lib/alternatives/losetup"; }

# taken_over NAME OWNER [WANT]: the state after a takeover: OWNER (the
# package rpm says owns /usr/sbin/losetup) had its file moved to
# /usr/sbin/losetup.util-linux, both are registered with the wrapper
# ranked first, and /usr/sbin/losetup leads to WANT (default: the wrapper).
taken_over() {
  _name=$1 _owner=$2 _want=${3:-$WRAP}
  if [ "$(readlink "$ROOT$LINK")" = /etc/alternatives/losetup ] \
     && [ "$(resolve $LINK)" = "$_want" ] \
     && { [ "$_want" != "$WRAP" ] \
          || same_as_db "$ROOT$WRAP" losetup-container $WRAP; }; then
    pass "$_name: $LINK -> /etc/alternatives/losetup -> $_want"
  else
    fail "$_name: $LINK -> /etc/alternatives/losetup -> $_want"
    note "$(ls -l "$ROOT$LINK" "$ROOT/etc/alternatives/losetup" 2>&1)"
  fi
  if [ "$(rpmr -qf --qf '%{NAME}' $LINK)" = "$_owner" ] \
     && same_as_db "$ROOT$ORIG" "$_owner" $LINK \
     && ! rpmr -qf $ORIG >/dev/null 2>&1; then
    pass "$_name: $ORIG is $_owner's $LINK, as rpm recorded it"
  else
    fail "$_name: $ORIG is $_owner's $LINK, as rpm recorded it"
    note "$(ls -l "$ROOT$ORIG" 2>&1)"
  fi
  _regs=$(registered)
  _pw=$(printf '%s\n' "$_regs" | awk -v p=$WRAP '$1 == p { print $2 }')
  _po=$(printf '%s\n' "$_regs" | awk -v p=$ORIG '$1 == p { print $2 }')
  if [ "$(printf '%s\n' "$_regs" | wc -l)" -eq 2 ] && [ -n "$_pw" ] \
     && [ -n "$_po" ] && [ "$_pw" -gt "$_po" ] && [ "$(alt_link)" = $LINK ]; then
    pass "$_name: alternatives 'losetup' ($LINK) has the wrapper ($_pw) over util-linux's ($_po)"
  else
    fail "$_name: alternatives 'losetup' ($LINK) has the wrapper over util-linux's"
    note "registered: $(printf '%s' "$_regs" | tr '\n' ',')"
  fi
}

# wrapper_alone NAME: no util-linux: the wrapper is the only alternative.
wrapper_alone() {
  _name=$1
  if [ "$(readlink "$ROOT$LINK")" = /etc/alternatives/losetup ] \
     && [ "$(resolve $LINK)" = $WRAP ] && [ "$(registered)" = "$WRAP ${PRIO_WRAP:-}" ] \
     && [ ! -e "$ROOT$ORIG" ] && [ ! -L "$ROOT$ORIG" ]; then
    pass "$_name: $LINK leads to the wrapper, the only alternative; no $ORIG"
  else
    fail "$_name: $LINK leads to the wrapper, the only alternative; no $ORIG"
    note "registered: $(registered | tr '\n' ','); $(ls -l "$ROOT/usr/sbin" 2>&1 | tr '\n' ' ')"
  fi
}

# snapshot: every non-directory in $ROOT but rpm's and the stand-ins'
# bookkeeping, with its type and link target.  (Directories are left out:
# rpm creates the missing parents of a package's files and never removes
# them, where a real system has them owned by the filesystem package.)
snapshot() {
  find "$ROOT" \( -path "$ROOT/var/lib/rpm" -o -path "$ROOT/var/log" \
       -o -path "$ROOT/var/tmp" \) -prune -o ! -type d -printf '%y %P %l\n' | sort
}

# restored NAME OWNER BEFORE: the state after erasing losetup-container:
# OWNER's regular file is back (rpm -V agrees), nothing else is left.
restored() {
  _name=$1 _owner=$2 _before=$3
  if same_as_db "$ROOT$LINK" "$_owner" $LINK \
     && rpmr -V "$_owner" >"$SCRATCH/verify.log" 2>&1; then
    pass "$_name: $LINK is $_owner's regular file again (rpm -V $_owner passes)"
  else
    fail "$_name: $LINK is $_owner's regular file again (rpm -V $_owner passes)"
    note "$(ls -l "$ROOT$LINK" 2>&1)"
    show "$SCRATCH/verify.log"
  fi
  restored_clean "$_name" "$_before"
}
restored_clean() {
  if [ ! -e "$ROOT$ORIG" ] && [ ! -e "$ROOT/var/lib/alternatives/losetup" ] \
     && [ ! -L "$ROOT/etc/alternatives/losetup" ] \
     && snapshot | cmp -s - "$2"; then
    pass "$1: no alternatives, no $ORIG, no file left behind"
  else
    fail "$1: no alternatives, no $ORIG, no file left behind"
    snapshot | diff "$2" - | sed 's/^/  | /'
  fi
}

# ---- A: the usual life: util-linux first, then the package.
new_root usual
step "setup" -i "$BASE" "$ALT" "$UL1"
snapshot >"$SCRATCH/before-usual"
step "install" -i --nodeps "$RPM"
taken_over "install" util-linux-core
PRIO_WRAP=$(registered | awk -v p=$WRAP '$1 == p { print $2 }')

step "package reinstall (the upgrade path)" -U --reinstall --nodeps "$RPM"
taken_over "package reinstall (the upgrade path)" util-linux-core

step "util-linux reinstall" -U --reinstall "$UL1"
taken_over "util-linux reinstall" util-linux-core

step "util-linux update" -U "$UL2"
taken_over "util-linux update" util-linux-core

# An admin's choice survives the next util-linux update.
if chroot "$ROOT" /usr/sbin/alternatives --set losetup $ORIG \
   && [ "$(resolve $LINK)" = $ORIG ] && [ "$(alt_mode)" = manual ]; then
  pass "alternatives --set losetup $ORIG switches to util-linux's"
else
  fail "alternatives --set losetup $ORIG switches to util-linux's"
fi
step "util-linux reinstall, manual choice" -U --reinstall "$UL2"
taken_over "util-linux reinstall, manual choice" util-linux-core $ORIG
chroot "$ROOT" /usr/sbin/alternatives --auto losetup
lc_expect "alternatives --auto losetup goes back to the wrapper" \
  [ "$(resolve $LINK)" = $WRAP ]

# The packaged wrapper, run as losetup, hands the call to the file the
# takeover left at /usr/sbin/losetup.util-linux (configure's default, ahead
# of the built-in list: a decoy at /usr/sbin/losetup.distrib is not used).
# /usr/sbin is the root's, on a tmpfs, in a mount namespace of its own.
if ! unshare -m true 2>/dev/null; then
  unsupported "the packaged wrapper runs $ORIG (unshare -m is not permitted here)"
else
  mkdir "$SCRATCH/bin"
  ln -s $WRAP "$SCRATCH/bin/losetup"
  want=$(sh "$ROOT$ORIG" --version 2>&1)
  got=$(env -u LOSETUP_CONTAINER_ORIGINAL_LOSETUP \
        unshare -m --propagation private sh -c '
    mount -t tmpfs lc-sbin /usr/sbin || exit 1
    cp -a "$1/usr/sbin/." /usr/sbin/ || exit 1
    printf "#!/bin/sh\necho decoy\n" >/usr/sbin/losetup.distrib
    chmod 755 /usr/sbin/losetup.distrib
    exec "$2/losetup" --version' sh "$ROOT" "$SCRATCH/bin" 2>&1)
  if [ -n "$want" ] && [ "$got" = "$want" ]; then
    pass "the packaged wrapper, run as losetup, runs $ORIG"
  else
    fail "the packaged wrapper, run as losetup, runs $ORIG"
    note "expected: $want"
    note "got: $got"
  fi
fi

# util-linux's losetup moves to a package of another name: found by path.
step "util-linux renamed" -U "$ULR"
taken_over "util-linux renamed" util-linux-losetup

step "erase" -e losetup-container
restored "erase" util-linux-losetup "$SCRATCH/before-usual"
elapsed "scenario A"

# ---- B: the package first, util-linux later, then util-linux goes.
new_root bare
step "bare setup" -i "$BASE" "$ALT"
snapshot >"$SCRATCH/before-bare"
step "install without util-linux" -i --nodeps "$RPM"
wrapper_alone "install without util-linux"
step "util-linux install" -i "$UL1"
taken_over "util-linux install" util-linux-core
step "util-linux erase" -e --nodeps util-linux-core
wrapper_alone "util-linux erase"
step "erase without util-linux" -e losetup-container
lc_expect "erase without util-linux: $LINK is gone with the package" \
  absent "$ROOT$LINK"
restored_clean "erase without util-linux" "$SCRATCH/before-bare"
elapsed "scenario B"

# ---- C: the build for rpm without file triggers: the plain trigger alone.
if [ -n "$OLDRPM" ]; then
  new_root old
  step "old-rpm setup" -i "$BASE" "$ALT" "$UL1"
  snapshot >"$SCRATCH/before-old"
  step "old-rpm install" -i --nodeps "$OLDRPM"
  taken_over "old-rpm install" util-linux-core
  step "old-rpm util-linux update" -U "$UL2"
  taken_over "old-rpm util-linux update" util-linux-core
  step "old-rpm erase" -e losetup-container
  restored "old-rpm erase" util-linux-core "$SCRATCH/before-old"
  elapsed "scenario C"
fi

if [ -s "$ROOT/var/log/alternatives.calls" ]; then
  note "alternatives calls in the last root:"
  sed 's/^/  | /' "$ROOT/var/log/alternatives.calls"
fi
exit 0
