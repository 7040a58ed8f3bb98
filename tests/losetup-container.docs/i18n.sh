#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# i18n.sh -- the German translation: po/de.po covers
# every message of the sources, and the built program speaks German with
# LANGUAGE=de in a non-C locale, from this build's compiled catalog.
#
# The program finds its catalogs in LOCALEDIR, fixed at configure time
# (normally not yet installed while the suite runs).  Unless the installed
# catalog there already is this build's, the program is run in a private
# mount namespace where an overlay on LOCALEDIR (or its nearest existing
# parent) adds po/de.gmo as LOCALEDIR/de/LC_MESSAGES/losetup-container.mo.
# The overlay's upper layer is a tmpfs of that namespace: nothing is
# written outside $SCRATCH, and everything goes when the namespace ends.
#
# Run by tests/losetup-container.docs/i18n.exp; results on stdout, one a
# line (see tests/lib/lib.sh).

. "$TESTS_SRCDIR/lib/lib.sh"
: "${TOP_SRCDIR:?run through make check}"
: "${TOP_BUILDDIR:?run through make check}"

DOMAIN=losetup-container
PO=$TOP_SRCDIR/po/de.po
lc_init

# ------------------------------------------------ de.po is complete
# xgettext over po/POTFILES.in with po/Makevars' options, as "make
# update-po" does: every message must have a translation that is neither
# missing nor fuzzy, and msgfmt -c must accept the file.
if ! command -v xgettext >/dev/null 2>&1 || ! command -v msgcmp >/dev/null 2>&1
then
  unsupported "de.po translates every message (gettext tools not installed)"
else
  opts=$(awk '/^XGETTEXT_OPTIONS[ \t]*=/ { on = 1; sub(/^XGETTEXT_OPTIONS[ \t]*=/, "") }
              on { more = sub(/\\$/, ""); printf "%s ", $0; if (!more) on = 0 }' \
           "$TOP_SRCDIR/po/Makevars")
  # shellcheck disable=SC2086  # OPTS is a list of words
  if xgettext --language=C --add-comments=TRANSLATORS: $opts \
       --directory="$TOP_SRCDIR" --files-from="$TOP_SRCDIR/po/POTFILES.in" \
       -o "$SCRATCH/messages.pot" 2>"$SCRATCH/xgettext.err" \
     && [ -s "$SCRATCH/messages.pot" ]; then
    if msgcmp "$PO" "$SCRATCH/messages.pot" >"$SCRATCH/msgcmp.err" 2>&1; then
      pass "de.po translates every message of the sources"
    else
      fail "de.po translates every message of the sources (run make -C po update-po and translate)"
      sed 's/^/  | /' "$SCRATCH/msgcmp.err"
    fi
  else
    fail "xgettext extracts the messages of po/POTFILES.in"
    sed 's/^/  | /' "$SCRATCH/xgettext.err"
  fi
  stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$PO" 2>&1)
  case $stats in
    *fuzzy*|*untranslated*)
      fail "de.po has no fuzzy or untranslated entry ($stats)" ;;
    *" translated message"*)
      pass "de.po has no fuzzy or untranslated entry ($stats)" ;;
    *)
      fail "de.po has no fuzzy or untranslated entry (msgfmt: $stats)" ;;
  esac
  if msgfmt -c -o /dev/null "$PO" 2>"$SCRATCH/msgfmt.err"; then
    pass "msgfmt -c accepts de.po"
  else
    fail "msgfmt -c accepts de.po"
    sed 's/^/  | /' "$SCRATCH/msgfmt.err"
  fi
fi

# ------------------------------------------------ the program in German
if ! grep -q '^#define ENABLE_NLS 1' "$TOP_BUILDDIR/config.h" 2>/dev/null; then
  unsupported "German messages (built without NLS)"
  exit 0
fi
if ! locale -a 2>/dev/null | grep -qix 'C\.utf-\{0,1\}8'; then
  unsupported "German messages (no C.UTF-8 locale)"
  exit 0
fi

lc_built_catalog || exit 0
target=$localedir/de/LC_MESSAGES/$DOMAIN.mo

# How to run the program so that it finds $gmo: directly when it is
# installed already, else through the overlay.
if cmp -s "$gmo" "$target"; then
  how="the installed catalog"
  run() { "$@"; }
