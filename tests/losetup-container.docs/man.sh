#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# man.sh -- the man page: it renders without a warning,
# has the sections an operator looks for, names everything --help names,
# carries the program's version, and "make install" puts it in man8.
#
# Run by tests/losetup-container.docs/man.exp; results on stdout, one a
# line (see tests/lib/lib.sh).

. "$TESTS_SRCDIR/lib/lib.sh"
: "${TOP_SRCDIR:?run through make check}"
: "${TOP_BUILDDIR:?run through make check}"

# The page as the build made it from man/losetup-container.8.in.
PAGE=$TOP_BUILDDIR/man/losetup-container.8
lc_init

if [ ! -f "$PAGE" ]; then
  fail "man page $PAGE exists"
  exit 0
fi

# man-db, without its seccomp sandbox (refused in some containers), with
# a fixed width, never a pager.
render() {
  MAN_DISABLE_SECCOMP=1 MANWIDTH=80 MANPAGER=cat PAGER=cat \
    man --warnings -l "$PAGE"
}

# ------------------------------------------------------------- rendering
if command -v man >/dev/null 2>&1; then
  for loc in C C.UTF-8; do
    if LC_ALL=$loc render >"$SCRATCH/page.$loc" 2>"$SCRATCH/warn.$loc" \
       && [ ! -s "$SCRATCH/warn.$loc" ] && [ -s "$SCRATCH/page.$loc" ]; then
      pass "man --warnings renders the page without a warning (LC_ALL=$loc)"
    else
      fail "man --warnings renders the page without a warning (LC_ALL=$loc)"
      sed 's/^/  | /' "$SCRATCH/warn.$loc"
    fi
  done
else
  unsupported "man --warnings (man-db is not installed)"
fi

# groff with every warning enabled, a stricter reading than man's default.
if command -v groff >/dev/null 2>&1; then
  if groff -man -ww -z -Tutf8 "$PAGE" >"$SCRATCH/groff.err" 2>&1 \
     && [ ! -s "$SCRATCH/groff.err" ]; then
    pass "groff -ww reports nothing"
  else
    fail "groff -ww reports nothing"
    sed 's/^/  | /' "$SCRATCH/groff.err"
  fi
fi

# The remaining checks read the page as text: man's rendering when there
# is one, else groff's, else the roff source with its escapes undone.
if [ -s "$SCRATCH/page.C" ]; then
  TEXT=$SCRATCH/page.C
elif command -v groff >/dev/null 2>&1 \
     && LC_ALL=C groff -man -Tascii -P-cbou -rLL=80n "$PAGE" \
          >"$SCRATCH/page.groff" 2>/dev/null \
     && [ -s "$SCRATCH/page.groff" ]; then
  TEXT=$SCRATCH/page.groff
else
  sed 's/\\-/-/g; s/\\&//g; s/\\f[BIRP]//g
       s/^\.[BI]R \([^ ]*\) (\([0-9]\))/\1(\2)/' "$PAGE" >"$SCRATCH/page.src"
  TEXT=$SCRATCH/page.src
fi
tr '\n' ' ' <"$TEXT" | tr -s ' ' >"$SCRATCH/flat"

# ------------------------------------------------------------- sections
missing=
for s in NAME SYNOPSIS DESCRIPTION OPTIONS 'HOW THE PATH IS FOUND' \
         'EXIT STATUS' ENVIRONMENT FILES EXAMPLES 'SEE ALSO'; do
  if [ "$TEXT" = "$SCRATCH/page.src" ]; then
    grep -qx "\.SH \"\{0,1\}$s\"\{0,1\}" "$TEXT" || missing="$missing [$s]"
  else
    grep -qx "$s" "$TEXT" || missing="$missing [$s]"
  fi
done
if [ -z "$missing" ]; then
  pass "the page has every required section"
else
  fail "the page has every required section: missing$missing"
fi

# What the sections must say.
needs() {
  _what=$1; shift
  _gone=
  for _w; do
    grep -qF -- "$_w" "$SCRATCH/flat" || _gone="$_gone [$_w]"
  done
  if [ -z "$_gone" ]; then pass "the page names $_what"; else
    fail "the page names $_what: missing$_gone"; fi
}
needs "the exit statuses" 126 127 "write error"
needs "the files it reads" /sys/block /dev/loop /proc/self/mountinfo \
  /proc/partitions /proc/self/exe
