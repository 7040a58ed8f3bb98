# SPDX-License-Identifier: GPL-3.0-or-later
# tests/lib/deb-build.sh -- the project's Debian package, built from the
# git checkout in a cached build root; sourced by
# tests/losetup-container.packaging/deb.sh and
# tests/losetup-container.runtime/ scripts after tests/lib/lib.sh and
# tests/lib/roots.sh (whose cache lock must be held; roots_run is there).
# Its helpers start with deb_.
#
# The package is built with "dpkg-buildpackage -us -uc -b" from a clean
# copy of the source (what git tracks, plus untracked files it does not
# ignore) inside a Debian 12 root holding nothing but minbase and the
# Build-Depends.  The .deb is kept in $CACHE/deb-ARCH-KEY, KEY being a
# digest of that copy: a run that needs the package of a source already
# built takes it from there (deb_cached).

# The binary is built on the oldest suite, so that it runs on all of them.
BUILD_SUITE=bookworm
PKG=losetup-container

deb_git() { git -C "$TOP_SRCDIR" -c safe.directory="$TOP_SRCDIR" "$@"; }

# deb_from_git: succeeds when $TOP_SRCDIR is the top of its own git
# checkout.  An unpacked tarball inside another checkout (as in "make
# distcheck") is not one, and its files are not what that checkout's git
# tracks.
deb_from_git() {
  _top=$(deb_git rev-parse --show-toplevel 2>/dev/null) || return 1
  [ -n "$_top" ] \
    && [ "$(cd "$_top" && pwd -P)" = "$(cd "$TOP_SRCDIR" && pwd -P)" ]
}

# deb_source_files: prints the source files, NUL-terminated: tracked ones and
# untracked ones git does not ignore, as a fresh clone with work in
# progress would have them.
deb_source_files() {
  deb_git ls-files -z --cached --others --exclude-standard \
    | (cd "$TOP_SRCDIR" && xargs -0 sh -c \
         'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh) | sort -z
}

# deb_source_key: prints a digest of the source's names and contents.
deb_source_key() {
  deb_source_files | (cd "$TOP_SRCDIR" && xargs -0 md5sum) | md5sum | cut -c1-16
}

# deb_build_root: sets GOT to the cached root to build in: the build suite's
# root plus build-essential and the Build-Depends of debian/control
# (roots.sh's roots_derived), made again whenever the source stanza of
# debian/control changes.  Returns as roots_cached does.  Logs go to $LOG.
deb_build_root() {
  roots_cached "$BUILD_SUITE" || return $?
  roots_derived "$GOT" "build-$BUILD_SUITE-$ARCH" \
    "$(sed '/^$/q' "$TOP_SRCDIR/debian/control" | md5sum | cut -c1-12)" \
    "$LOG/build-deps" '
      apt-get update
      apt-get install -y --no-install-recommends build-essential
      apt-get build-dep -y -o APT::Install-Recommends=false /tmp/lc-deps
      apt-get clean
      rm -rf /tmp/lc-deps'
}

# deb_build BROOT OUTDIR: builds the package in a copy of the build root
# BROOT (the copy is removed after) and puts the .deb, .changes and
# .buildinfo in OUTDIR.  Returns 1, the build log shown, when
# dpkg-buildpackage fails; 2 when the source could not be copied.  The
# suite proper is not run inside the package build (nocheck): make check
# runs it already.  The root has the <!nocheck> Build-Depends all the same.
deb_build() {
  _b=$SCRATCH/roots/build
  rm -rf "$_b"
  mkdir -p "$SCRATCH/roots"
  cp -a "$1" "$_b" || return 2
  _src=$_b/build/$PKG
  mkdir -p "$_src"
  deb_source_files | (cd "$TOP_SRCDIR" && tar --null -T - -cf -) \
    | tar -C "$_src" -xf -
  [ -f "$_src/debian/control" ] || { rm -rf "$_b"; return 2; }
  if ! roots_run "$_b" sh -c "cd /build/$PKG && DEB_BUILD_OPTIONS='nocheck parallel=$(nproc)' dpkg-buildpackage -us -uc -b" \
       >"$LOG/build" 2>&1; then
    lc_log_tail "$LOG/build" 40
    rm -rf "$_b"
    return 1
  fi
  mkdir -p "$2"
  cp "$_b"/build/*.deb "$_b"/build/*.changes "$_b"/build/*.buildinfo "$2/"
  rm -rf "$_b"
}

# deb_store DIR: copies the package built in DIR into the cache, under
# the current source's key, for deb_cached; packages of other sources go.
deb_store() {
  _ds_dir=$CACHE/deb-$ARCH-$(deb_source_key)
  for _old in "$CACHE/deb-$ARCH"-*; do
    [ "$_old" = "$_ds_dir" ] || rm -rf "$_old"
  done
  rm -rf "$_ds_dir.new"
  mkdir "$_ds_dir.new" && cp "$1"/${PKG}_*_"$ARCH".deb "$_ds_dir.new/" \
    && rm -rf "$_ds_dir" && mv "$_ds_dir.new" "$_ds_dir"
}

# deb_cached: sets GOT to the package's .deb for the current source,
# built now unless the cache has it.  Returns 2 with the reason in GOT
# when the build root cannot be made for want of the archive, 1 on a
# failed build.
deb_cached() {
  _dc_dir=$CACHE/deb-$ARCH-$(deb_source_key)
  GOT=$(ls "$_dc_dir"/${PKG}_*_"$ARCH".deb 2>/dev/null | head -n 1)
  [ -n "$GOT" ] && return 0
  deb_build_root || return $?
  deb_build "$GOT" "$SCRATCH/deb-new" || return 1
  deb_store "$SCRATCH/deb-new" || return 1
  GOT=$(ls "$_dc_dir"/${PKG}_*_"$ARCH".deb 2>/dev/null | head -n 1)
  [ -n "$GOT" ]
}
