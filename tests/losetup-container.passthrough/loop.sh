#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# loop.sh -- an original that leads back to the wrapper by some path: a
# script that runs the wrapper again (with exec, or as a child), reached
# directly or through a chain of symbolic links, a second shim that names
# itself as the original, or the wrapper itself behind symbolic links.
# Each must end, within seconds, with status 126 and one clear line on
# stderr, after at most three rounds through the script or shim; before,
# each round was one more execve, for ever.  The same with a compiled
# shim, by exec or as a child.  Every original gets the count the wrapper
# keeps in LOSETUP_CONTAINER_HOPS, one more than the caller's, util-linux
# losetup too (which reads no such variable): the rest of the environment
# is the caller's.  No root needed.

. "$TESTS_SRCDIR/lib/lib.sh"
lc_init

FAKE=$HELPERS/fake-original
mkdir "$SCRATCH/bin"
ln -s "$LC" "$SCRATCH/bin/losetup"
WRAP=$SCRATCH/bin/losetup
ROUNDS=$SCRATCH/rounds

# script PATH BODY: writes an executable shell script PATH that notes each
# run in $ROUNDS, then runs BODY.
script() {
  printf '#!/bin/sh\necho round >>"%s"\n%s\n' "$ROUNDS" "$2" >"$1"
  chmod 755 "$1"
}

# loops NAME ORIGINAL COMMAND...: runs COMMAND (the wrapper, somehow) with
# LOSETUP_CONTAINER_ORIGINAL_LOSETUP=ORIGINAL, at most 10 seconds; it must
# end with 126, nothing on stdout and exactly the loop message naming
# ORIGINAL (or MSG when set) on stderr, after at most 3 rounds (ROUNDS_MAX
# when set: a shim called first makes one more).
loops() {
  _name=$1 _orig=$2; shift 2
  rm -f "$ROUNDS"
  LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$_orig timeout 10 "$@" \
    >"$SCRATCH/l.out" 2>"$SCRATCH/l.err"
  _st=$?
  _rounds=$(cat "$ROUNDS" 2>/dev/null | wc -l)
  lc_expect "$_name: ends with status 126 (got $_st after $_rounds rounds)" \
    test "$_st" = 126
  lc_expect "$_name: at most ${ROUNDS_MAX:-3} rounds (got $_rounds)" \
    test "$_rounds" -le "${ROUNDS_MAX:-3}"
  lc_expect "$_name: nothing on stdout" test ! -s "$SCRATCH/l.out"
  printf '%s\n' "${MSG:-losetup: the original losetup $_orig runs losetup-container again: a loop, stopped}" \
    >"$SCRATCH/l.want"
  if cmp -s "$SCRATCH/l.err" "$SCRATCH/l.want"; then
    pass "$_name: says so in one line"
  else
    fail "$_name: says so in one line"
    head -n 5 "$SCRATCH/l.err" | sed 's/^/  | got:  /'
    sed 's/^/  | want: /' "$SCRATCH/l.want"
  fi
}

# --- a script that runs the wrapper again ---------------------------------
script "$SCRATCH/again" "exec \"$WRAP\" \"\$@\""
loops "a script that execs the wrapper" "$SCRATCH/again" "$WRAP" -a
loops "the same, the wrapper called as losetup-container" \
  "$SCRATCH/again" "$LC" -a

# As a child, without exec: a chain of processes, each waiting.
script "$SCRATCH/child" "\"$WRAP\" \"\$@\""
loops "a script that runs the wrapper as a child" "$SCRATCH/child" "$WRAP" -a

# Reached through a chain of symbolic links.
ln -s "$SCRATCH/again" "$SCRATCH/link2"
ln -s "$SCRATCH/link2" "$SCRATCH/link1"
loops "a chain of symbolic links to such a script" "$SCRATCH/link1" "$WRAP" -a

# A second shim, as in the images, that names itself as the original.
script "$SCRATCH/shim" \
  "LOSETUP_CONTAINER_ORIGINAL_LOSETUP=\"\$0\" exec \"$LC\" \"\$@\""
ROUNDS_MAX=4 loops "a second shim that names itself as the original, called first" \
  "$SCRATCH/shim" "$SCRATCH/shim" -a
loops "a second shim that names itself as the original" "$SCRATCH/shim" \
  "$LC" -a

# --- a compiled shim that runs the wrapper again --------------------------
SHIM=$HELPERS/exec-shim
SHIM_ROUNDS=$ROUNDS SHIM_NEXT=$WRAP \
  loops "a compiled shim that execs the wrapper" "$SHIM" "$WRAP" -a
SHIM_ROUNDS=$ROUNDS SHIM_NEXT=$WRAP SHIM_CHILD=1 \
  loops "a compiled shim that runs the wrapper as a child" "$SHIM" "$WRAP" -a
# Called first, as the images call their shim: the shim's argv[0] goes
# on to the wrapper, whose messages then name the shim.
SHIM_ROUNDS=$ROUNDS SHIM_NEXT=$LC ROUNDS_MAX=4 \
  MSG="exec-shim: the original losetup $SHIM runs losetup-container again: a loop, stopped" \
  loops "a compiled shim that execs the wrapper, called first" "$SHIM" "$SHIM" -a

# A compiled original is counted and sees the count; run by such a shim,
# the stand-in still runs.
rm -f "$ROUNDS"
SHIM_ROUNDS=$ROUNDS SHIM_NEXT=$FAKE FAKE_ORIGINAL_ENV=1 \
  LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$SHIM "$WRAP" -a \
  >"$SCRATCH/s.out" 2>"$SCRATCH/s.err"
