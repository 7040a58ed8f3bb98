#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/bench.sh -- how fast losetup-container lists loop devices and
# hands calls over, side by side with util-linux losetup.
#
# Run it with "make bench" (as root), or directly:
#   LOSETUP_CONTAINER=/path/to/src/losetup-container bash tests/bench/bench.sh
# tests/bench/README says how to read the tables and what can be tuned.
#
# It attaches its own devices on sparse files in a fresh scratch directory
# and, on the way out (normal end, error, Ctrl-C, TERM, HUP), detaches
# exactly the devices whose backing file is still one of those files, then
# removes the device nodes that it created and no one else has taken.
# Devices of other users are counted, never touched.

set -u
export LC_NUMERIC=C             # decimal points in printf and awk

# ---------------------------------------------------------------- settings
LC=${LOSETUP_CONTAINER:-}
SIZES=${BENCH_SIZES:-"8 256 1024"}
LIST_RUNS=${BENCH_LIST_RUNS:-60}        # listing runs of each program
LIST_WARMUP=${BENCH_LIST_WARMUP:-20}    # untimed rounds before them
LAUNCHERS=${BENCH_LAUNCHERS:-"shell small jvm"}  # who starts the listings
PT_RUNS=${BENCH_PT_RUNS:-400}           # pass-through runs of each
UNBOUND=${BENCH_UNBOUND:-256}           # unbound nodes added to measure them
DELETED=${BENCH_DELETED:-16}            # backing files unlinked at the end
RUST=${BENCH_RUST:-}                    # LINBIT's losetup-container (Rust)
EXTRA=${BENCH_EXTRA:-}                  # more programs: "label=path ..."
MOUNTS=${BENCH_MOUNTS-"0 1000 10000 20000"}     # bind mounts, one row each
MOUNT_DEVICES=${BENCH_MOUNT_DEVICES:-64}        # devices of a dead container
MOUNT_RUNS=${BENCH_MOUNT_RUNS:-20}              # timed listings per row
PARTS=${BENCH_PARTS:-"unbound sizes reads mounts passthrough"}
CC=${CC:-cc}
JAVA=${JAVA:-java}
JAVAC=${JAVAC:-javac}
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)

# The speed targets, reported as met or missed at the end.
T_LIST_RATIO=0.50       # listing time against losetup's, for N >= 256,
T_LIST_FROM=256         # from every launcher
T_RUST_RATIO=0.80       # listing time against LINBIT's Rust tool (same)
# System calls per device in use, the child process included: 8 (the
# attribute's open, read and close and the node's fstatat; the node's
# open, ioctl and close and the resolver's stat), each descriptor closed
# after its one use, plus what grows with the list as a whole (a longer
# /sys/block to read, the page faults of the memory the two share):
# issue 24's "about 8".
T_SC_DEVICE=8.5
T_SC_UNBOUND=1.05       # system calls per unbound device node (one openat)
T_PT_RATIO=1.60         # pass-through against calling the original
T_PT_BARE=1.05          # pass-through against a bare execv() wrapper
T_LINEAR=1.50           # time per device at one N against the one before
# With many mounts and devices that need the mount table: the listing
# against util-linux's listing plus one read of the mount table (cat).
T_MOUNT_FLOOR=2.00
T_MOUNT_AT=10000

# ---------------------------------------------------------------- helpers
say() { printf '%s\n' "$*"; }
warn() { printf 'bench: %s\n' "$*" >&2; }

# fmt FORMAT EXPR: prints the value of the awk expression EXPR.
fmt() { awk "BEGIN { printf \"$1\", $2 }"; }

# le A B: true when A <= B (decimal numbers; anything else is false).
le() {
  [[ $1 =~ ^[+-]?[0-9]+(\.[0-9]*)?$ && $2 =~ ^[+-]?[0-9]+(\.[0-9]*)?$ ]] \
    && awk "BEGIN { exit !($1 <= $2) }"
}

MARKS_PASS=0
MARKS_MISS=0
SUMMARY=
# mark VALUE LIMIT TEXT: sets M to PASS or MISS for VALUE <= LIMIT, and
# notes the result for the summary.
mark() {
  if le "$1" "$2"; then
    MARKS_PASS=$((MARKS_PASS + 1)); M=PASS
  else
    MARKS_MISS=$((MARKS_MISS + 1)); M=MISS
  fi
  SUMMARY="$SUMMARY$(printf '  %-4s %s: %s (target <= %s)' "$M" "$3" "$1" "$2")
"
}

# ul_losetup_find: where util-linux losetup is (shared with the tests).
. "$BENCH_DIR/../lib/ul-losetup.sh"

# ---------------------------------------------------------------- checks
missing=
[ "$(id -u)" -eq 0 ] || missing="$missing
  - root: it attaches and detaches loop devices (run it as root)"
[ -c /dev/loop-control ] || missing="$missing
  - /dev/loop-control: no loop driver (modprobe loop)"
if [ -z "$LC" ]; then
  missing="$missing
  - LOSETUP_CONTAINER: the program to measure (make bench sets it)"
elif [ ! -x "$LC" ]; then
  missing="$missing
  - $LC: not an executable (build it first: make)"
fi
UL=${BENCH_LOSETUP:-}
[ -n "$UL" ] || UL=$(ul_losetup_find) || { UL=; missing="$missing
  - util-linux losetup (Debian package: mount)"; }
command -v hyperfine >/dev/null 2>&1 || missing="$missing
  - hyperfine (Debian package: hyperfine)"
command -v strace >/dev/null 2>&1 || missing="$missing
  - strace (Debian package: strace)"
perl -MJSON::PP -e 1 >/dev/null 2>&1 || missing="$missing
  - perl with JSON::PP (Debian package: perl)"
if [ -n "$missing" ]; then
  say "bench: cannot run; missing:$missing" >&2
  exit 77
fi
for n in $SIZES $LIST_RUNS $LIST_WARMUP $PT_RUNS $UNBOUND $DELETED $MOUNTS \
         $MOUNT_DEVICES $MOUNT_RUNS; do
  case $n in
    '' | *[!0-9]*) warn "not a number: '$n' (BENCH_* settings)"; exit 2 ;;
  esac
