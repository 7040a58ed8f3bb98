#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# ul-catalog.sh -- a message that stands for one of util-linux's (here the
# listing's "write error", stdout on /dev/full) is util-linux's own: from
# util-linux's text domain and catalog, translated exactly when losetup's
# is, never by our catalog.  Ours and util-linux's losetup run side by
# side, both as "losetup", in each scene:
#
#   catalogs: util-linux-locales not installed, and installed;
#   locales:  LANGUAGE=de in C.UTF-8, LANG=de_DE.UTF-8 (compiled here with
#             localedef into $SCRATCH, used through LOCPATH), LANGUAGE=fr.
#
# stdout, stderr and the exit status must be equal.  Our German catalog
# (this build's po/de.gmo) is installed in every scene, as a package
# installs it: it must not serve util-linux's message.
#
# Nothing outside $SCRATCH is changed.  The catalogs are installed (or
# removed) in a private mount namespace, through overlays whose upper
# layer is a tmpfs of that namespace, on /usr/share/locale (where
# util-linux-locales puts util-linux.mo) and on the directory that holds
# this build's LOCALEDIR.  util-linux.mo comes from the util-linux-locales
# package of this machine's util-linux version, fetched with apt-get
# download (a machine that has the package installed uses its files).

. "$TESTS_SRCDIR/lib/lib.sh"
: "${TOP_SRCDIR:?run through make check}"
: "${TOP_BUILDDIR:?run through make check}"
lc_need_unshare "util-linux's messages from util-linux's catalog"
lc_init

if ! grep -q '^#define ENABLE_NLS 1' "$TOP_BUILDDIR/config.h" 2>/dev/null; then
  unsupported "util-linux's catalog (built without NLS)"
  exit 0
fi

# ------------------------------------------------ what the scenes need
ULD=$SCRATCH/ul-locales/usr/share/locale
if [ -f /usr/share/locale/de/LC_MESSAGES/util-linux.mo ] \
   && [ -f /usr/share/locale/fr/LC_MESSAGES/util-linux.mo ]; then
  mkdir -p "$ULD/de/LC_MESSAGES" "$ULD/fr/LC_MESSAGES"
  cp /usr/share/locale/de/LC_MESSAGES/util-linux.mo "$ULD/de/LC_MESSAGES/"
  cp /usr/share/locale/fr/LC_MESSAGES/util-linux.mo "$ULD/fr/LC_MESSAGES/"
else
  v=$(dpkg-query -W -f '${Version}' util-linux 2>/dev/null)
  mkdir "$SCRATCH/deb"
  if [ -n "$v" ] \
     && (cd "$SCRATCH/deb" && apt-get download "util-linux-locales=$v") \
          >"$SCRATCH/apt.log" 2>&1 \
     && dpkg-deb -x "$SCRATCH"/deb/util-linux-locales_*.deb \
          "$SCRATCH/ul-locales" 2>>"$SCRATCH/apt.log"; then
    :
  fi
  if [ ! -f "$ULD/de/LC_MESSAGES/util-linux.mo" ]; then
    fail "util-linux-locales ${v:-(no util-linux package)} could be fetched with apt-get download"
    sed 's/^/  | /' "$SCRATCH/apt.log"
    exit 0
  fi
fi

lc_built_catalog || exit 0

# de_DE.UTF-8, compiled into $SCRATCH: nothing is added to the system's
# locales.
mkdir "$SCRATCH/locpath"
if ! localedef -i de_DE -f UTF-8 "$SCRATCH/locpath/de_DE.UTF-8" \
       >"$SCRATCH/localedef.log" 2>&1 \
   && [ ! -f "$SCRATCH/locpath/de_DE.UTF-8/LC_MESSAGES/SYS_LC_MESSAGES" ]; then
  fail "localedef makes de_DE.UTF-8 (the locales package is needed)"
  sed 's/^/  | /' "$SCRATCH/localedef.log"
  exit 0
fi

# One device in use, so that the listing has a line to write.
truncate -s 1M "$SCRATCH/a.img"
lc_attach "$SCRATCH/a.img" >/dev/null || { fail "attach a device"; exit 0; }

mkdir "$SCRATCH/ours" "$SCRATCH/theirs" "$SCRATCH/ov"
ln -s "$LC" "$SCRATCH/ours/losetup"
ln -s "$UL" "$SCRATCH/theirs/losetup"