needs "the facts and the acceptance rule" lo_file_name LOOP_GET_STATUS64 \
  "same device number" inode secure_getenv
needs "the example set-ups" docker podman kubectl \
  "LOSETUP_CONTAINER_BIND_MOUNTS=" "LOSETUP_CONTAINER_DEBUG=1"
needs "the intercepted spellings" "-l -O NAME,BACK-FILE" \
  "--list --output NAME,BACK-FILE" "--output=NAME,BACK-FILE" \
  "-lONAME,BACK-FILE"
needs "losetup(8) under SEE ALSO" "losetup(8)"

# ------------------------------------------------- agreement with --help
if LC_ALL=C "$LC" --help >"$SCRATCH/help" 2>"$SCRATCH/help.err"; then
  # Options and variables, as --help spells them.
  grep -o -e '--[a-z][a-z-]*' -e 'LOSETUP_CONTAINER_[A-Z_]*' "$SCRATCH/help" \
    | sort -u >"$SCRATCH/names"
  # The places searched for the original; the configure-time one (first,
  # when there is one) is the builder's and cannot be in the page.
  configured=$(sed -n 's/^#define ORIGINAL_LOSETUP "\(.*\)"$/\1/p' \
                 "$TOP_BUILDDIR/config.h" 2>/dev/null)
  sed -n 's|^  \(/[^ ]*\)$|\1|p' "$SCRATCH/help" \
    | grep -vxF -e "${configured:-//none//}" >>"$SCRATCH/names"
  gone=
  n=0
  while read -r name; do
    n=$((n + 1))
    grep -qF -- "$name" "$SCRATCH/flat" || gone="$gone [$name]"
  done <"$SCRATCH/names"
  if [ "$n" -lt 9 ]; then
    fail "every option, variable and path in --help is in the page: only $n names found in --help"
  elif [ -z "$gone" ]; then
    pass "every option, variable and path in --help is in the page ($n)"
  else
    fail "every option, variable and path in --help is in the page: missing$gone"
  fi
else
  fail "losetup-container --help runs"
fi

# The page's footer carries the version --version reports, put in by the
# build: the source has none of its own.
lc_expect "man/losetup-container.8.in leaves the version, date and year to the build" \
  sh -c 'grep -q "^\.TH .* @MAN_DATE@ \"losetup\\\\-container @PACKAGE_VERSION@\"" "$1" &&
         grep -q "@LC_COPYRIGHT_YEAR@" "$1"' sh "$TOP_SRCDIR/man/losetup-container.8.in"
lc_expect "the page's date is a date (.TH line: $(grep '^\.TH' "$PAGE"))" \
  grep -q '^\.TH [^ ]* 8 [0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9] ' "$PAGE"
version=$(LC_ALL=C "$LC" --version | sed -n '1s/.* //p')
if [ -n "$version" ] \
   && grep -q "^\.TH .* \"losetup\\\\-container $version\"" "$PAGE"; then
  pass "the page is for version $version"
else
  fail "the page is for version '$version' (.TH line: $(grep '^\.TH' "$PAGE"))"
fi

# ------------------------------------------------------------ installing
dirs=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
         make -s --no-print-directory -C "$TOP_BUILDDIR" lc-print-docs-dirs \
         2>/dev/null)
mandir=$(printf '%s\n' "$dirs" | sed -n 's/^mandir=//p')
if [ -z "$mandir" ]; then
  unsupported "make install-man puts the page in man8 (no mandir from the build tree)"
elif env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
       make -s --no-print-directory -C "$TOP_BUILDDIR" install-man \
       DESTDIR="$SCRATCH/dest" >"$SCRATCH/install.log" 2>&1 \
     && cmp -s "$PAGE" "$SCRATCH/dest$mandir/man8/losetup-container.8"; then
  pass "make install-man puts the page in \$(mandir)/man8"
else
  fail "make install-man puts the page in \$(mandir)/man8 ($mandir/man8)"
  sed 's/^/  | /' "$SCRATCH/install.log"
fi
