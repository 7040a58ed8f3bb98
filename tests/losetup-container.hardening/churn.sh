#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# churn.sh -- the listing while devices come and go.
#
# In the background, devices are attached and detached without pause (only
# this script's devices, at most four at a time): on the host, inside a
# container that binds the pool elsewhere and exits (the kernel then cuts
# the path), and inside one that binds it at the same path (long names, so
# lo_file_name is cut as well).  Meanwhile the listing runs CHURN_RUNS times
# (default 1000, for at most CHURN_SECONDS, default 45) on the host, with the
# pool in LOSETUP_CONTAINER_BIND_MOUNTS.  Every run must exit 0 with
# nothing on stderr and a well-formed table.  Every device that was ours,
# bound to one file, for the whole of a run must be listed by that run
# with that file's path, exactly; and no run may show one of our files
# for a device that was never bound to it.  Other devices on the machine
# (other tests') are only checked for well-formedness.

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/hardening.sh"
lc_need_unshare "churn"
lc_init

RUNS=${CHURN_RUNS:-1000}
LIMIT=${CHURN_SECONDS:-45}
POOL=$SCRATCH/pool
LOG=$SCRATCH/churn.log
mkdir "$POOL" "$SCRATCH/root" "$SCRATCH/runs"
FILES="short-a.img short-b.img
pvc-6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e-churn_00000.img
pvc-7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d-churn_00000.img
pvc-0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f-churn_00000.img"
for f in $FILES; do
  truncate -s 1M "$POOL/$f"
