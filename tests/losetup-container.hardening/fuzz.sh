#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# fuzz.sh -- the libFuzzer targets of tests/fuzz, briefly: built with
# "make fuzz-programs" (clang, ASan, UBSan), each run for FUZZ_TEST_SECONDS
# (default 10) from its committed seeds.  A target that stops (a crash, a
# sanitizer report, a broken property, a leak) is a FAIL, with the input
# that did it.  Without clang and libFuzzer: UNSUPPORTED.
#
# First, the checks themselves are checked: fuzz-resolve with a lying stat
# (LC_FUZZ_SELFTEST) must fail on its seeds.

. "$TESTS_SRCDIR/lib/lib.sh"
lc_init

CC=${FUZZ_CC:-clang}
SECS=${FUZZ_TEST_SECONDS:-10}

printf 'int LLVMFuzzerTestOneInput (const char *d, unsigned long n)\n{ return 0; }\n' \
  >"$SCRATCH/probe.c"
if ! "$CC" -fsanitize=fuzzer,address,undefined -o "$SCRATCH/probe" \
     "$SCRATCH/probe.c" >"$SCRATCH/probe.log" 2>&1; then
  unsupported "fuzzing: '$CC' cannot build libFuzzer targets (Debian: clang, libclang-rt-dev)"
  exit 0
fi

# Built in the build tree by its own rule; the make that runs this test
# passes its job server in MAKEFLAGS, which a make started from here must
# not try to use.
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
     make -C "$TOP_BUILDDIR" FUZZ_CC="$CC" fuzz-programs \
     >"$SCRATCH/build.log" 2>&1; then
  pass "the targets build"
else
  fail "the targets build"
  tail -n 30 "$SCRATCH/build.log" | sed 's/^/  | /'
  exit 0
fi

# The targets, as tests/fuzz/local.mk lists them.
TARGETS=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
            make -s --no-print-directory -C "$TOP_BUILDDIR" lc-print-fuzz-targets)
lc_expect "make lists the targets ($TARGETS)" test -n "$TARGETS"

# The checks can fail.
if LC_FUZZ_SELFTEST=1 "$TESTS_BUILDDIR/fuzz/fuzz-resolve" \
     "$TESTS_SRCDIR/fuzz/corpus/fuzz-resolve"/* >"$SCRATCH/selftest.log" 2>&1; then
  fail "a lying stat is caught by fuzz-resolve's checks"
else
  lc_expect "a lying stat is caught by fuzz-resolve's checks" \
    grep -q 'property broken' "$SCRATCH/selftest.log"
fi

for t in $TARGETS; do
  seeds=$TESTS_SRCDIR/fuzz/corpus/$t
  if [ -z "$(ls -A "$seeds" 2>/dev/null)" ]; then
    fail "$t: no seeds in $seeds"
    continue
  fi
  mkdir "$SCRATCH/$t"
  "$TESTS_BUILDDIR/fuzz/$t" -max_total_time="$SECS" -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$SCRATCH/$t-" \
    "$SCRATCH/$t" "$seeds" >"$SCRATCH/$t.log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$SCRATCH/$t.log")
  if [ "$rc" = 0 ] && [ "${execs:-0}" -gt 0 ]; then
    pass "$t: $execs executions in ${SECS}s, no failure"
  else
    fail "$t: stopped with status $rc after ${execs:-0} executions"
    grep -v '^#' "$SCRATCH/$t.log" | tail -n 40 | sed 's/^/  | /'
    for a in "$SCRATCH/$t-"*; do
      [ -f "$a" ] && echo "  | input (base64): $(base64 -w0 "$a")"
    done
  fi
done
exit 0