done
SIZES=$(printf '%s\n' $SIZES | sort -n -u | tr '\n' ' ')
MOUNTS=$(printf '%s\n' $MOUNTS | sort -n -u | tr '\n' ' ')
# part NAME: true when the part NAME of the benchmark is to run.
part() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }

# ---------------------------------------------------------------- cleanup
SCRATCH=
POOL=
declare -A PREEXISTING  # loop nodes there before this run

# loopctl OP INDEX...: LOOP_CTL_ADD ("add") or LOOP_CTL_REMOVE ("remove")
# on each index; prints the indices done, one a line, as they are done.
# A node that is busy (bound or open: someone else has taken it) is tried
# again for two seconds, then kept.  The kernel takes tens of milliseconds
# to remove a node, most of it waiting: removals run 16 at a time.
LOOPCTL_PL='
  use strict; use Errno qw(EBUSY);
  my ($op, @idx) = @ARGV;
  open(my $ctl, "<", "/dev/loop-control") or die "/dev/loop-control: $!\n";
  my $req = $op eq "add" ? 0x4C80 : 0x4C81;
  $| = 1;
  for my $i (@idx) {
    my $r;
    for my $try (1 .. ($op eq "add" ? 1 : 40)) {
      $r = ioctl($ctl, $req, $i + 0);
      last if defined $r || $! != EBUSY;
      select(undef, undef, undef, 0.05);
    }
    if (defined $r) { print "$i\n" }
    elsif ($op eq "remove") { warn "bench: loop$i kept: $!\n" }
  }'
loopctl() {
  local op=$1
  shift
  [ $# -gt 0 ] || return 0
  if [ "$op" = add ]; then
    perl -e "$LOOPCTL_PL" add "$@"
  else
    printf '%s\n' "$@" | xargs -r -n 32 -P 16 perl -e "$LOOPCTL_PL" remove
  fi
}

# our_devices: prints "loopN" for each device whose backing file is in
# this run's scratch pool (sysfs adds " (deleted)" to unlinked ones).
our_devices() {
  local d f
  [ -n "$POOL" ] || return 0
  for d in /sys/block/loop*; do
    [ -r "$d/loop/backing_file" ] || continue
    IFS= read -r f <"$d/loop/backing_file" 2>/dev/null || continue
    case $f in "$POOL"/*) printf '%s\n' "${d##*/}" ;; esac
  done
}

# ct_devices: prints "loopN" for each device that the mounts axis
# attached in its container (sysfs shows a cut path there, so our_devices
# cannot tell them) and that still has the file it was given.
CT_DEVICES=()           # "/dev/loopN MAJ:MIN INO"
HOLDER=                 # the process holding the mounts axis's namespace
ct_devices() {
  local e d cur
  for e in "${CT_DEVICES[@]}"; do
    d=${e%% *}
    cur=$("$UL" -n -O BACK-MAJ:MIN,BACK-INO "$d" 2>/dev/null \
            | awk 'NF == 2 { print $1, $2 }')
    [ -n "$cur" ] && [ "$cur" = "${e#* }" ] && printf '%s\n' "${d#/dev/}"
  done
  return 0
}

