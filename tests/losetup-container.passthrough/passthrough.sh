#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# passthrough.sh -- every call that is not intercepted reaches the original
# losetup by execv(): same bytes, same status, same process, same argv.
# With LC_UL_ROOT set (tests/lib/ul-target.sh) only the comparison
# with util-linux runs, in that root against its losetup.

. "$TESTS_SRCDIR/lib/lib.sh"
lc_init

# The suite clears the program's variables, the count of hand-overs too:
# a count left by the caller (a shell inside a chain) would end every
# hand-over here with 126.
lc_expect "the suite runs without LOSETUP_CONTAINER_HOPS" \
  test -z "${LOSETUP_CONTAINER_HOPS+set}"

FAKE=$HELPERS/fake-original
# Called by the name "losetup", as when installed in its place, so that
# util-linux's messages (which use argv[0]) read the same either way: both
# programs are found through PATH and get argv[0] = "losetup".
mkdir "$SCRATCH/bin" "$SCRATCH/ul"
ln -s "$LC" "$SCRATCH/bin/losetup"
WRAP=$SCRATCH/bin/losetup
[ -z "$REF" ] || ln -s "$REF" "$SCRATCH/ul/losetup"

# --- against util-linux itself --------------------------------------
if [ -z "$REF" ]; then
  unsupported "byte-identical pass-through (util-linux losetup not found)"
else
  export LOSETUP_CONTAINER_ORIGINAL_LOSETUP="$REF"
  # Each line: a description, a tab, the arguments (word-split).
  while IFS='	' read -r desc args; do
    [ -n "$desc" ] || continue
    # shellcheck disable=SC2086
    lc_same_output "same as losetup: $desc" \
      $RUN env PATH="$SCRATCH/bin:$PATH" losetup $args -- \
      $RUN env PATH="$SCRATCH/ul:$PATH" losetup $args
    # Under its own name with the variable set, as the images' shim runs
    # it: the same bytes (the original is run by the name "losetup").
    # This is the one home of --version, -V, --help and -h behind the shim.
    # shellcheck disable=SC2086
    lc_same_output "same as losetup under its own name with the variable: $desc" \
      $RUN "$LC" $args -- $RUN env PATH="$SCRATCH/ul:$PATH" losetup $args
  done <<'FORMS'
no arguments	
-a	-a
-l	-l
--version	--version
-V	-V
-h	-h
--help	--help
--help with another argument	--help -a
unknown option	-x
unknown long option	--bogus
ambiguous --out	-l --out NAME,BACK-FILE
ambiguous --l	--l -O NAME,BACK-FILE
bad column	-l -O NAME,NOPE
reordered columns	-O BACK-FILE,NAME
one more column	-l -O NAME,BACK-FILE,RO
a device argument	-l -O NAME,BACK-FILE /dev/loop0
a missing device	-l -O NAME,BACK-FILE /dev/loop-nonexistent
-n	-l -n -O NAME,BACK-FILE
--raw	-l --raw -O NAME,BACK-FILE
-J	-l -J -O NAME,BACK-FILE
--output-all	-l --output-all
-j	-j /nonexistent
-O without argument	-l -O
-d without argument	-d
-c without argument	-c
-d with a missing device	-d /dev/loop-nonexistent
--detach=device	--detach=/dev/loop-nonexistent
--remove	--remove /dev/loop-nonexistent
-v	-v -l -O NAME,BACK-FILE
--verbose	--verbose -a
--ve (verbose or version)	--ve
--loop-ref	--loop-ref x -l -O NAME,BACK-FILE
--lo	--lo x -l
--l	--l -O NAME,BACK-FILE
-l with -d	-l -d
FORMS
  unset LOSETUP_CONTAINER_ORIGINAL_LOSETUP
fi
[ -z "${LC_UL_ROOT:-}" ] || exit 0

# --- the exec itself, seen by a stand-in original ---------------------
export LOSETUP_CONTAINER_ORIGINAL_LOSETUP="$FAKE"

