#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# hostile-original.sh -- LOSETUP_CONTAINER_ORIGINAL_LOSETUP set to what it
# should not be.  Each case gets losetup's own answer (the variable empty
# is the variable unset) or one clear line on stderr and env(1)'s status:
# 127 when nothing can be found, 126 when what was found cannot be run.
# No root needed.

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/hardening.sh"
lc_init

# Our program under the name losetup, as installed: messages and
# losetup's own --version then say "losetup".
mkdir "$SCRATCH/bin"
ln -s "$LC" "$SCRATCH/bin/losetup"
OURS=$SCRATCH/bin/losetup

# refused NAME VALUE STATUS MESSAGE: the pass-through "losetup -V" with
# the variable set to VALUE prints nothing on stdout, exactly MESSAGE
# (one line) on stderr, and exits with STATUS.
refused() {
  _name=$1 _value=$2 _status=$3 _msg=$4
  LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$_value "$OURS" -V \
    >"$SCRATCH/r.out" 2>"$SCRATCH/r.err"
  _got=$?
  printf '%s\n' "$_msg" >"$SCRATCH/r.want"
  lc_expect "$_name: exit status $_status" test "$_got" = "$_status"
  lc_expect "$_name: nothing on stdout" test ! -s "$SCRATCH/r.out"
  if cmp -s "$SCRATCH/r.err" "$SCRATCH/r.want"; then
    pass "$_name: the message names it"
  else
    fail "$_name: the message names it"
    sed 's/^/  | got:  /' "$SCRATCH/r.err"
    sed 's/^/  | want: /' "$SCRATCH/r.want"
  fi
}

# --- empty: the same as unset, the usual places are searched -------------
if [ -n "$UL" ]; then
  # util-linux answers: its -V, byte for byte, status and all.
  lc_same_output "empty: losetup's own -V, as when unset" \
    env LOSETUP_CONTAINER_ORIGINAL_LOSETUP= "$OURS" -V -- "$UL" -V
  lc_same_output "unset: losetup's own -V" \
    env -u LOSETUP_CONTAINER_ORIGINAL_LOSETUP "$OURS" -V -- "$UL" -V
else
  unsupported "empty: util-linux losetup not found in the usual places"
fi

# --- relative: refused even when it names an executable ------------------
# A relative name would be looked up from whatever directory the caller
# is in; a root tool must not run that.  Make it exist, and executable,
# from the directory the test runs in, to show that it is not run.
mkdir -p "$SCRATCH/cwd/sbin"
cp "$HELPERS/fake-original" "$SCRATCH/cwd/sbin/losetup"
cd "$SCRATCH/cwd" || exit 1
refused "relative" sbin/losetup 127 \
  "losetup: cannot find the original losetup; tried: sbin/losetup (not an absolute path)"
refused "relative, bare name" losetup 127 \
  "losetup: cannot find the original losetup; tried: losetup (not an absolute path)"
refused "relative, ./" ./sbin/losetup 127 \
  "losetup: cannot find the original losetup; tried: ./sbin/losetup (not an absolute path)"
cd / || exit 1

# --- missing --------------------------------------------------------------
refused "missing" "$SCRATCH/nonexistent/losetup" 127 \
  "losetup: cannot find the original losetup; tried: $SCRATCH/nonexistent/losetup (not found)"

# --- a directory, a file that is not executable, one that is no program --
mkdir "$SCRATCH/dir"
refused "a directory" "$SCRATCH/dir" 126 \
  "losetup: cannot run the original losetup $SCRATCH/dir: Permission denied"
printf '#!/bin/sh\necho should not run\n' >"$SCRATCH/noexec"
chmod 644 "$SCRATCH/noexec"
refused "not executable" "$SCRATCH/noexec" 126 \
  "losetup: cannot run the original losetup $SCRATCH/noexec: Permission denied"
printf '\177ELF garbage\n' >"$SCRATCH/garbage"
chmod 755 "$SCRATCH/garbage"
refused "executable but no program" "$SCRATCH/garbage" 126 \
  "losetup: cannot run the original losetup $SCRATCH/garbage: Exec format error"

# --- longer than PATH_MAX (4096) ------------------------------------------
LONG=$(awk 'BEGIN { s = ""; while (length(s) < 5000) s = s "/very-long-directory-name"; print s "/losetup" }')
refused "a path beyond PATH_MAX" "$LONG" 127 \
  "losetup: cannot find the original losetup; tried: $LONG (not found)"

# --- a name with a newline: still one line on stderr ----------------------
# The message must not be split in two (a second line would look like a
# message of its own to whoever reads the log line by line).
NL="$SCRATCH/new
line"
LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$NL "$OURS" -V >"$SCRATCH/r.out" 2>"$SCRATCH/r.err"
st=$?
lc_expect "a name with a newline: exit status 127" test "$st" = 127
lc_expect "a name with a newline: one line on stderr" \
  test "$(wc -l <"$SCRATCH/r.err")" = 1
lc_expect "a name with a newline: the message names it" \
  grep -q "^losetup: cannot find the original losetup; tried: .*$SCRATCH/new.*line.* (not found)\$" "$SCRATCH/r.err"

# --- a hop count left in the environment ----------------------------------
# LOSETUP_CONTAINER_HOPS is the program's own count of hand-overs.  A value
# the caller leaves in it can only end a chain sooner: below 3 (or not a
# number) util-linux runs and sees the count one higher; from 3 on the
# call ends with status 126 and the loop's message, and nothing runs.
if [ -n "$UL" ]; then
  for v in -1 abc ''; do
    lc_same_output "LOSETUP_CONTAINER_HOPS='$v': losetup's own -V" \
      env LOSETUP_CONTAINER_HOPS="$v" "$OURS" -V -- "$UL" -V
  done
else
  unsupported "a hop count left in the environment: util-linux losetup not found"
fi
for v in 3 99999999999999999999999; do
  FAKE_ORIGINAL_ENV=1 LOSETUP_CONTAINER_HOPS=$v \
    LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$HELPERS/fake-original "$OURS" -a \
    >"$SCRATCH/h.out" 2>"$SCRATCH/h.err"
  st=$?
  lc_expect "a hop count of $v left in the environment: status 126, nothing run" \
    sh -c 'test "$1" = 126 && test ! -s "$2"' sh "$st" "$SCRATCH/h.out"
  lc_expect "a hop count of $v left in the environment: the loop's message" \
    grep -qx "losetup: the original losetup .*fake-original runs losetup-container again: a loop, stopped" "$SCRATCH/h.err"
done
FAKE_ORIGINAL_ENV=1 LOSETUP_CONTAINER_HOPS=2 \
  LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$HELPERS/fake-original "$OURS" -a \
  >"$SCRATCH/h.out" 2>"$SCRATCH/h.err"
st=$?
lc_expect "a hop count of 2 left in the environment: the stand-in runs (status $st)" \
  test "$st" = 0
lc_expect "a hop count of 2 left in the environment: the stand-in sees 3" \
  grep -qx "env:LOSETUP_CONTAINER_HOPS=3" "$SCRATCH/h.out"

# --- the listing itself never needs the original ---------------------------
LOSETUP_CONTAINER_ORIGINAL_LOSETUP=relative "$OURS" $LIST >"$SCRATCH/l.out" 2>"$SCRATCH/l.err"
st=$?
lc_expect "the listing is answered whatever the variable says: status 0" test "$st" = 0
lc_expect "the listing is answered whatever the variable says: no message" \
  test ! -s "$SCRATCH/l.err"
exit 0
