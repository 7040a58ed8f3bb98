#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# forms.sh -- the detection table of tests/unit/test-detect.c, proved
# against a real losetup: this machine's, or a root's (LC_UL_ROOT, see
# tests/lib/ul-target.sh).
#
# One device is attached inside a container and shows a cut path in
# losetup's listing; with LOSETUP_CONTAINER_BIND_MOUNTS our listing shows
# the real one, so every run tells whether we answered or handed over.
# For each form and the version of that losetup:
#  - a form the table says is taken: losetup prints for it exactly what it
#    prints for "-l -O NAME,BACK-FILE" (it reads it as the request), and so
#    do we (we answered);
#  - any other form: our bytes, stderr and status are losetup's (handed
#    over; had we answered, the corrected path would show).

. "$TESTS_SRCDIR/lib/lib.sh"
lc_need_unshare "detection forms"
lc_init

FORMS=$TESTS_BUILDDIR/unit/test-detect
if [ ! -x "$FORMS" ]; then
  fail "detection forms: $FORMS is not built"
  exit 0
fi

version=$(ul_target_version)
if [ -z "$version" ]; then
  fail "detection forms: the version of $REF"
  exit 0
fi
echo "util-linux $version"

# A device attached in "container 1" (the pool bound at /pool), which is
# gone when the listing runs.
mkdir "$SCRATCH/pool" "$SCRATCH/ct"
truncate -s 1M "$SCRATCH/pool/forms.img"
lc_ct_attach "$SCRATCH/ct" "$SCRATCH/pool/forms.img" "$SCRATCH/pool:/pool" -- \
  "$UL" --show -f /pool/forms.img || { fail "attach in a container"; exit 0; }
export LOSETUP_CONTAINER_BIND_MOUNTS="$SCRATCH/pool"
export LOSETUP_CONTAINER_ORIGINAL_LOSETUP="$REF"

# Both called "losetup", so that messages read the same.
lc_as_losetup

# run WHO OUT ARG...: runs our program (WHO = ours) or losetup (theirs)
# with ARGs; stdout, stderr and status in OUT.out, OUT.err and OUT.st.
run() {
  _who=$1 _o=$2; shift 2
  if [ "$_who" = ours ]; then
    $RUN $OURS "$@" >"$_o.out" 2>"$_o.err"
  else
    $RUN $THEIRS "$@" >"$_o.out" 2>"$_o.err"
  fi
  echo $? >"$_o.st"
}

# same_run A B: A's and B's stdout, stderr and status are the same.
same_run() {
  cmp -s "$1.out" "$2.out" && cmp -s "$1.err" "$2.err" && cmp -s "$1.st" "$2.st"
}

C=$SCRATCH/canon
run ours "$C.ours" -l -O NAME,BACK-FILE
run theirs "$C.theirs" -l -O NAME,BACK-FILE
lc_expect_back_file "util-linux $version shows the cut path" "$C.theirs.out" \
  "$DEV" /forms.img
lc_expect_back_file "we show the real path" "$C.ours.out" "$DEV" \
  "$SCRATCH/pool/forms.img"

# taken_ok F: form F (in $@ after it) is read as the request by losetup
# and answered by us: for each, the same status and stderr as for "-l -O
# NAME,BACK-FILE", a header, and the marker device's row with the cut
# path (losetup) or the real one (us).  Only that row is compared: other
# tests attach and detach devices all the time.
taken_ok() {
  _f=$1; shift
  run ours "$_f.ours" "$@"
  run theirs "$_f.theirs" "$@"
  for _who in ours theirs; do
    cmp -s "$_f.$_who.st" "$C.$_who.st" && cmp -s "$_f.$_who.err" "$C.$_who.err" \
      && head -n 1 "$_f.$_who.out" | grep -q '^NAME  *BACK-FILE$' \
      || { sed "s/^/  | $_who: /" "$_f.$_who.out" "$_f.$_who.err"; return 1; }
  done
  [ "$(lc_back_file "$_f.theirs.out" "$DEV")" = /forms.img ] \
    && [ "$(lc_back_file "$_f.ours.out" "$DEV")" = "$SCRATCH/pool/forms.img" ]
}

# handed_ok F: our stdout, stderr and status for the form (in $@ after F)
# are losetup's.  Other tests attach and detach devices meanwhile: a
# difference is run again, up to five runs in all, only when the bound
# devices changed during the pair (lc_bound_loops), and each such try is
# said in the log.
handed_ok() {
  _f=$1; shift
  _try=1
  while :; do
    lc_bound_loops >"$SCRATCH/bound.before"
    run ours "$_f.ours" "$@"
    run theirs "$_f.theirs" "$@"
    if same_run "$_f.ours" "$_f.theirs"; then
      return 0
    fi
    lc_bound_loops >"$SCRATCH/bound.after"
    cmp -s "$SCRATCH/bound.before" "$SCRATCH/bound.after" && break
    echo "${_f##*/}: run $_try differs, and loop devices were attached or detached during it"
    [ $_try -lt 5 ] || break
    _try=$((_try + 1))
    sleep 1
  done
  for _x in out err st; do
    diff "$_f.theirs.$_x" "$_f.ours.$_x" | sed "s/^/  | $_x: /"
  done
  return 1
}

"$FORMS" --forms "$version" >"$SCRATCH/forms" || {
  fail "detection forms: $FORMS --forms $version"
  exit 0
}
i=0
while IFS='	' read -r taken why args; do
  i=$((i + 1))
  eval "set -- $args"
  if [ "$taken" = yes ]; then
    lc_expect "$version: $why: losetup reads it as the request, we answer it" \
      taken_ok "$SCRATCH/f$i" "$@"
  else
    lc_expect "$version: $why: handed over, same bytes as losetup" \
      handed_ok "$SCRATCH/f$i" "$@"
  fi
done <"$SCRATCH/forms"
lc_expect "detection forms: the table has forms" test "$i" -gt 40
exit 0