# Same process: the shell's PID survives two execs (sh -> wrapper -> fake).
out=$(sh -c 'echo "shell=$$"; exec "$0" "$@"' "$WRAP" -a 2>&1)
shell_pid=$(printf '%s\n' "$out" | sed -n 's/^shell=//p')
fake_pid=$(printf '%s\n' "$out" | sed -n 's/^pid=//p')
lc_expect "same PID after execv ($shell_pid = $fake_pid)" \
  test -n "$shell_pid" -a "$shell_pid" = "$fake_pid"

# argv, argv[0] included, arrives untouched, odd arguments and all.
"$WRAP" -l '' 'two words' --output 'NAME,BACK-FILE' -- '-x' >"$SCRATCH/argv.out"
printf '%s\n' "argv[0]=$WRAP" "argv[1]=-l" "argv[2]=" "argv[3]=two words" \
  "argv[4]=--output" "argv[5]=NAME,BACK-FILE" "argv[6]=--" "argv[7]=-x" \
  >"$SCRATCH/argv.want"
lc_expect "argv passed as given, argv[0] kept" \
  sh -c 'grep "^argv" "$1" | cmp -s - "$2"' sh "$SCRATCH/argv.out" "$SCRATCH/argv.want"

# Under its own name with the variable set, argv[0] becomes "losetup" and
# the rest arrives untouched.
"$LC" -l '' 'two words' -- '-x' >"$SCRATCH/argv-own.out"
printf '%s\n' "argv[0]=losetup" "argv[1]=-l" "argv[2]=" "argv[3]=two words" \
  "argv[4]=--" "argv[5]=-x" >"$SCRATCH/argv-own.want"
lc_expect "under its own name with the variable: argv[0] is losetup, the rest kept" \
  sh -c 'grep "^argv" "$1" | cmp -s - "$2"' sh "$SCRATCH/argv-own.out" \
  "$SCRATCH/argv-own.want"

# The environment arrives unchanged but for the one variable added, the
# count of hand-overs: compare with the stand-in run directly.
FAKE_ORIGINAL_ENV=1 LC_TEST_MARK='a b' "$WRAP" -a | grep '^env:' | sort \
  >"$SCRATCH/env.wrapped"
FAKE_ORIGINAL_ENV=1 LC_TEST_MARK='a b' LOSETUP_CONTAINER_HOPS=1 "$FAKE" -a \
  | grep '^env:' | sort >"$SCRATCH/env.direct"
lc_expect "environment passed unchanged, LOSETUP_CONTAINER_HOPS=1 added" \
  cmp -s "$SCRATCH/env.wrapped" "$SCRATCH/env.direct"

# Standard input is the original's.
got=$(printf 'from stdin\n' | FAKE_ORIGINAL_CAT=1 "$WRAP" -a | tail -n 1)
lc_expect "standard input reaches the original" test "$got" = "from stdin"

# Exit status and death by signal are the original's.
FAKE_ORIGINAL_END=exit:42 "$WRAP" -a >/dev/null 2>&1
lc_expect "exit status 42 passed through" test $? -eq 42
sh -c 'FAKE_ORIGINAL_END=signal:15 "$0" -a >/dev/null 2>&1; echo "$?" >"$1"' \
  "$WRAP" "$SCRATCH/sig.status"
lc_expect "death by SIGTERM passed through (status $(cat "$SCRATCH/sig.status"))" \
  test "$(cat "$SCRATCH/sig.status")" = 143

# Nothing of our own on stdout or stderr on the way.
"$WRAP" -a >"$SCRATCH/q.out" 2>"$SCRATCH/q.err"
lc_expect "no output of our own on stderr" test ! -s "$SCRATCH/q.err"

# --- no usable original -------------------------------------------------
# run_for STATUS-FILE ERR-FILE ...: runs the wrapper with a time limit.
run_for() {
  _st=$1 _err=$2; shift 2
  timeout 5 "$@" >/dev/null 2>"$_err"
  echo $? >"$_st"
}

