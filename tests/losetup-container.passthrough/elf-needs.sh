#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# elf-needs.sh -- src/elfneeds.c against readelf, on real programs and
# libraries: this machine's, and those of each cached debootstrap root of
# another architecture (32-bit, big-endian) when the arch tests have made
# them.  For each of three libraries, every file's answer must be
# readelf's: needed exactly when "readelf -d" lists it as NEEDED.
# No root needed.

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/roots.sh"
lc_init

if ! command -v readelf >/dev/null 2>&1; then
  unsupported "elf-needs: readelf (binutils) is missing"
  exit 0
fi

# files DIR...: prints up to 120 regular files of each DIR (programs and
# shared libraries) that this user may read, sorted, one per line, and
# util-linux losetup's.
files() {
  for _d; do
    find "$_d" -maxdepth 1 -type f -readable 2>/dev/null | LC_ALL=C sort |
      head -n 120
  done
  for _d; do
    [ -f "$_d/losetup" ] && echo "$_d/losetup"
  done
}

# agree LABEL SONAME LIST NEEDED: each file of the file LIST, as
# elf-needs sees it and as readelf saw it (NEEDED: for each file of LIST
# in order, a line of the names that "readelf -d" lists as NEEDED).
agree() {
  _n=$(wc -l <"$3")
  tr '\n' '\0' <"$3" | xargs -0 "$HELPERS/elf-needs" "$2" >"$SCRATCH/got" 2>&1
  paste -d '\n' "$4" "$3" |
    awk -v want="$2" 'NR % 2 == 1 { yes = 0; for (i = 1; i <= NF; i++) if ($i == want) yes = 1; next }
                      { print (yes ? "yes " : "no ") $0 }' >"$SCRATCH/want"
  _yes=$(grep -c '^yes ' "$SCRATCH/want")
  if cmp -s "$SCRATCH/got" "$SCRATCH/want"; then
    pass "$1: $2: $_n files as readelf reads them ($_yes need it)"
  else
    fail "$1: $2: $_n files as readelf reads them ($_yes need it)"
    diff "$SCRATCH/want" "$SCRATCH/got" | head -n 10 | sed 's/^/  | /'
  fi
}

# check_tree LABEL ROOT: the programs and libraries of ROOT, each read
# once by readelf.
check_tree() {
  files "$2/usr/sbin" "$2/usr/bin" "$2"/usr/lib/*-linux-gnu* |
    awk '!seen[$0]++' >"$SCRATCH/list"
  grep -q . "$SCRATCH/list" || { fail "$1: no files under $2"; return; }
  while IFS= read -r _f; do
    readelf -d "$_f" 2>/dev/null |
      awk '/\(NEEDED\)/ { n = $NF; gsub(/^\[|\]$/, "", n); printf "%s ", n } END { print "" }'
  done <"$SCRATCH/list" >"$SCRATCH/needed"
  for _so in libsmartcols.so.1 libc.so.6 libmount.so.1; do
    agree "$1" "$_so" "$SCRATCH/list" "$SCRATCH/needed"
  done
}

check_tree "this machine" ""
# Another architecture's root: its files are read, never run, under the
# cache's lock (shared: no run may remake a root meanwhile).
[ -r "$CACHE/.lock" ] || exit 0
exec 9<"$CACHE/.lock"
if ! flock -s -w 600 9; then
  fail "the cache $CACHE stayed locked"
  exit 0
fi
for _root in "$CACHE"/*-*; do
  case $_root in *.stamp|*.new|*/build-*|*/cross-*|*/deb-*|*/podman) continue ;; esac
  [ -d "$_root/usr/bin" ] || continue
  case ${_root##*-} in amd64) continue ;; esac
  check_tree "root ${_root##*/}" "$_root"
done
exit 0
