#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# syscalls.sh -- what the program does to the system, seen with strace:
# candidate paths are looked at with stat and never opened; nothing is
# opened for writing, created, removed, renamed, linked, chmod'ed or
# mounted; nothing is written but to standard output and standard error;
# the only loop ioctl is LOOP_GET_STATUS64; no socket is opened.
#
# The listing runs over devices whose candidates lie in this script's
# scratch directory (a bind list with decoys, a mount of the pool, a cut
# name), so that the candidates are many and known; the way to the
# original losetup is traced as well.

. "$TESTS_SRCDIR/lib/lib.sh"
. "$TESTS_SRCDIR/lib/hardening.sh"
if ! command -v strace >/dev/null 2>&1 || ! strace -o /dev/null true 2>/dev/null; then
  unsupported "system calls: strace is missing or cannot trace here"
  exit 0
fi
lc_need_unshare "system calls of the listing"
hard_private_namespace "$@"
lc_init
SEEN_MOUNTED=
trap '[ -z "$SEEN_MOUNTED" ] || umount "$SCRATCH/seen"; hard_sysblock_restore; lc_cleanup' EXIT

POOL=$SCRATCH/pool
mkdir "$POOL" "$SCRATCH/root" "$SCRATCH/seen" "$SCRATCH/decoy"
truncate -s 1M "$POOL/restart.img" "$SCRATCH/decoy/restart.img"
lc_ct_attach "$SCRATCH/root" "$POOL/restart.img" "$POOL:/ctpool" -- \
  "$UL" --show -f /ctpool/restart.img || { fail "attach"; exit 0; }
mount --bind "$POOL" "$SCRATCH/seen" && SEEN_MOUNTED=1
hard_sysblock_prepare "$DEV" && hard_sysblock_mount || { fail "private /sys/block"; exit 0; }

# traced NAME COMMAND...: runs COMMAND under strace into $SCRATCH/NAME.st.
traced() {
  _n=$1; shift
  strace -f -qq -s 8192 -o "$SCRATCH/$_n.st" "$@" \
    >"$SCRATCH/$_n.out" 2>"$SCRATCH/$_n.err"
}

# judge NAME: the checks over $SCRATCH/NAME.st.
judge() {
  _t=$SCRATCH/$1.st
  lc_expect "$1: traced (the log is not empty)" test -s "$_t"
  # Opened for reading only.
  if grep -E '(^|[0-9] +)(open|openat|openat2|creat)\(' "$_t" |
       grep -E 'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND|creat\(' >"$SCRATCH/bad"; then
    fail "$1: nothing opened for writing"; sed 's/^/  | /' "$SCRATCH/bad" | head
  else
    pass "$1: nothing opened for writing"
  fi
  # Nothing changed in any file system, nothing mounted, no socket.
  if grep -E '(^|[0-9] +)(truncate|ftruncate|mkdir|mkdirat|unlink|unlinkat|rmdir|rename|renameat|renameat2|link|linkat|symlink|symlinkat|chmod|fchmod|fchmodat|chown|fchown|fchownat|lchown|mknod|mknodat|mount|umount2|utimensat|utimes|socket|connect|sendto|sendmsg)\(' \
       "$_t" >"$SCRATCH/bad"; then
    fail "$1: no file system change, no socket"; sed 's/^/  | /' "$SCRATCH/bad" | head
  else
    pass "$1: no file system change, no socket"
  fi
  # Writes to descriptors 1 and 2 only; the listing's worker process
  # (another process id than the first line's) writes its results to
  # descriptor 3, its pipe to the listing, and to nothing else.
  _main=$(awk '{ print $1; exit }' "$_t")
  grep -E '(^|[0-9] +)(write|writev|pwrite64|pwritev|pwritev2)\(' "$_t" |
    grep -vE '(write|writev|pwrite64|pwritev|pwritev2)\([12],' |
    awk -v main="$_main" '$1 == main || $0 !~ /write\(3,/' >"$SCRATCH/bad"
  if [ -s "$SCRATCH/bad" ]; then
    fail "$1: writes to stdout and stderr only"; sed 's/^/  | /' "$SCRATCH/bad" | head
  else
    pass "$1: writes to stdout and stderr only"
  fi
  # The only loop ioctl reads the status.
  if grep -E 'ioctl\(' "$_t" | grep 'LOOP_' | grep -v 'LOOP_GET_STATUS64' >"$SCRATCH/bad"; then
    fail "$1: no loop ioctl but LOOP_GET_STATUS64"; sed 's/^/  | /' "$SCRATCH/bad" | head
  else
    pass "$1: no loop ioctl but LOOP_GET_STATUS64"
  fi
}

# --- the listing ------------------------------------------------------------
LOSETUP_CONTAINER_BIND_MOUNTS="$SCRATCH/decoy:/ctpool:$POOL" \
  traced bound "$LC" $LIST
