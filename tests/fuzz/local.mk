# tests/fuzz/local.mk -- libFuzzer targets for the code that reads outside data.
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   make fuzz                 builds every target and runs each for
#                             FUZZ_SECONDS (default 60) over its seeds
#   make fuzz FUZZ_TARGETS=fuzz-resolve FUZZ_SECONDS=600
#   make fuzz-programs        builds them only (the DejaGnu test does this)
#
# The targets need clang with libFuzzer (Debian: clang and libclang-rt-dev).
# They are built with FUZZ_CC, whatever CC the tree was configured with:
# the units under test (src/) with coverage, ASan and UBSan, and gnulib's
# lib/ with ASan and UBSan, into tests/fuzz/obj, against the headers this
# tree was configured with.  The committed seeds in tests/fuzz/corpus/ are
# only read; what a run finds goes to tests/fuzz/corpus-new/ and crashes
# to tests/fuzz/artifacts/ in the build tree.

FUZZ_CC = clang
FUZZ_SECONDS = 60
FUZZ_FLAGS =
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer
FUZZ_SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all

# The targets, the one list of them: each is tests/fuzz/NAME.c with seeds
# in tests/fuzz/corpus/NAME/.  "make lc-print-fuzz-targets" prints it for
# the hardening test.
fuzz_all_targets = fuzz-bind-mounts fuzz-detect fuzz-resolve fuzz-sysfs
FUZZ_TARGETS = $(fuzz_all_targets)

fuzz_programs = $(fuzz_all_targets:%=tests/fuzz/%)
fuzz_core_objects = tests/fuzz/obj/src/detect.o tests/fuzz/obj/src/loopdev.o \
  tests/fuzz/obj/src/ulversions.o tests/fuzz/obj/src/resolve.o
fuzz_cppflags = $(DEFS) -I$(top_builddir) -I$(top_srcdir)/src \
  -I$(top_srcdir)/tests/fuzz $(AM_CPPFLAGS) $(CPPFLAGS)

fuzz_verbose = $(fuzz_verbose_@AM_V@)
fuzz_verbose_ = $(fuzz_verbose_@AM_DEFAULT_V@)
fuzz_verbose_0 = @echo "  FUZZCC  " $@;

tests/fuzz/obj/src/%.o: src/%.c $(BUILT_SOURCES) config.h
	@$(MKDIR_P) $(@D)
	$(fuzz_verbose)$(FUZZ_CC) $(fuzz_cppflags) $(src_libcore_a_CPPFLAGS) \
	  $(FUZZ_CFLAGS) $(FUZZ_SANITIZE) -fsanitize=fuzzer-no-link -c -o $@ $<

tests/fuzz/obj/lib/%.o: lib/%.c $(BUILT_SOURCES) config.h
	@$(MKDIR_P) $(@D)
	$(fuzz_verbose)$(FUZZ_CC) $(fuzz_cppflags) $(FUZZ_CFLAGS) \
	  $(FUZZ_SANITIZE) -w -c -o $@ $<

# gnulib's objects are those of lib/libgnu.a, whatever gnulib-tool named
# them: each member, NAME.o or libgnu_a-NAME.o, is lib/NAME.c compiled
# again with the sanitizers.
tests/fuzz/libgnu-fuzz.a: lib/libgnu.a
	$(AM_V_AR)objs=`$(AR) t lib/libgnu.a \
	  | sed -n 's|^\(libgnu_a-\)\{0,1\}\(.*\)\.$(OBJEXT)$$|tests/fuzz/obj/lib/\2.o|p'`; \
	test -n "$$objs" \
	  && $(MAKE) $(AM_MAKEFLAGS) $$objs \
	  && rm -f $@ && $(AR) cr $@ $$objs && $(RANLIB) $@

$(fuzz_programs): tests/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h \
    $(fuzz_core_objects) tests/fuzz/libgnu-fuzz.a
	$(fuzz_verbose)$(FUZZ_CC) $(fuzz_cppflags) $(src_libcore_a_CPPFLAGS) \
	  $(FUZZ_CFLAGS) $(FUZZ_SANITIZE) -fsanitize=fuzzer -o $@ $< \
	  $(fuzz_core_objects) tests/fuzz/libgnu-fuzz.a $(LIBINTL) $(LIBS)

# Fails with a clear message when FUZZ_CC cannot build a libFuzzer target.
fuzz-check-compiler:
	@$(MKDIR_P) tests/fuzz
	@printf 'int LLVMFuzzerTestOneInput (const char *d, unsigned long n)\n{ return 0; }\n' \
	  >tests/fuzz/probe.c
	@if $(FUZZ_CC) -fsanitize=fuzzer,address,undefined tests/fuzz/probe.c \
	     -o tests/fuzz/probe >tests/fuzz/probe.log 2>&1; then \
	  rm -f tests/fuzz/probe tests/fuzz/probe.c tests/fuzz/probe.log; \
	else \
	  cat tests/fuzz/probe.log >&2; \
	  rm -f tests/fuzz/probe tests/fuzz/probe.c tests/fuzz/probe.log; \
	  echo "error: '$(FUZZ_CC)' cannot build libFuzzer targets" >&2; \
	  echo "error: install clang and libclang-rt-dev (Debian), or set FUZZ_CC" >&2; \
	  exit 1; \
	fi

lc-print-fuzz-targets:
	@echo $(fuzz_all_targets)

fuzz-programs: fuzz-check-compiler
	@$(MAKE) $(AM_MAKEFLAGS) $(fuzz_programs)

# Runs each of FUZZ_TARGETS for FUZZ_SECONDS; stops at the first failure,
# whose input is then in tests/fuzz/artifacts/.
fuzz: fuzz-programs
	@for t in $(FUZZ_TARGETS); do \
	  $(MKDIR_P) tests/fuzz/corpus-new/$$t tests/fuzz/artifacts || exit 1; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	  tests/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
	    -print_final_stats=1 -artifact_prefix=tests/fuzz/artifacts/$$t- \
	    $(FUZZ_FLAGS) tests/fuzz/corpus-new/$$t \
	    $(srcdir)/tests/fuzz/corpus/$$t >tests/fuzz/$$t.log 2>&1; \
	  rc=$$?; \
	  sed -n 's/^stat::number_of_executed_units: */  executions: /p' tests/fuzz/$$t.log; \
	  if test $$rc -ne 0; then \
	    tail -n 40 tests/fuzz/$$t.log >&2; \
	    echo "fuzz: $$t failed (status $$rc); see tests/fuzz/$$t.log" >&2; \
	    exit 1; \
	  fi; \
	done

clean-local: clean-fuzz
clean-fuzz:
	-rm -rf tests/fuzz/obj tests/fuzz/corpus-new tests/fuzz/artifacts
	-rm -f $(fuzz_programs) tests/fuzz/libgnu-fuzz.a tests/fuzz/*.log

.PHONY: fuzz fuzz-programs fuzz-check-compiler clean-fuzz lc-print-fuzz-targets

EXTRA_DIST += \
  $(fuzz_all_targets:%=tests/fuzz/%.c) \
  tests/fuzz/fuzz.h \
  tests/fuzz/corpus