else
  # The nearest existing parent of the catalog's directory carries the
  # overlay; "/" cannot: processes keep the root below such an overlay.
  lower=$localedir/de/LC_MESSAGES
  while [ ! -d "$lower" ]; do lower=$(dirname "$lower"); done
  if [ "$lower" = / ]; then
    unsupported "German messages (no parent of $localedir exists but /)"
    exit 0
  fi
  if [ "$(id -u)" -eq 0 ]; then ns="unshare -m"; else ns="unshare -r -m"; fi
  mkdir "$SCRATCH/ov"
  # shellcheck disable=SC2016  # expanded by the inner shell
  setup='
    ov=$1 lower=$2 target=$3 gmo=$4; shift 4
    mount --make-rprivate / 2>/dev/null || true
    mount -t tmpfs lc-i18n "$ov"
    mkdir "$ov/upper" "$ov/work"
    exec 3<"$gmo"          # $gmo may be hidden once $lower is covered
    mount -t overlay lc-i18n \
      -o "lowerdir=$lower,upperdir=$ov/upper,workdir=$ov/work" "$lower"
    mkdir -p "$(dirname "$target")"
    cat <&3 >"$target"
    exec 3<&-
    exec "$@"'
  run() { $ns sh -euc "$setup" sh "$SCRATCH/ov" "$lower" "$target" "$gmo" "$@"; }
  if ! run true 2>"$SCRATCH/ns.err"; then
    unsupported "German messages (cannot overlay $lower in a private mount namespace: $(head -n 1 "$SCRATCH/ns.err"))"
    exit 0
  fi
  how="an overlay on $lower"
fi

# The German text to expect, from the same catalog through gettext(1).
if ! command -v gettext >/dev/null 2>&1; then
  unsupported "German messages (gettext(1) is not installed)"
  exit 0
fi
mkdir -p "$SCRATCH/locale/de/LC_MESSAGES"
cp "$gmo" "$SCRATCH/locale/de/LC_MESSAGES/$DOMAIN.mo"
de() {
  TEXTDOMAINDIR=$SCRATCH/locale LANGUAGE=de LC_ALL=C.UTF-8 \
    gettext -d "$DOMAIN" -- "$1"
}

# --help: its "Environment:" heading in German, the English one gone.
env_de=$(de "Environment:
")
run env LANGUAGE=de LC_ALL=C.UTF-8 "$LC" --help \
  >"$SCRATCH/help.de" 2>"$SCRATCH/help.err"
if [ -n "$env_de" ] && [ "$env_de" != "Environment:" ] \
   && grep -qxF "$env_de" "$SCRATCH/help.de" \
   && ! grep -qxF "Environment:" "$SCRATCH/help.de"; then
  pass "--help is in German with LANGUAGE=de LC_ALL=C.UTF-8 ($how)"
else
  fail "--help is in German with LANGUAGE=de LC_ALL=C.UTF-8 ($how; expected the line '$env_de')"
  sed 's/^/  | /' "$SCRATCH/help.de" "$SCRATCH/help.err"
fi

# The pass-through with no original: exit 127 and the German message,
# its parts translated by the catalog.
msg=$(de "cannot find the original losetup; tried: %s")
why=$(de "not found")
# shellcheck disable=SC2059  # the format comes from the catalog
# Under its own name with the variable set the call stands for losetup,
# and the message names losetup.
expected=$(printf "losetup: $msg" "/nonexistent ($why)")
run env LANGUAGE=de LC_ALL=C.UTF-8 LOSETUP_CONTAINER_ORIGINAL_LOSETUP=/nonexistent \
  "$LC" -a >"$SCRATCH/pt.out" 2>"$SCRATCH/pt.err"
status=$?
if [ "$status" -eq 127 ] && [ ! -s "$SCRATCH/pt.out" ] \
   && [ "$(cat "$SCRATCH/pt.err")" = "$expected" ] \
   && [ "$msg" != "cannot find the original losetup; tried: %s" ]; then
  pass "no original: exit 127 with the German message ($how)"
else
  fail "no original: exit 127 with the German message (status $status; expected '$expected')"
  sed 's/^/  | /' "$SCRATCH/pt.out" "$SCRATCH/pt.err"
fi

# The C locale ignores LANGUAGE (the suite relies on LC_ALL=C for English).
run env LANGUAGE=de LC_ALL=C LOSETUP_CONTAINER_ORIGINAL_LOSETUP=/nonexistent \
  "$LC" -a >/dev/null 2>"$SCRATCH/c.err"
if [ "$(cat "$SCRATCH/c.err")" = "losetup: cannot find the original losetup; tried: /nonexistent (not found)" ]; then
  pass "LC_ALL=C keeps the messages in English despite LANGUAGE=de"
else
  fail "LC_ALL=C keeps the messages in English despite LANGUAGE=de"
  sed 's/^/  | /' "$SCRATCH/c.err"
fi