# scene STATE COMMAND...: runs COMMAND in a private mount namespace where
# this build's German catalog is installed in LOCALEDIR and util-linux's
# catalogs are installed (STATE "installed") or not ("missing").
# shellcheck disable=SC2016  # expanded by the inner shell
SCENE='
  state=$1 ov=$2 localedir=$3 gmo=$4 uld=$5; shift 5
  mount --make-rprivate /
  mount -t tmpfs lc-ul-catalog "$ov"
  n=0
  # overlay DIR: makes DIR (or its nearest existing parent) writable in
  # this namespace only.
  overlay() {
    d=$1
    while [ ! -d "$d" ]; do d=$(dirname "$d"); done
    [ "$d" != / ] || { echo "no parent of $1 to overlay" >&2; exit 99; }
    n=$((n + 1))
    mkdir "$ov/u$n" "$ov/w$n"
    mount -t overlay lc-ul-catalog \
      -o "lowerdir=$d,upperdir=$ov/u$n,workdir=$ov/w$n" "$d"
  }
  exec 3<"$gmo"
  case $localedir/ in
    /usr/share/locale/*) ;;
    *) overlay "$localedir/de/LC_MESSAGES" ;;
  esac
  overlay /usr/share/locale
  mkdir -p "$localedir/de/LC_MESSAGES"
  cat <&3 >"$localedir/de/LC_MESSAGES/losetup-container.mo"
  exec 3<&-
  for l in de fr; do
    if [ "$state" = installed ]; then
      mkdir -p "/usr/share/locale/$l/LC_MESSAGES"
      cp "$uld/$l/LC_MESSAGES/util-linux.mo" "/usr/share/locale/$l/LC_MESSAGES/"
    else
      rm -f "/usr/share/locale/$l/LC_MESSAGES/util-linux.mo"
    fi
  done
  exec "$@"'
in_scene() {
  _state=$1; shift
  unshare -m sh -euc "$SCENE" sh "$_state" "$SCRATCH/ov" "$localedir" \
    "$gmo" "$ULD" "$@"
}

if ! in_scene missing true 2>"$SCRATCH/ns.err"; then
  fail "a private mount namespace with overlays on the catalogs' directories"
  sed 's/^/  | /' "$SCRATCH/ns.err"
  exit 0
fi

# The environments of the scenes, one a line: a name, a tab, env(1)'s
# arguments.
ENVS='LANGUAGE=de in C.UTF-8	-u LC_ALL LANGUAGE=de LC_ALL=C.UTF-8
LANG=de_DE.UTF-8	-u LC_ALL -u LANGUAGE LANG=de_DE.UTF-8 LOCPATH='"$SCRATCH"'/locpath
LANGUAGE=fr in C.UTF-8	-u LC_ALL LANGUAGE=fr LC_ALL=C.UTF-8'

for state in missing installed; do
  printf '%s\n' "$ENVS" | while IFS='	' read -r name vars; do
    # shellcheck disable=SC2086  # VARS is a list of words
    lc_same_output "$name, util-linux-locales $state, stdout on /dev/full" \
      in_scene "$state" env $vars PATH="$SCRATCH/ours:$PATH" \
        sh -c 'exec losetup -l -O NAME,BACK-FILE >/dev/full' -- \
      in_scene "$state" env $vars PATH="$SCRATCH/theirs:$PATH" \
        sh -c 'exec losetup -l -O NAME,BACK-FILE >/dev/full'
    # shellcheck disable=SC2086
    in_scene "$state" env $vars PATH="$SCRATCH/theirs:$PATH" \
      sh -c 'exec losetup -l -O NAME,BACK-FILE >/dev/full' \
      2>"$SCRATCH/ul.$state.$name.err"
  done
done

# The scenes are what they claim: util-linux speaks German and French
# with its catalogs installed only, and our German catalog is in place.
for l in "LANGUAGE=de in C.UTF-8" "LANG=de_DE.UTF-8" "LANGUAGE=fr in C.UTF-8"; do
  if grep -q '^losetup: write error' "$SCRATCH/ul.missing.$l.err" \
     && [ -s "$SCRATCH/ul.installed.$l.err" ] \
     && ! grep -q 'write error' "$SCRATCH/ul.installed.$l.err"; then
    pass "$l: util-linux translates its message exactly when its catalog is installed"
  else
    fail "$l: util-linux translates its message exactly when its catalog is installed"
    sed 's/^/  | /' "$SCRATCH/ul.missing.$l.err" "$SCRATCH/ul.installed.$l.err"
  fi
done
in_scene missing env -u LC_ALL LANGUAGE=de LC_ALL=C.UTF-8 "$LC" --help \
  >"$SCRATCH/help.de" 2>&1
if [ -s "$SCRATCH/help.de" ] && ! grep -qx 'Environment:' "$SCRATCH/help.de"; then
  pass "our German catalog is installed in the scenes (--help in German)"
else
  fail "our German catalog is installed in the scenes (--help in German)"
  sed 's/^/  | /' "$SCRATCH/help.de"
fi
exit 0
