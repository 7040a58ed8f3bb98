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
PT_RUNS=${BENCH_PT_RUNS:-400}           # pass-through runs of each
UNBOUND=${BENCH_UNBOUND:-256}           # unbound nodes added to measure them
DELETED=${BENCH_DELETED:-16}            # backing files unlinked at the end
EXTRA=${BENCH_EXTRA:-}                  # more programs: "label=path ..."
MOUNTS=${BENCH_MOUNTS-"0 1000 10000 20000"}     # bind mounts, one row each
MOUNT_DEVICES=${BENCH_MOUNT_DEVICES:-64}        # devices of a dead container
MOUNT_RUNS=${BENCH_MOUNT_RUNS:-20}              # timed listings per row
PARTS=${BENCH_PARTS:-"unbound sizes reads mounts passthrough"}
CC=${CC:-cc}

# The speed targets, reported as met or missed at the end.
T_LIST_RATIO=0.50       # listing time against losetup's, for N >= 256
T_LIST_FROM=256
# System calls per device in use, the worker process included: 6 (the
# attribute's open and read and the node's fstatat in the listing; the
# node's open and ioctl and the resolver's stat in the worker), both
# processes closing their descriptors 64 at a time with close_range, plus
# what grows with the list as a whole: more getdents64 calls for a longer
# /sys/block, the batched pipe writes and reads, about 0.1 per device.
T_SC_DEVICE=7.1
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
. "$(dirname "$0")/../lib/ul-losetup.sh"

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
for n in $SIZES $LIST_RUNS $PT_RUNS $UNBOUND $DELETED $MOUNTS \
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