done
lc_expect "the long names are cut by the kernel" \
  test $(( ${#POOL} + 1 + ${#f} )) -gt 63

now() { date +%s%6N; }

# churn: the background attacher.  Logs "A T0 T1 DEVICE FILE" once DEVICE
# is bound to FILE: T0 taken before the attach began, T1 after it ended;
# and "D T0 T1 DEVICE" once DEVICE is detached: T0 before the detach began,
# T1 once sysfs shows it unbound (a detach is deferred while something,
# udev or a listing, holds the device open).  So the device was bound to
# FILE at least from A's T1 to D's T0, and at most from A's T0 to D's T1.
detach() {
  _t0=$(now)
  "$UL" -d "$1" 2>/dev/null
  _k=0
  while [ -e "/sys/block/${1#/dev/}/loop/backing_file" ] && [ $_k -lt 200 ]; do
    sleep 0.01; _k=$((_k + 1))
  done
  echo "D $_t0 $(now) $1" >>"$LOG"
}
churn() {
  set -- $FILES
  nfiles=$#
  i=0 held=
  while [ ! -e "$SCRATCH/stop" ]; do
    k=$(( i % nfiles + 1 ))
    eval "f=\${$k}"
    dev=
    t0=$(now)
    case $(( i % 3 )) in
      0) dev=$("$UL" --show -f "$POOL/$f" 2>/dev/null) ;;
      1) rm -f "$SCRATCH/out/churn"
         lc_in_container "$SCRATCH/root" "$POOL:/ctpool" -- \
           sh -c '"$@" >/lc/out/churn' sh "$UL" --show -f "/ctpool/$f" 2>/dev/null
         dev=$(cat "$SCRATCH/out/churn" 2>/dev/null) ;;
      2) rm -f "$SCRATCH/out/churn"
         lc_in_container "$SCRATCH/root" "$POOL:$POOL" -- \
           sh -c '"$@" >/lc/out/churn' sh "$UL" --show -f "$POOL/$f" 2>/dev/null
         dev=$(cat "$SCRATCH/out/churn" 2>/dev/null) ;;
    esac
    if [ -n "$dev" ]; then
      echo "A $t0 $(now) $dev $f" >>"$LOG"
      held="$held $dev"
    fi
    set -- $held
    if [ $# -gt 4 ]; then
      detach "$1"
      shift
      held="$*"
    fi
    set -- $FILES
    i=$((i + 1))
  done
  for dev in $held; do
    detach "$dev"
  done
}

CHURN_PID=
stop_churn() {
  if [ -n "$CHURN_PID" ]; then
    touch "$SCRATCH/stop"
    wait "$CHURN_PID"
    CHURN_PID=
  fi
}
all_files() { for _f in $FILES; do printf '%s\n' "$POOL/$_f"; done; }
# Whatever happens: stop the attacher, detach what is still bound to our
# files (matched by device and inode), then the usual cleanup.
trap 'stop_churn; hard_detach_ours $(all_files); lc_cleanup' EXIT

: >"$LOG"
churn &
CHURN_PID=$!

run=0
t0=$(date +%s)
while [ $run -lt "$RUNS" ] && [ $(( $(date +%s) - t0 )) -lt "$LIMIT" ]; do
  run=$((run + 1))
  s=$(now)
  LOSETUP_CONTAINER_BIND_MOUNTS=$POOL "$LC" $LIST \
    >"$SCRATCH/runs/$run.out" 2>"$SCRATCH/runs/$run.err"
  st=$?
  e=$(now)
  echo "$run $s $e $st" >>"$SCRATCH/runs.list"
done
stop_churn
elapsed=$(( $(date +%s) - t0 ))

attaches=$(grep -c '^A ' "$LOG")
detaches=$(grep -c '^D ' "$LOG")
echo "churn: $run listings in ${elapsed}s; $attaches attaches, $detaches detaches"
lc_expect "the attacher kept going ($attaches attaches, $detaches detaches)" \
  test "$attaches" -ge 20 -a "$detaches" -ge 10

# --- every run: status 0, nothing on stderr, a well-formed table ------------
bad_status=0 bad_err=0 bad_form=0
while read -r r s e st; do
  [ "$st" = 0 ] || { bad_status=$((bad_status + 1)); echo "  | run $r: status $st"; }
  if [ -s "$SCRATCH/runs/$r.err" ]; then
    bad_err=$((bad_err + 1))
    echo "  | run $r stderr: $(head -c 200 "$SCRATCH/runs/$r.err")"
  fi
  if ! out=$(hard_well_formed "$SCRATCH/runs/$r.out"); then
    bad_form=$((bad_form + 1))
    echo "  | run $r:"; printf '%s\n' "$out" | head -5
  fi
done <"$SCRATCH/runs.list"
lc_expect "$run runs: every one exited 0" test $bad_status = 0
lc_expect "$run runs: stderr always empty" test $bad_err = 0
lc_expect "$run runs: every table well formed" test $bad_form = 0

# --- every run: our devices show the right paths --------------------------
# An awk pass over the log (intervals when a device was ours, bound to one
# file) and every run's table.
LC_ALL=C awk -v pool="$POOL" -v runs="$SCRATCH/runs" -v logf="$LOG" '
  BEGIN {
    INF = 1e300
    while ((getline line < logf) > 0) {
      split(line, f, " ")
      if (f[1] == "A") { a0[f[4]] = f[2]; a1[f[4]] = f[3]; af[f[4]] = f[5] }
      else if (f[1] == "D" && (f[4] in af)) {
        n++; dev[n] = f[4]; file[n] = af[f[4]]
        from0[n] = a0[f[4]]; from1[n] = a1[f[4]]; to0[n] = f[2]; to1[n] = f[3]
        delete af[f[4]]
      }
    }
    for (x in af) {
      n++; dev[n] = x; file[n] = af[x]
      from0[n] = a0[x]; from1[n] = a1[x]; to0[n] = INF; to1[n] = INF
    }
  }
  {
    r = $1; s = $2; e = $3
    split("", shown)
    out = runs "/" r ".out"
    first = 1
    while ((getline line < out) > 0) {
      if (first) { first = 0; continue }          # the header
      name = line; sub(/ .*/, "", name)
      back = line; sub(/^[^ ]+ +/, "", back)
      if (name in shown) txt = shown[name] "\n" back; else txt = back
      shown[name] = txt
      # One of our files is shown only for a device that may have been
      # bound to it at some time during the run.
      if (index(back, pool "/") == 1) {
        ok = 0
        for (i = 1; i <= n; i++)
          if (dev[i] == name && pool "/" file[i] == back \
              && from0[i] <= e && to1[i] >= s) ok = 1
        if (!ok) {
          wrong++
          if (wrong <= 5) printf "  | run %s: %s shows %s, never bound to it then\n", r, name, back
        }
      }
    }
    close(out)
    # A device surely ours for the whole run is there, with its file.
    for (i = 1; i <= n; i++)
      if (from1[i] <= s && e <= to0[i]) {
        strict++
        if (!(dev[i] in shown)) {
          missing++
          if (missing <= 5) printf "  | run %s: %s (%s) not listed\n", r, dev[i], file[i]
        } else if (shown[dev[i]] != pool "/" file[i]) {
          wrongpath++
          if (wrongpath <= 5) {
            txt = shown[dev[i]]; gsub(/\n/, " + ", txt)
            printf "  | run %s: %s shows %s, want %s\n", r, dev[i], txt, pool "/" file[i]
          }
        }
      }
  }
  END {
    printf "strict %d missing %d wrongpath %d wrong %d\n", strict, missing, wrongpath, wrong
  }' "$SCRATCH/runs.list" >"$SCRATCH/verdict"
grep '^  |' "$SCRATCH/verdict"
# CHURN_KEEP=DIR keeps the log and the tables for a closer look.
if [ -n "${CHURN_KEEP:-}" ]; then
  mkdir -p "$CHURN_KEEP" && cp -r "$LOG" "$SCRATCH/runs.list" "$SCRATCH/runs" "$CHURN_KEEP"
fi
set -- $(tail -n 1 "$SCRATCH/verdict")
echo "churn: $2 device checks over whole runs"
lc_expect "some devices were ours for whole runs ($2 checks)" test "${2:-0}" -gt 0
lc_expect "a device ours for a whole run is always listed" test "${4:-1}" = 0
lc_expect "a device ours for a whole run always shows its file's path" test "${6:-1}" = 0
lc_expect "our files are shown only for devices bound to them" test "${8:-1}" = 0
exit 0