# Named as its own original it is found but cannot be run: 126, as for
# any way back to itself (loop.sh has the longer ways).
LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$LC run_for "$SCRATCH/s" "$SCRATCH/e" "$WRAP" -a
lc_expect "pointing at itself: 126 (got $(cat "$SCRATCH/s"))" test "$(cat "$SCRATCH/s")" = 126
lc_expect "pointing at itself: says so" \
  grep -qx "losetup: the original losetup $LC is losetup-container itself" "$SCRATCH/e"

LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$WRAP run_for "$SCRATCH/s" "$SCRATCH/e" "$WRAP" -a
lc_expect "pointing at a symlink to itself: 126 (got $(cat "$SCRATCH/s"))" \
  test "$(cat "$SCRATCH/s")" = 126
start=$(date +%s)
LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$WRAP "$WRAP" -a >/dev/null 2>&1
lc_expect "self-reference ends within a second" test $(( $(date +%s) - start )) -le 1

LOSETUP_CONTAINER_ORIGINAL_LOSETUP=/nonexistent/losetup \
  run_for "$SCRATCH/s" "$SCRATCH/e" "$WRAP" -a
lc_expect "missing original: 127" test "$(cat "$SCRATCH/s")" = 127
lc_expect "missing original: message names the path" \
  grep -q "^losetup: cannot find the original losetup; tried: /nonexistent/losetup (not found)\$" "$SCRATCH/e"
LOSETUP_CONTAINER_ORIGINAL_LOSETUP=/nonexistent/losetup \
  run_for "$SCRATCH/s" "$SCRATCH/e" "$LC" -a
lc_expect "missing original, under its own name: 127" test "$(cat "$SCRATCH/s")" = 127
lc_expect "missing original, under its own name: the message names losetup" \
  grep -qx "losetup: cannot find the original losetup; tried: /nonexistent/losetup (not found)" "$SCRATCH/e"

printf '#!/bin/sh\necho never\n' >"$SCRATCH/noexec"
chmod 644 "$SCRATCH/noexec"
LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$SCRATCH/noexec \
  run_for "$SCRATCH/s" "$SCRATCH/e" "$WRAP" -a
if [ "$(id -u)" -eq 0 ] && [ -x "$SCRATCH/noexec" ]; then
  unsupported "not executable: 126 (root can execute anything here)"
else
  lc_expect "not executable: 126 (got $(cat "$SCRATCH/s"))" test "$(cat "$SCRATCH/s")" = 126
  lc_expect "not executable: message names the path" \
    grep -q "cannot run the original losetup $SCRATCH/noexec" "$SCRATCH/e"
fi

LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$SCRATCH run_for "$SCRATCH/s" "$SCRATCH/e" "$WRAP" -a
lc_expect "a directory: 126 (got $(cat "$SCRATCH/s"))" test "$(cat "$SCRATCH/s")" = 126

LOSETUP_CONTAINER_ORIGINAL_LOSETUP=bin/losetup run_for "$SCRATCH/s" "$SCRATCH/e" "$WRAP" -a
lc_expect "a relative path: 127 (got $(cat "$SCRATCH/s"))" test "$(cat "$SCRATCH/s")" = 127
lc_expect "a relative path: says so" grep -q "bin/losetup (not an absolute path)" "$SCRATCH/e"

# With nothing at any default place, every place is named.  /usr/sbin is
# hidden in a private mount namespace only.
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null; then
  unset LOSETUP_CONTAINER_ORIGINAL_LOSETUP
  unshare -m sh -c 'mount -t tmpfs none /usr/sbin
    [ -L /sbin ] || mount -t tmpfs none /sbin
    "$1" -a >/dev/null 2>"$2"; echo $? >"$3"' sh "$WRAP" "$SCRATCH/e" "$SCRATCH/s"
  lc_expect "no original anywhere: 127" test "$(cat "$SCRATCH/s")" = 127
  for p in $DEFAULT_ORIGINALS; do
    lc_expect "no original anywhere: names $p" grep -qF "$p (not found)" "$SCRATCH/e"
  done
else
  unsupported "no original anywhere (needs root and unshare -m)"
fi
exit 0