st=$?
lc_expect "a compiled shim to the stand-in: the stand-in runs (status $st)" \
  sh -c 'test "$1" = 0 && grep -qx "argv\[1\]=-a" "$2" && test ! -s "$3"' \
  sh "$st" "$SCRATCH/s.out" "$SCRATCH/s.err"
lc_expect "a compiled shim to the stand-in: the shim is counted (the count is 1)" \
  grep -qx "env:LOSETUP_CONTAINER_HOPS=1" "$SCRATCH/s.out"

# --- the wrapper itself behind symbolic links: 126 at once ----------------
ln -s "$WRAP" "$SCRATCH/self2"
ln -s "$SCRATCH/self2" "$SCRATCH/self1"
MSG="losetup: the original losetup $SCRATCH/self1 is losetup-container itself" \
  loops "symbolic links to the wrapper itself" "$SCRATCH/self1" "$WRAP" -a

# --- the count reaches every original -------------------------------------
# A script that points the wrapper at the stand-in and comes back once:
# the stand-in runs, and sees the count of the two hand-overs.
script "$SCRATCH/repoint" \
  "LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$FAKE exec \"$WRAP\" \"\$@\""
rm -f "$ROUNDS"
LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$SCRATCH/repoint FAKE_ORIGINAL_ENV=1 \
  "$WRAP" -a >"$SCRATCH/r.out" 2>"$SCRATCH/r.err"
st=$?
lc_expect "a script that comes back once: the original runs (status $st)" \
  sh -c 'test "$1" = 0 && grep -qx "argv\[1\]=-a" "$2"' sh "$st" "$SCRATCH/r.out"
lc_expect "a script that comes back once: the original sees the count 2" \
  grep -qx "env:LOSETUP_CONTAINER_HOPS=2" "$SCRATCH/r.out"
lc_expect "a script that comes back once: nothing on stderr" test ! -s "$SCRATCH/r.err"

# A count left in the caller's environment (a script original ran before)
# goes on one higher; the rest is passed unchanged.
LOSETUP_CONTAINER_HOPS=2 FAKE_ORIGINAL_ENV=1 \
  LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$FAKE "$WRAP" -a | grep '^env:' \
  | sort >"$SCRATCH/env.wrapped"
LOSETUP_CONTAINER_HOPS=3 FAKE_ORIGINAL_ENV=1 \
  LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$FAKE "$FAKE" -a \
  | grep '^env:' | sort >"$SCRATCH/env.direct"
lc_expect "a count of 2 goes on as 3, the rest of the environment unchanged" \
  cmp -s "$SCRATCH/env.wrapped" "$SCRATCH/env.direct"
LOSETUP_CONTAINER_HOPS=3 FAKE_ORIGINAL_ENV=1 \
  LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$FAKE "$WRAP" -a >"$SCRATCH/h3.out" 2>&1
st=$?
lc_expect "a count of 3 stops the chain before any original (status $st)" \
  sh -c 'test "$1" = 126 && ! grep -q "^argv" "$2"' sh "$st" "$SCRATCH/h3.out"

# util-linux losetup itself, as the kernel is asked to run it: the count
# in the environment of its execve, which the wrapper makes.
if [ -n "$UL" ] && command -v strace >/dev/null 2>&1 \
   && strace -o /dev/null true 2>/dev/null; then
  LOSETUP_CONTAINER_HOPS=1 LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$UL \
    strace -f -qq -v -s 4096 -e trace=execve -o "$SCRATCH/ul.st" \
    "$WRAP" --version >/dev/null 2>&1
  grep -F "execve(\"$UL\"" "$SCRATCH/ul.st" >"$SCRATCH/ul.exec"
  lc_expect "util-linux losetup is run once, by the wrapper" \
    test "$(wc -l <"$SCRATCH/ul.exec")" = 1
  lc_expect "util-linux losetup is run with the count, one higher" \
    grep -qF '"LOSETUP_CONTAINER_HOPS=2"' "$SCRATCH/ul.exec"
  lc_expect "the rest of its environment is the caller's (PATH passed on)" \
    grep -qF "\"PATH=$PATH\"" "$SCRATCH/ul.exec"
else
  unsupported "util-linux losetup's environment (util-linux losetup or strace missing)"
fi

# --- util-linux behind a script: its own answer, byte for byte ------------
if [ -n "$UL" ]; then
  # The script runs it by its path, which getopt's messages then name.
  script "$SCRATCH/to-ul" "exec \"$UL\" \"\$@\""
  for args in -V --help "-l -O NAME,BACK-FILE /dev/loop-nonexistent" -x; do
    # shellcheck disable=SC2086
    lc_same_output "util-linux behind a script: losetup $args" \
      env LOSETUP_CONTAINER_ORIGINAL_LOSETUP="$SCRATCH/to-ul" \
        PATH="$SCRATCH/bin:$PATH" losetup $args -- \
      "$UL" $args
  done
else
  unsupported "util-linux behind a script (util-linux losetup not found)"
fi

# --- the listing is answered whatever the count says ----------------------
LOSETUP_CONTAINER_HOPS=9 "$WRAP" -l -O NAME,BACK-FILE >/dev/null 2>"$SCRATCH/list.err"
st=$?
lc_expect "the listing with a count of 9: status 0, nothing on stderr" \
  sh -c 'test "$1" = 0 && test ! -s "$2"' sh "$st" "$SCRATCH/list.err"
exit 0