judge bound
lc_expect_back_file "bound: the bind list's path" "$SCRATCH/bound.out" "$DEV" "$POOL/restart.img"
# The candidates were looked at (the trace shows them) and never opened.
for cand in "/restart.img" "/ctpool/restart.img" "$SCRATCH/decoy/restart.img" \
            "$POOL/restart.img"; do
  lc_expect "bound: candidate $cand looked at with stat" \
    grep -qE "(stat|statx|newfstatat|fstatat64|lstat)\(.*\"$cand\"" "$SCRATCH/bound.st"
  lc_expect "bound: candidate $cand never opened" \
    sh -c '! grep -qE "open(at|at2)?\(.*\"$1\"" "$2"' sh "$cand" "$SCRATCH/bound.st"
done

traced mounts "$LC" $LIST
judge mounts
lc_expect_back_file "mounts: the mount table's path" "$SCRATCH/mounts.out" "$DEV" "$SCRATCH/seen/restart.img"
lc_expect "mounts: candidate $SCRATCH/seen/restart.img never opened" \
  sh -c '! grep -qE "open(at|at2)?\(.*\"$1\"" "$2"' sh "$SCRATCH/seen/restart.img" "$SCRATCH/mounts.st"

# The shell opens /dev/full, not the program: redirect outside the trace.
strace -f -qq -s 8192 -o "$SCRATCH/full.st" "$LC" $LIST >/dev/full 2>"$SCRATCH/full.err"
judge full
lc_expect "full: the write error reported" grep -q 'write error' "$SCRATCH/full.err"

# --- the CPUs -------------------------------------------------------------------
# The worker is moved off the listing's CPU (to every other CPU it may
# use) while it is fed, and given every CPU back once the feeding ends;
# only the worker: the listing's own CPUs never change.  With one CPU
# allowed nothing is moved, and the rows are the same.  taskset(1) sets
# its own CPUs before it runs the program in the same process: the trace
# is read from the program's execve on.
taskset_ok=
for cpus in 0 0,1; do
  taskset -c "$cpus" true 2>/dev/null || continue
  taskset_ok=1
  traced cpus taskset -c "$cpus" "$LC" $LIST
  sed -n '/execve("[^"]*losetup-container"/,$p' "$SCRATCH/cpus.st" >"$SCRATCH/cpus.lc"
  main=$(awk '{ print $1; exit }' "$SCRATCH/cpus.lc")
  lc_expect "cpus $cpus: the rows are those of a free run" \
    cmp -s "$SCRATCH/mounts.out" "$SCRATCH/cpus.out"
  lc_expect "cpus $cpus: the listing never sets its own CPUs" \
    sh -c '! grep -qE "^$1 +sched_setaffinity\((0|$1)," "$2"' sh "$main" "$SCRATCH/cpus.lc"
  # The listing's sched_setaffinity calls: "PID CPU...", one line each.
  awk -v main="$main" '$1 == main && /sched_setaffinity\(/' "$SCRATCH/cpus.lc" |
    sed 's/.*sched_setaffinity(\([0-9]*\), [0-9]*, \[\([^]]*\)\].*/\1 \2/' \
    >"$SCRATCH/cpus.set"
  case $cpus in
    0) lc_expect "cpus 0: one CPU allowed, the worker is not moved" \
         test ! -s "$SCRATCH/cpus.set" ;;
    *) worker=none first= more=
       read -r worker first more <"$SCRATCH/cpus.set"
       lc_expect "cpus 0,1: the worker, another traced process ($worker), is moved to one CPU of the two" \
         sh -c '[ "$1" != "$2" ] && grep -q "^$1 " "$3" && [ -z "$5" ] && { [ "$4" = 0 ] || [ "$4" = 1 ]; }' \
         sh "$worker" "$main" "$SCRATCH/cpus.lc" "$first" "$more"
       lc_expect "cpus 0,1: then given both back, and nothing else set" \
         sh -c '[ "$(sed -n 2p "$1")" = "$2 0 1" ] && [ "$(wc -l <"$1")" = 2 ]' \
         sh "$SCRATCH/cpus.set" "$worker" ;;
  esac
done
if [ -z "$taskset_ok" ]; then
  unsupported "cpus: taskset cannot set the CPUs here"
elif ! taskset -c 0,1 true 2>/dev/null; then
  unsupported "cpus: one CPU only, the worker cannot be moved"
fi

# --- the way to the original --------------------------------------------------
traced passthrough "$LC" -V
judge passthrough
lc_expect "passthrough: one execve of the original" \
  test "$(grep -cE "execve\(\"$UL\"|execve\(\"/usr/sbin/losetup|execve\(\"/sbin/losetup" "$SCRATCH/passthrough.st")" = 1
traced missing env LOSETUP_CONTAINER_ORIGINAL_LOSETUP=/nonexistent "$LC" -V
judge missing
exit 0