cleanup() {
  trap '' INT TERM HUP
  set +e
  local mine=() detach=() nodes=() i n
  # The namespace of the mounts axis goes with its holder, every mount in
  # it with it.
  if [ -n "$HOLDER" ]; then
    kill "$HOLDER" 2>/dev/null
    wait "$HOLDER" 2>/dev/null
  fi
  mapfile -t mine < <(our_devices; ct_devices)
  if [ ${#mine[@]} -gt 0 ]; then
    say "bench: cleaning up: detaching the ${#mine[@]} devices this run attached" >&2
  fi
  for n in "${mine[@]}"; do
    detach+=("/dev/$n")
    [ -n "${PREEXISTING[$n]:-}" ] || nodes+=("${n#loop}")
  done
  # losetup -d takes several devices at once.
  for ((i = 0; i < ${#detach[@]}; i += 128)); do
    "$UL" -d "${detach[@]:i:128}" || warn "losetup -d failed for some devices"
  done
  # The nodes that attaching created, and any left from the unbound
  # measurement: the machine keeps as many nodes as it had.
  if [ -n "$SCRATCH" ] && [ -s "$SCRATCH/added" ]; then
    mapfile -t -O ${#nodes[@]} nodes <"$SCRATCH/added"
  fi
  if [ ${#nodes[@]} -gt 0 ]; then
    loopctl remove "${nodes[@]}" >/dev/null
  fi
  if [ -n "$SCRATCH" ] && [ -d "$SCRATCH" ]; then
    rm -rf "$SCRATCH"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

for d in /sys/block/loop*; do
  [ -e "$d" ] && PREEXISTING[${d##*/}]=1
done
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/lc-bench.XXXXXX") || exit 1
SCRATCH=$(cd "$SCRATCH" && pwd -P)      # sysfs shows the physical path
POOL=$SCRATCH/linstor-pools/pool1
mkdir -p "$POOL" "$SCRATCH/hf" || exit 1

# ---------------------------------------------------------------- measuring
ATTACHED=()             # the devices of this run, in attaching order
ATTACHED_FILE=()        # the file each was attached to

# pool_file I: a LINSTOR-like backing file path, about 90 bytes (more than
# the 63 that lo_file_name keeps).
pool_file() {
  printf '%s/pvc-%08x-5c1e-4b7a-9d2f-%012x_00000.img' "$POOL" "$1" "$1"
}

# attach_upto N: attaches scratch files until this run has N devices.
attach_upto() {
  local want=$1 i f dev files=()
  for ((i = ${#ATTACHED[@]}; i < want; i++)); do
    files+=("$(pool_file "$i")")
  done
  [ ${#files[@]} -gt 0 ] || return 0
  truncate -s 1M "${files[@]}" || return 1
  for f in "${files[@]}"; do
    dev=$("$UL" --show -f "$f") || { warn "cannot attach $f"; return 1; }
    ATTACHED+=("$dev")
    ATTACHED_FILE+=("$f")
  done
}

# count_loops: sets BOUND (devices in use) and UNB (unbound nodes).
count_loops() {
  local d
  BOUND=0 UNB=0
  for d in /sys/block/loop*; do
    [ -e "$d" ] || continue
    if [ -e "$d/loop/backing_file" ]; then
      BOUND=$((BOUND + 1))
    else
      UNB=$((UNB + 1))
    fi
  done
}

# syscalls_of CMD...: sets SC to the number of system calls one run of CMD
# makes, and BOUND and UNB to the devices during that run (counted again
# while other users change them under it).
syscalls_of() {
  local tries b0 u0
  for ((tries = 5; tries > 0; tries--)); do
    count_loops; b0=$BOUND u0=$UNB
    strace -f -c -o "$SCRATCH/strace.out" "$@" >/dev/null 2>&1
    SC=$(awk '$NF == "total" { print $4 }' "$SCRATCH/strace.out")
    count_loops
    [ "$BOUND" = "$b0" ] && [ "$UNB" = "$u0" ] && return 0
  done
  warn "the loop devices kept changing during the system call count"
}

# mountinfo_reads CMD...: prints how many times one run of CMD opens a
# mount table.
mountinfo_reads() {
  strace -f -e trace=open,openat -o "$SCRATCH/open.out" "$@" >/dev/null 2>&1
  grep -c -E '/proc/(self|thread-self|[0-9]+)/mountinfo|/proc/mounts|/etc/mtab' \
    "$SCRATCH/open.out"
}

# ---------------------------------------------------------------- timing
# Every launcher runs the programs by one schedule: one run of each per
# round, in an order that changes from round to round, so that a busier
# moment of the machine falls on all of them alike.  Each writes one line
# per timed run, "INDEX <TAB> wall seconds <TAB> cpu seconds" (cpu "-"
# where the launcher cannot see it), and one summary reads those lines.

# schedule ROUNDS K: the order of the runs of K programs over ROUNDS
# rounds, as comma-separated indices: forward and backward in turn, the
# start moved on by one every two rounds.
schedule() {
  local rounds=$1 k=$2 r i j out=
  for ((r = 0; r < rounds; r++)); do
    for ((i = 0; i < k; i++)); do
      if [ $((r % 2)) -eq 0 ]; then j=$(( (i + r / 2) % k ))
      else j=$(( (2 * k - 1 - i + r / 2) % k )); fi
      out=$out${out:+,}$j
    done
  done
  printf '%s' "$out"
}

# clean CMD...: runs CMD with no descriptor above 2 open, as a service
# manager or a container runtime starts a program (a JVM in particular).
clean() {
  perl -MPOSIX -e 'opendir(my $d, "/proc/self/fd") or die "/proc/self/fd: $!\n";
    my @fds = grep { /^\d+$/ && $_ > 2 } readdir $d;
    closedir $d;
    POSIX::close($_) for @fds;
    exec { $ARGV[0] } @ARGV or die "$ARGV[0]: $!\n"' -- "$@"
}

# The launchers: each is called as "run_L WARMUP SCHEDULE CMD..." (the
# interface of launch.c), runs the whole schedule, and prints the lines
# of the runs after the first WARMUP.
#
# run_shell: this script's bash runs each command as a shell script
# reads a command's output, "$(cmd)"; its children get the descriptor
# table of a shell's child (bash holds fd 255).  Timed with EPOCHREALTIME,
# which a shell cannot split into a child's user and system time.
run_shell() {
  local warm=$1 n=0 j t0 t1 d line out= x
  local -a order argv cmds
  IFS=, read -r -a order <<<"$2"
  shift 2
  cmds=("$@")
  for j in "${order[@]}"; do
    read -r -a argv <<<"${cmds[j]}"
    t0=$EPOCHREALTIME
    x=$("${argv[@]}" 2>/dev/null) || {
      echo "${argv[0]}: exit status $?" >"$SCRATCH/launch.err"
      return 1
    }
    t1=$EPOCHREALTIME
    if [ $((n++)) -ge "$warm" ]; then
      d=$(( ${t1/./} - ${t0/./} ))
      printf -v line '%d\t%d.%06d\t-\n' "$j" $((d / 1000000)) $((d % 1000000))
      out+=$line
    fi
  done
  printf '%s' "$out"
}
# run_small: launch.c, every descriptor above 2 closed first, so that its
# children get the smallest table.
run_small() {
  "$SCRATCH/launch/launch" -w "$@" </dev/null 2>"$SCRATCH/launch.err"
}
# run_jvm: Launch.java, in a JVM started with only 0-2 open.
run_jvm() {
  clean "$JAVA" -cp "$SCRATCH/launch" Launch -w "$@" \
    </dev/null 2>"$SCRATCH/launch.err"
}
# run_hyperfine: hyperfine -N, one round per call (its own alternation
# has no rounds), output to /dev/null; in the namespace of HF_PREFIX.
HF_PREFIX=()
run_hyperfine() {
  local warm=$1 k r i
  local -a order cmds args files=()
  IFS=, read -r -a order <<<"$2"
  shift 2
  cmds=("$@")
  k=${#cmds[@]}
  rm -f "$SCRATCH"/hf/*.json
  for ((r = 0; r * k < ${#order[@]}; r++)); do
    args=()
    for ((i = r * k; i < (r + 1) * k; i++)); do
      args+=(--command-name "${order[i]}" "${cmds[order[i]]}")
    done
    "${HF_PREFIX[@]}" hyperfine -N --style none --runs 1 \
      --export-json "$SCRATCH/hf/$r.json" "${args[@]}" \
      >/dev/null 2>"$SCRATCH/launch.err" || return 1
    [ $((r * k)) -lt "$warm" ] || files+=("$SCRATCH/hf/$r.json")
  done
  perl -MJSON::PP -e '
    for my $f (@ARGV) {
      local $/;
      open(my $h, "<", $f) or die "$f: $!\n";
      for my $r (@{JSON::PP->new->decode(<$h>)->{results}}) {
        printf "%s\t%.9f\t%.9f\n", $r->{command}, $r->{times}[0],
          $r->{user} + $r->{system};
      }
    }' "${files[@]}"
}

# timeit LAUNCHER ROUNDS WARMUP KEY=COMMAND...: runs each command ROUNDS
# times, after WARMUP untimed rounds, from LAUNCHER (shell, small, jvm or
# hyperfine), the commands in alternation.  Sets MED[KEY], Q1[KEY] and
# Q3[KEY] (seconds, wall time) and CPU[KEY] (the mean user and system
# time, less disturbed by other work on the machine than the wall time;
# "-" where the launcher cannot see it).
declare -A MED Q1 Q3 CPU
timeit() {
  local launcher=$1 rounds=$2 warm=$3 c key med q1 q3 cpu
  shift 3
  local -a keys=() cmds=()
  for c in "$@"; do
    keys+=("${c%%=*}")
    cmds+=("${c#*=}")
  done
  : >"$SCRATCH/launch.err"
  if ! "run_$launcher" $((warm * ${#keys[@]})) \
         "$(schedule $((warm + rounds)) ${#keys[@]})" "${cmds[@]}" \
         >"$SCRATCH/runs.tsv"; then
    warn "the $launcher launcher failed:"
    cat "$SCRATCH/launch.err" >&2
    return 1
  fi
  while IFS=$'\t' read -r key med q1 q3 cpu; do
    MED[$key]=$med Q1[$key]=$q1 Q3[$key]=$q3 CPU[$key]=$cpu
  done < <(perl -e '
    my @keys = @ARGV;
    my (%t, %cpu);
    while (<STDIN>) {
      chomp;
      my ($i, $wall, $cpu) = split /\t/;
      push @{$t{$i}}, $wall;
      push @{$cpu{$i}}, $cpu;
    }
    sub quantile {
      my ($v, $p) = @_;
      my $x = $p * (@$v - 1);
      my $i = int $x;
      return $i + 1 < @$v ? $v->[$i] + ($x - $i) * ($v->[$i + 1] - $v->[$i])
                          : $v->[$i];
    }
    for my $i (sort { $a <=> $b } keys %t) {
      my @v = sort { $a <=> $b } @{$t{$i}};
      my $cpu = 0;
      for (@{$cpu{$i}}) {
        if ($_ eq "-") { $cpu = "-"; last }
        $cpu += $_ / @{$cpu{$i}};
      }
      printf "%s\t%.9f\t%.9f\t%.9f\t%s\n", $keys[$i],
        quantile(\@v, .5), quantile(\@v, .25), quantile(\@v, .75),
        $cpu eq "-" ? "-" : sprintf("%.9f", $cpu);
    }' "${keys[@]}" <"$SCRATCH/runs.tsv")
}

# fdsize LAUNCHER: prints the size of the descriptor table (FDSize in
# /proc/PID/status) that a child of LAUNCHER gets.
fdsize() {
  local probe="$GREP ^FDSize: /proc/self/status"
  case $1 in
    shell) $probe ;;
    small) "$SCRATCH/launch/launch" -p 0 "$probe" </dev/null ;;
    jvm) clean "$JAVA" -cp "$SCRATCH/launch" Launch -p 0 "$probe" </dev/null ;;
    hyperfine) hyperfine -N --runs 1 --show-output "$probe" 2>/dev/null ;;
  esac | awk '$1 == "FDSize:" { print $2; exit }'
}

ms() { fmt '%.3f' "$1 * 1000"; }
iqr_ms() { fmt '%.3f' "($2 - $1) * 1000"; }

# ---------------------------------------------------------------- machine
LIST_ARGS="-l -O NAME,BACK-FILE"
unset LOSETUP_CONTAINER_BIND_MOUNTS LOSETUP_CONTAINER_DEBUG
# The original that the pass-through runs, found on its first look, as
# with a packaged install (the diverted losetup comes first).
export LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$UL
GREP=$(command -v grep)

# The launchers that can run here: launch.c needs a C compiler, Launch.java
# a JDK.  One that cannot is left out, and the header says why.
mkdir -p "$SCRATCH/launch" || exit 1
HAVE_LAUNCHERS=
LAUNCHER_NOTES=
for L in $LAUNCHERS; do
  why=
  case $L in
    shell) ;;
    small)
      if ! command -v "$CC" >/dev/null 2>&1; then
        why="no C compiler ($CC)"
      elif ! $CC -O2 -o "$SCRATCH/launch/launch" "$BENCH_DIR/launch.c" \
             2>"$SCRATCH/launch.err"; then
        why="launch.c did not build: $(head -n 1 "$SCRATCH/launch.err")"
      fi ;;
    jvm)
      if ! command -v "$JAVAC" >/dev/null 2>&1 \
         || ! command -v "$JAVA" >/dev/null 2>&1; then
        why="no JDK (javac and java; Debian: default-jdk-headless)"
      elif ! "$JAVAC" -d "$SCRATCH/launch" "$BENCH_DIR/Launch.java" \
             2>"$SCRATCH/launch.err"; then
        why="Launch.java did not build: $(head -n 1 "$SCRATCH/launch.err")"
      fi ;;
    *) warn "BENCH_LAUNCHERS: no launcher '$L' (shell, small, jvm)"; exit 2 ;;
  esac
  if [ -n "$why" ]; then
    LAUNCHER_NOTES="$LAUNCHER_NOTES  $L: left out, $why
"
  else
    HAVE_LAUNCHERS="$HAVE_LAUNCHERS${HAVE_LAUNCHERS:+ }$L"
  fi
done
LAUNCHERS=$HAVE_LAUNCHERS

say "losetup-container benchmark: listing and pass-through"
say ""
say "machine:"
say "  cpu:          $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) cores online"
say "  memory:       $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
say "  kernel:       $(uname -srm)"
if [ -r /etc/os-release ]; then
  say "  system:       $(. /etc/os-release && printf '%s' "${PRETTY_NAME:-?}")"
fi
say "  load average: $(cut -d ' ' -f 1-3 /proc/loadavg) (other work on the machine adds noise)"
say "  loop module:  max_loop=$(cat /sys/module/loop/parameters/max_loop 2>/dev/null || echo '?'), ${#PREEXISTING[@]} nodes before this run"
say "  locale:       LANG=${LANG:-} LC_ALL=${LC_ALL:-}"
say "versions:"
say "  util-linux:        $("$UL" --version 2>&1 | head -n 1) ($UL)"
say "  libsmartcols:      $(dpkg-query -W -f '${Version}' libsmartcols1 2>/dev/null || echo '?')"
say "  losetup-container: $(env -u LOSETUP_CONTAINER_ORIGINAL_LOSETUP "$LC" --version 2>&1 | head -n 1) ($LC)"
say "    links:           $(LC_ALL=C objdump -p "$LC" 2>/dev/null | awk '/NEEDED/ { printf "%s ", $2 }')"
[ -z "$RUST" ] || say "  LINBIT Rust tool:  $RUST"
say "  hyperfine:         $(hyperfine --version | head -n 1)"
say "  strace:            $(strace -V | head -n 1)"
if [[ " $LAUNCHERS " == *" jvm "* ]]; then
  say "  java:              $("$JAVA" -version 2>&1 | head -n 1)"
fi
say "launchers of the listings (each program's child's descriptor table, FDSize):"
for L in $LAUNCHERS; do
  case $L in
    shell) what="bash, \$(program) from this script" ;;
    small) what="launch.c, only 0-2 open: fork, exec, pipe read to its end" ;;
    jvm) what="a JVM with only 0-2 open: ProcessBuilder.start(), pipe read to its end" ;;
  esac
  printf '  %-6s %-4s %s\n' "$L" "$(fdsize "$L")" "$what"
done
printf '%s' "$LAUNCHER_NOTES"
printf '  %-6s %-4s %s\n' "" "$(fdsize hyperfine)" \
  "hyperfine -N, for the mounts and pass-through tables"
say "timing: the programs in alternation, $LIST_WARMUP untimed rounds, then $LIST_RUNS"
say "        listing runs each per launcher ($PT_RUNS pass-through runs, no warm-up);"
say "        median and interquartile range (IQR)"
say ""

# The programs compared: losetup-container, util-linux losetup, LINBIT's
# Rust tool when given (at RI), and any given in BENCH_EXTRA (other builds,
# to compare changes in one run).
P_LABEL=("losetup-container" "util-linux losetup")
P_PATH=("$LC" "$UL")
RI=
if [ -n "$RUST" ]; then
  if [ ! -x "$RUST" ]; then
    warn "BENCH_RUST: $RUST is not an executable"
    exit 2
  fi
  RI=${#P_PATH[@]}
  P_LABEL+=("LINBIT Rust tool")
  P_PATH+=("$RUST")
fi
for e in $EXTRA; do
  if [ ! -x "${e#*=}" ]; then
    warn "BENCH_EXTRA: ${e#*=} is not an executable"
    exit 2
  fi
  P_LABEL+=("${e%%=*}")
  P_PATH+=("${e#*=}")
done
NP=${#P_PATH[@]}
CMDS=()
for ((i = 0; i < NP; i++)); do
  CMDS+=("p$i=${P_PATH[i]} $LIST_ARGS")
done

# same_output: sets DIFFERING to the labels of the programs whose lines of
# this run's devices are not losetup's, padding included (the lines of
# other users' devices may differ: correcting paths is the point),
# compared again when other users changed the devices in between; true
# when there is none.  LINBIT's Rust tool prints its own format and is not
# compared; a program given in BENCH_EXTRA may be another tool too, whose
# bytes are its own.
DIFFERING=
same_output() {
  local i tries
  for ((tries = 3; tries > 0; tries--)); do
    DIFFERING=
    "$UL" $LIST_ARGS 2>&1 | grep -F -e "$POOL/" >"$SCRATCH/ul.out"
    for ((i = 0; i < NP; i++)); do
      [ "${P_PATH[i]}" = "$UL" ] || [ "$i" = "$RI" ] && continue
      "${P_PATH[i]}" $LIST_ARGS 2>&1 | grep -F -e "$POOL/" >"$SCRATCH/p.out"
      cmp -s "$SCRATCH/p.out" "$SCRATCH/ul.out" \
        || DIFFERING="$DIFFERING${DIFFERING:+, }${P_LABEL[i]}"
    done
    [ -n "$DIFFERING" ] || return 0
  done
  return 1
}

# ---------------------------------------------------------------- unbound

if part unbound; then
  say "== unbound device nodes =="
  base=0
  for d in /sys/block/loop*; do
    n=${d##*/loop}
    case $n in *[!0-9]* | '') continue ;; esac
    [ "$n" -ge "$base" ] && base=$((n + 1))
  done
  base=$((base + 4096))   # far above the others: "losetup -f" takes the lowest
  declare -a SCU0 SCU1 PU
  for ((i = 0; i < NP; i++)); do
    syscalls_of "${P_PATH[i]}" $LIST_ARGS; SCU0[i]=$SC
  done
  b_u0=$BOUND u_u0=$UNB
  loopctl add $(seq "$base" $((base + UNBOUND - 1))) >"$SCRATCH/added"
  for ((i = 0; i < NP; i++)); do
    syscalls_of "${P_PATH[i]}" $LIST_ARGS; SCU1[i]=$SC
  done
  b_u1=$BOUND u_u1=$UNB
  mapfile -t added <"$SCRATCH/added"
  loopctl remove "${added[@]}" >/dev/null
  rm -f "$SCRATCH/added"
  du=$((u_u1 - u_u0))
  if [ ${#added[@]} -gt 0 ] && [ "$b_u0" = "$b_u1" ] && [ "$du" -gt 0 ]; then
    say "$du unbound nodes added with LOOP_CTL_ADD, then removed ($b_u1 devices in use)"
    printf '  %-20s %s\n' "" "syscalls per unbound node"
    for ((i = 0; i < NP; i++)); do
      PU[i]=$(fmt '%.2f' "(${SCU1[i]} - ${SCU0[i]}) / $du")
      M=
      [ "$i" -eq 0 ] && mark "${PU[i]}" "$T_SC_UNBOUND" "syscalls per unbound node"
      printf '  %-20s %10s  %s\n' "${P_LABEL[i]}" "${PU[i]}" "$M"
    done
  else
    for ((i = 0; i < NP; i++)); do PU[i]=0; done
    say "  (not measured: ${#added[@]} nodes added; devices in use went from $b_u0 to $b_u1)"
  fi
  say ""
else
  declare -a PU
  for ((i = 0; i < NP; i++)); do PU[i]=0; done
fi

# ---------------------------------------------------------------- listing
# Stage 0 is what is there before this run attaches anything.  The
# per-device figures of each stage are its difference from stage 0
# divided by the devices added since, less what the change in the number
# of unbound nodes accounts for.  Every launcher times every program.

# list_time LAUNCHER: times the listing of every program from LAUNCHER;
# sets MED[LAUNCHER.pI] and the rest for program I.
list_time() {
  local i c=()
  for ((i = 0; i < NP; i++)); do
    c+=("$1.p$i=${P_PATH[i]} $LIST_ARGS")
  done
  timeit "$1" "$LIST_RUNS" "$LIST_WARMUP" "${c[@]}"
}

# ratio A B: A / B to three places, "-" when either is not a number.
ratio() {
  if le 0 "$1" && le 0 "$2" && ! le "$2" 0; then fmt '%.3f' "$1 / $2"
  else printf '%s' -; fi
}

# list_row LAUNCHER I US: one row of a listing table, the launcher's name
# on the first program's row only.
LIST_FMT='  %-6s %-20s %10s %8s %10s %7s %7s %8s %7s\n'
list_row() {
  local k=$1.p$2 rr=-
  [ -z "$RI" ] || rr=$(ratio "${MED[$k]}" "${MED[$1.p$RI]}")
  printf "$LIST_FMT" "$([ "$2" -eq 0 ] && echo "$1")" "${P_LABEL[$2]}" \
    "$(ms "${MED[$k]}")" "$(iqr_ms "${Q1[$k]}" "${Q3[$k]}")" "$3" \
    "$(ratio "${MED[$k]}" "${MED[$1.p1]}")" "$rr" \
    "$(le 0 "${CPU[$k]}" && ms "${CPU[$k]}" || echo -)" \
    "$(ratio "${CPU[$k]}" "${CPU[$1.p1]}")"
}

if part sizes; then
  declare -A T0 PREV_US
  declare -a SC0 SCN
  for L in $LAUNCHERS; do
    list_time "$L" || exit 1
    for ((i = 0; i < NP; i++)); do T0[$L.p$i]=${MED[$L.p$i]}; done
  done
  for ((i = 0; i < NP; i++)); do
    syscalls_of "${P_PATH[i]}" $LIST_ARGS; SC0[i]=$SC
  done
  B0=$BOUND U0=$UNB
  say "== stage 0, before attaching: $B0 devices in use (not ours), $U0 unbound nodes =="
  printf "$LIST_FMT" "from" "" "median ms" "IQR ms" "" "/ul" "/rust" "cpu ms" "cpu/ul"
  for L in $LAUNCHERS; do
    for ((i = 0; i < NP; i++)); do list_row "$L" "$i" ""; done
  done
  for ((i = 0; i < NP; i++)); do
    printf '  %-27s %s system calls\n' "${P_LABEL[i]}" "${SC0[i]}"
  done
  say ""

  prev_n=
  for N in $SIZES; do
    t_start=$SECONDS
    attach_upto "$N" || exit 1
    for L in $LAUNCHERS; do list_time "$L" || exit 1; done
    for ((i = 0; i < NP; i++)); do
      syscalls_of "${P_PATH[i]}" $LIST_ARGS; SCN[i]=$SC
    done
    B=$BOUND U=$UNB
    dB=$((B - B0)) dU=$((U - U0))
    [ "$dB" -gt 0 ] || dB=1
    say "== N = $N: $B devices in use (${#ATTACHED[@]} attached by this run), $U unbound nodes =="
    printf "$LIST_FMT" "from" "" "median ms" "IQR ms" "us/device" "/ul" \
      "/rust" "cpu ms" "cpu/ul"
    marks_ul= marks_rust= marks_lin=
    for L in $LAUNCHERS; do
      for ((i = 0; i < NP; i++)); do
        us=-
        # Below 64 devices the difference is lost in the noise.
        [ "$dB" -lt 64 ] \
          || us=$(fmt '%.2f' "(${MED[$L.p$i]} - ${T0[$L.p$i]}) * 1e6 / $dB")
        list_row "$L" "$i" "$us"
        [ "$i" -ne 0 ] || us_lc=$us
      done
      r=$(ratio "${MED[$L.p0]}" "${MED[$L.p1]}")
      if [ "$N" -ge "$T_LIST_FROM" ]; then
        mark "$r" "$T_LIST_RATIO" "listing time against losetup, from $L, at N=$N"
        marks_ul="$marks_ul  $L $r $M"
        if [ -n "$RI" ]; then
          r=$(ratio "${MED[$L.p0]}" "${MED[$L.p$RI]}")
          mark "$r" "$T_RUST_RATIO" "listing time against LINBIT's Rust tool, from $L, at N=$N"
          marks_rust="$marks_rust  $L $r $M"
        fi
      else
        marks_ul="$marks_ul  $L $r"
      fi
      if [ -n "${PREV_US[$L]:-}" ] && [ "${PREV_US[$L]}" != - ] && [ "$us_lc" != - ]; then
        # Linear: one more device costs no more among many than among fewer.
        g=$(fmt '%.2f' "$us_lc / (${PREV_US[$L]} > 0.01 ? ${PREV_US[$L]} : 0.01)")
        mark "$g" "$T_LINEAR" "time per device, from $L, at N=$N against N=$prev_n (linear growth)"
        marks_lin="$marks_lin  $L ${g}x $M"
      fi
      PREV_US[$L]=$us_lc
    done
    say "  time, losetup-container / losetup:$marks_ul"
    [ "$N" -ge "$T_LIST_FROM" ] || say "    (no target below N=$T_LIST_FROM)"
    [ -z "$marks_rust" ] || say "  time, losetup-container / LINBIT's Rust tool:$marks_rust"
    [ -z "$marks_lin" ] || say "  time per device against N=$prev_n:$marks_lin"
    # System calls do not depend on the launcher: counted once, under
    # strace -f (the program and every process it starts).
    printf '  %-27s %9s %10s\n' "" "syscalls" "per device"
    for ((i = 0; i < NP; i++)); do
      pd=$(fmt '%.2f' "(${SCN[i]} - ${SC0[i]} - ${PU[i]} * $dU) / $dB")
      M=
      # The start's fixed hundred-odd calls are most of the count at a
      # few devices: the target holds from T_LIST_FROM on, as the time's.
      if [ "$i" -eq 0 ] && [ "$N" -ge "$T_LIST_FROM" ]; then
        mark "$pd" "$T_SC_DEVICE" "syscalls per device in use at N=$N"
      fi
      printf '  %-27s %9s %10s  %s\n' "${P_LABEL[i]}" "${SCN[i]}" "$pd" "$M"
    done
    if same_output; then
      say "  output: the lines of this run's devices are losetup's, byte for byte"
    else
      say "  output: the lines of this run's devices DIFFER from losetup's: $DIFFERING"
    fi
    prev_n=$N
    say "  (stage took $((SECONDS - t_start)) s)"
    say ""
  done
fi

# ---------------------------------------------------------------- mountinfo
# With every path resolved the mount table is not needed.  Unlinking some
# backing files leaves those devices unresolvable (sysfs adds
# " (deleted)"), which is when the table is read: once, however many.
if part reads; then
  say "== mount table reads by losetup-container =="
  # Other users' devices whose sysfs path names no file here (set up in a
  # container) may need the mount table whatever this run does.
  others=0
  for d in /sys/block/loop*; do
    [ -r "$d/loop/backing_file" ] || continue
    IFS= read -r f <"$d/loop/backing_file" 2>/dev/null || continue
    case $f in "$POOL"/*) continue ;; esac
    [ -e "$f" ] || others=$((others + 1))
  done
  r0=$(mountinfo_reads "$LC" $LIST_ARGS)
  if [ "$others" -eq 0 ]; then
    mark "$r0" 0 "mount table reads when no device needs it"
    say "  all ${#ATTACHED[@]} paths resolvable:   $r0 reads  $M"
  else
    say "  all ${#ATTACHED[@]} paths resolvable:   $r0 reads  (no mark: $others devices of other users may need it)"
  fi
  nd=$DELETED
  [ "$nd" -le ${#ATTACHED[@]} ] || nd=${#ATTACHED[@]}
  if [ "$nd" -gt 0 ]; then
    rm -f "${ATTACHED_FILE[@]:0:nd}"
    r1=$(mountinfo_reads "$LC" $LIST_ARGS)
    mark "$r1" 1 "mount table reads with $nd unresolvable devices"
    say "  $nd backing files unlinked:     $r1 reads  $M"
    syscalls_of "$LC" $LIST_ARGS
    say "  (system calls: $SC, $(fmt '%+d' "$SC - ${SCN[0]}") against all resolvable)"
  fi
  say ""
fi

# ---------------------------------------------------------------- mounts
# A node with thousands of mounts: bind mounts of the backing files' file
# system (of a directory that holds none of them) in a private mount
# namespace, and devices attached in a container that has exited, so that
# every device needs the mount table and finds nothing there (the worst
# case: every candidate fails).  The floor is util-linux's listing plus
# one read of the mount table, "cat /proc/self/mountinfo", timed in the
# same alternation.

# mount_binds FROM TO: makes bind mounts of $SCRATCH/mounts/other at
# $SCRATCH/mounts/m/I for I from FROM to TO - 1, in the namespace.
MOUNT_PL='
  require "syscall.ph";
  my ($src, $dir, $from, $to) = @ARGV;
  for my $i ($from .. $to - 1) {
    mkdir "$dir/$i";
    syscall(&SYS_mount, $src, "$dir/$i", 0, 4096, 0) == 0    # MS_BIND
      or die "bench: bind mount $i: $!\n";
  }'
mount_binds() {
  nsenter -t "$HOLDER" -m -- perl -e "$MOUNT_PL" \
    "$SCRATCH/mounts/other" "$SCRATCH/mounts/m" "$1" "$2"
}

# mounts_devices: attaches MOUNT_DEVICES files through a bind of their
# directory in a namespace that then ends: sysfs shows "/NAME", the name
# the device was set up with is under a directory that is empty here.
mounts_devices() {
  local d f i files=()
  mkdir -p "$SCRATCH/mounts/pool" "$SCRATCH/mounts/ct" \
    "$SCRATCH/mounts/other" "$SCRATCH/mounts/m" || return 1
  for ((i = 0; i < MOUNT_DEVICES; i++)); do
    files+=("$SCRATCH/mounts/pool/pvc-$(printf '%08x' "$i")-5c1e-4b7a-9d2f-$(printf '%012x' "$i")_00000.img")
  done
  truncate -s 1M "${files[@]}" || return 1
  unshare -m --propagation private -- sh -c '
    mount --bind "$1/pool" "$1/ct" || exit 1
    for f in "$1"/ct/*.img; do "$2" --show -f "$f" || exit 1; done' \
    sh "$SCRATCH/mounts" "$UL" >"$SCRATCH/mounts/devices"
  while read -r d; do
    f=$("$UL" -n -O BACK-MAJ:MIN,BACK-INO "$d" | awk '{ print $1, $2 }')
    CT_DEVICES+=("$d $f")
  done <"$SCRATCH/mounts/devices"
  [ ${#CT_DEVICES[@]} -eq "$MOUNT_DEVICES" ]
}

if part mounts && [ -n "$MOUNTS" ]; then
  say "== mounts: $MOUNT_DEVICES devices of a dead container, bind mounts in a private namespace =="
  if ! mounts_devices; then
    warn "cannot attach the devices of the mounts axis"
    exit 1
  fi
  unshare -m --propagation private -- sleep 1000000 &
  HOLDER=$!
  # The namespace is there once sleep runs in it.
  for ((i = 0; i < 50; i++)); do
    [ "$(readlink "/proc/$HOLDER/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ] \
      && break
    sleep 0.1
  done
  HF_PREFIX=(nsenter -t "$HOLDER" -m --)
  say "  floor: util-linux losetup's listing + cat /proc/self/mountinfo (medians added)"
  printf '  %-7s %8s %-20s %10s %8s %7s %7s %9s\n' mounts "table" "" \
    "median ms" "IQR ms" "/ul" "/floor" "syscalls"
  made=0
  for NM in $MOUNTS; do
    if [ "$NM" -gt "$made" ]; then
      mount_binds "$made" "$NM" || exit 1
      made=$NM
    fi
    lines=$(nsenter -t "$HOLDER" -m -- cat /proc/self/mountinfo | wc -l)
    timeit hyperfine "$MOUNT_RUNS" 0 "${CMDS[@]}" "cat=cat /proc/self/mountinfo" \
      || exit 1
    floor=$(fmt '%.9f' "${MED[p1]} + ${MED[cat]}")
    for ((i = 0; i < NP; i++)); do
      syscalls_of nsenter -t "$HOLDER" -m -- "${P_PATH[i]}" $LIST_ARGS
      rf=$(fmt '%.2f' "${MED[p$i]} / $floor")
      M=
      if [ "$i" -eq 0 ] && [ "$NM" -eq "$T_MOUNT_AT" ]; then
        mark "$rf" "$T_MOUNT_FLOOR" "listing time against the floor at $NM mounts"
      fi
      printf '  %-7s %8s %-20s %10s %8s %7s %7s %9s  %s\n' \
        "$([ "$i" -eq 0 ] && echo "$NM")" "$([ "$i" -eq 0 ] && echo "$lines")" \
        "${P_LABEL[i]}" "$(ms "${MED[p$i]}")" \
        "$(iqr_ms "${Q1[p$i]}" "${Q3[p$i]}")" \
        "$(fmt '%.2f' "${MED[p$i]} / ${MED[p1]}")" "$rf" "$SC" "$M"
    done
    printf '  %-7s %8s %-20s %10s %8s\n' "" "" "cat mountinfo" \
      "$(ms "${MED[cat]}")" "$(iqr_ms "${Q1[cat]}" "${Q3[cat]}")"
    printf '  %-7s %8s %-20s %10s\n' "" "" "floor" "$(ms "$floor")"
  done
  HF_PREFIX=()
  kill "$HOLDER" 2>/dev/null
  wait "$HOLDER" 2>/dev/null
  HOLDER=
  say ""
fi

# ---------------------------------------------------------------- pass-through
if part passthrough; then
  say "== pass-through: losetup --version =="
  # Under the name "losetup" the program hands --version to the original.
  mkdir -p "$SCRATCH/pt/0"
  ln -s "$LC" "$SCRATCH/pt/0/losetup"
  pt=("direct=$UL --version" "wrapper=$SCRATCH/pt/0/losetup --version")
  bare=
  if command -v "$CC" >/dev/null 2>&1; then
    mkdir -p "$SCRATCH/bare"
    printf '%s\n' '#include <unistd.h>' \
      "int main (int argc, char **argv) { (void) argc; execv (\"$UL\", argv); return 127; }" \
      >"$SCRATCH/bare/bare.c"
    if $CC -O2 -o "$SCRATCH/bare/losetup" "$SCRATCH/bare/bare.c" 2>/dev/null; then
      pt+=("bare=$SCRATCH/bare/losetup --version")
      bare=1
    fi
  fi
  for ((i = 2; i < NP; i++)); do
    mkdir -p "$SCRATCH/pt/$i"
    ln -s "${P_PATH[i]}" "$SCRATCH/pt/$i/losetup"
    pt+=("x$i=$SCRATCH/pt/$i/losetup --version")
  done
  timeit hyperfine "$PT_RUNS" 0 "${pt[@]}" || exit 1

  # pt_row LABEL KEY PROGRAM: one line of the pass-through table.
  pt_row() {
    local r
    r=$(fmt '%.3f' "${MED[$2]} / ${MED[direct]}")
    syscalls_of "$3" --version
    M=
    [ "$2" != wrapper ] || mark "$r" "$T_PT_RATIO" "pass-through time ratio"
    printf '  %-32s %10s %8s %7s %8s %9s  %s\n' "$1" "$(ms "${MED[$2]}")" \
      "$(iqr_ms "${Q1[$2]}" "${Q3[$2]}")" "$r" "$(ms "${CPU[$2]}")" "$SC" "$M"
  }
  printf '  %-32s %10s %8s %7s %8s %9s\n' "" "median ms" "IQR ms" "ratio" \
    "cpu ms" "syscalls"
  pt_row "util-linux losetup, directly" direct "$UL"
  pt_row "losetup-container -> losetup" wrapper "$SCRATCH/pt/0/losetup"
  [ -z "$bare" ] || pt_row "bare execv wrapper (reference)" bare "$SCRATCH/bare/losetup"
  for ((i = 2; i < NP; i++)); do
    pt_row "${P_LABEL[i]} -> losetup" "x$i" "$SCRATCH/pt/$i/losetup"
  done
  if [ -n "$bare" ]; then
    r=$(fmt '%.3f' "${MED[wrapper]} / ${MED[bare]}")
    mark "$r" "$T_PT_BARE" "pass-through time against a bare execv wrapper"
    say "  losetup-container against the bare wrapper: ${r}x (what the wrapper itself adds)  $M"
  fi
  say ""
fi

say "load average at the end: $(cut -d ' ' -f 1-3 /proc/loadavg)"
say "== targets: $MARKS_PASS met, $MARKS_MISS missed =="
printf '%s' "$SUMMARY"
exit 0