# timeit TAG RUNS KEY=COMMAND...: runs each command RUNS times, the
# commands in alternation: one hyperfine run of each per round, in an order
# that changes every round, so that a busier moment of the machine falls
# on all of them alike.  Sets MED[KEY], Q1[KEY] and Q3[KEY] (seconds, wall
# time) and CPU[KEY] (the mean user and system time, less disturbed by
# other work on the machine than the wall time).
declare -A MED Q1 Q3 CPU
HF_PREFIX=()            # runs hyperfine in another mount namespace
timeit() {
  local tag=$1 rounds=$2 r i j k key med q1 q3 cpu args
  shift 2
  local -a keys=() cmds=()
  for i in "$@"; do
    keys+=("${i%%=*}")
    cmds+=("${i#*=}")
  done
  k=${#keys[@]}
  rm -f "$SCRATCH/hf/$tag".*.json
  for ((r = 0; r < rounds; r++)); do
    args=()
    for ((i = 0; i < k; i++)); do
      if [ $((r % 2)) -eq 0 ]; then j=$(( (i + r / 2) % k ))
      else j=$(( (2 * k - 1 - i + r / 2) % k )); fi
      args+=(--command-name "${keys[j]}" "${cmds[j]}")
    done
    if ! "${HF_PREFIX[@]}" hyperfine -N --style none --runs 1 \
           --export-json "$SCRATCH/hf/$tag.$r.json" "${args[@]}" \
           >/dev/null 2>"$SCRATCH/hf/err"; then
      warn "hyperfine failed:"
      cat "$SCRATCH/hf/err" >&2
      return 1
    fi
  done
  while IFS=$'\t' read -r key med q1 q3 cpu; do
    MED[$key]=$med Q1[$key]=$q1 Q3[$key]=$q3 CPU[$key]=$cpu
  done < <(perl -MJSON::PP -e '
    my (%t, %cpu);
    for my $f (@ARGV) {
      local $/;
      open(my $h, "<", $f) or die "$f: $!\n";
      my $j = JSON::PP->new->decode(<$h>);
      for my $r (@{$j->{results}}) {
        push @{$t{$r->{command}}}, @{$r->{times}};
        push @{$cpu{$r->{command}}}, $r->{user} + $r->{system};
      }
    }
    sub quantile {
      my ($v, $p) = @_;
      my $x = $p * (@$v - 1);
      my $i = int $x;
      return $i + 1 < @$v ? $v->[$i] + ($x - $i) * ($v->[$i + 1] - $v->[$i])
                          : $v->[$i];
    }
    for my $c (sort keys %t) {
      my @v = sort { $a <=> $b } @{$t{$c}};
      my $cpu = 0;
      $cpu += $_ / @{$cpu{$c}} for @{$cpu{$c}};
      printf "%s\t%.9f\t%.9f\t%.9f\t%.9f\n", $c,
        quantile(\@v, .5), quantile(\@v, .25), quantile(\@v, .75), $cpu;
    }' "$SCRATCH/hf/$tag".*.json)
}

ms() { fmt '%.3f' "$1 * 1000"; }
iqr_ms() { fmt '%.3f' "($2 - $1) * 1000"; }

# ---------------------------------------------------------------- machine
LIST_ARGS="-l -O NAME,BACK-FILE"
unset LOSETUP_CONTAINER_BIND_MOUNTS LOSETUP_CONTAINER_DEBUG
# The original that the pass-through runs, found on its first look, as
# with a packaged install (the diverted losetup comes first).
export LOSETUP_CONTAINER_ORIGINAL_LOSETUP=$UL

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
say "  hyperfine:         $(hyperfine --version | head -n 1)"
say "  strace:            $(strace -V | head -n 1)"
say "timing: hyperfine -N, the programs in alternation ($LIST_RUNS listing and"
say "        $PT_RUNS pass-through runs each); median and interquartile range (IQR)"
say ""

# The programs compared: losetup-container, util-linux losetup, and any
# given in BENCH_EXTRA (other builds, to compare changes in one run).
P_LABEL=("losetup-container" "util-linux losetup")
P_PATH=("$LC" "$UL")
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
# when there is none.  A program given in BENCH_EXTRA may be another
# tool, whose bytes are its own.
DIFFERING=
same_output() {
  local i tries
  for ((tries = 3; tries > 0; tries--)); do
    DIFFERING=
    "$UL" $LIST_ARGS 2>&1 | grep -F -e "$POOL/" >"$SCRATCH/ul.out"
    for ((i = 0; i < NP; i++)); do
      [ "${P_PATH[i]}" = "$UL" ] && continue
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
# of unbound nodes accounts for.
if part sizes; then
  declare -a T0 SC0 SCN
  timeit s0 "$LIST_RUNS" "${CMDS[@]}" || exit 1
  for ((i = 0; i < NP; i++)); do
    T0[i]=${MED[p$i]}
    syscalls_of "${P_PATH[i]}" $LIST_ARGS; SC0[i]=$SC
  done
  B0=$BOUND U0=$UNB
  say "== stage 0, before attaching: $B0 devices in use (not ours), $U0 unbound nodes =="
  for ((i = 0; i < NP; i++)); do
    printf '  %-20s %9s ms (IQR %s ms), %s syscalls\n' "${P_LABEL[i]}" \
      "$(ms "${T0[i]}")" "$(iqr_ms "${Q1[p$i]}" "${Q3[p$i]}")" "${SC0[i]}"
  done
  say ""

  prev_us=-
  prev_n=
  for N in $SIZES; do
    t_start=$SECONDS
    attach_upto "$N" || exit 1
    timeit "n$N" "$LIST_RUNS" "${CMDS[@]}" || exit 1
    for ((i = 0; i < NP; i++)); do
      syscalls_of "${P_PATH[i]}" $LIST_ARGS; SCN[i]=$SC
    done
    B=$BOUND U=$UNB
    dB=$((B - B0)) dU=$((U - U0))
    [ "$dB" -gt 0 ] || dB=1
    say "== N = $N: $B devices in use (${#ATTACHED[@]} attached by this run), $U unbound nodes =="
    printf '  %-20s %10s %8s %10s %7s %8s %6s %9s %10s\n' "" "median ms" \
      "IQR ms" "us/device" "ratio" "cpu ms" "ratio" "syscalls" "per device"
    for ((i = 0; i < NP; i++)); do
      pd=$(fmt '%.2f' "(${SCN[i]} - ${SC0[i]} - ${PU[i]} * $dU) / $dB")
      us=-
      # Below 64 devices the difference is lost in the noise.
      [ "$dB" -lt 64 ] || us=$(fmt '%.2f' "(${MED[p$i]} - ${T0[i]}) * 1e6 / $dB")
      r=$(fmt '%.3f' "${MED[p$i]} / ${MED[p1]}")
      printf '  %-20s %10s %8s %10s %7s %8s %6s %9s %10s\n' "${P_LABEL[i]}" \
        "$(ms "${MED[p$i]}")" "$(iqr_ms "${Q1[p$i]}" "${Q3[p$i]}")" \
        "$us" "$r" "$(ms "${CPU[p$i]}")" \
        "$(fmt '%.2f' "${CPU[p$i]} / (${CPU[p1]} > 0 ? ${CPU[p1]} : 1)")" \
        "${SCN[i]}" "$pd"
      [ "$i" -ne 0 ] || { ratio=$r pd_lc=$pd us_lc=$us; }
    done
    if [ "$N" -ge "$T_LIST_FROM" ]; then
      mark "$ratio" "$T_LIST_RATIO" "listing time ratio at N=$N"
      say "  time, losetup-container / losetup: $ratio  $M"
    else
      say "  time, losetup-container / losetup: $ratio  (no target below N=$T_LIST_FROM)"
    fi
    # The start's fixed hundred-odd calls are most of the count at a few
    # devices: the per-device target holds from T_LIST_FROM on, as the
    # time's does.
    if [ "$N" -ge "$T_LIST_FROM" ]; then
      mark "$pd_lc" "$T_SC_DEVICE" "syscalls per device in use at N=$N"
      say "  syscalls per device in use: $pd_lc  $M"
    else
      say "  syscalls per device in use: $pd_lc  (no target below N=$T_LIST_FROM)"
    fi
    if [ "$prev_us" != - ] && [ "$us_lc" != - ]; then
      # Linear: one more device costs no more among many than among fewer.
      g=$(fmt '%.2f' "$us_lc / ($prev_us > 0.01 ? $prev_us : 0.01)")
      mark "$g" "$T_LINEAR" "time per device at N=$N against N=$prev_n (linear growth)"
      say "  time per device against N=$prev_n: ${g}x  $M"
    fi
    if same_output; then
      say "  output: the lines of this run's devices are losetup's, byte for byte"
    else
      say "  output: the lines of this run's devices DIFFER from losetup's: $DIFFERING"
    fi
    prev_us=$us_lc prev_n=$N
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
    timeit "m$NM" "$MOUNT_RUNS" "${CMDS[@]}" "cat=cat /proc/self/mountinfo" \
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
  timeit pt "$PT_RUNS" "${pt[@]}" || exit 1

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
