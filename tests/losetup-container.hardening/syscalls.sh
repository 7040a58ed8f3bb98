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
  # Writes to descriptors 1 and 2 only (the listing's child writes to its
  # own 1 and 2, its pipe to the listing).
  grep -E '(^|[0-9] +)(write|writev|pwrite64|pwritev|pwritev2)\(' "$_t" |
    grep -vE '(write|writev|pwrite64|pwritev|pwritev2)\([12],' >"$SCRATCH/bad"
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

# --- one child, no thread -----------------------------------------------------
# The listing forks one child for what may wait on a backing file, with
# no thread and no change of CPUs; the child's descriptors 0 to 2 are its
# pipe to the listing (no /dev/null is opened); each node is opened for
# its one ioctl and closed before the next is opened.  With one CPU
# allowed the rows are those of a free run.
traced plain "$LC" $LIST
if grep -qE 'clone3?\(.*CLONE_THREAD|pthread_create|sched_setaffinity' "$SCRATCH/plain.st"; then
  fail "one child: no thread, no CPU affinity"
  grep -E 'CLONE_THREAD|sched_setaffinity' "$SCRATCH/plain.st" | sed 's/^/  | /' | head
else
  pass "one child: no thread, no CPU affinity"
fi
if lc_sanitized; then
  unsupported "one child: forked once (the sanitizers' leak check starts a thread of its own)"
else
  lc_expect "one child: forked once" \
    test "$(grep -cE '(^|[0-9] +)(clone|clone3|fork|vfork)\(' "$SCRATCH/plain.st")" = 1
fi
lc_expect "one child: no /dev/null opened" \
  sh -c '! grep -q "\"/dev/null\"" "$1"' sh "$SCRATCH/plain.st"
# Each loop node: open, then close of that descriptor before anything else
# is opened by the same process.
awk '
  /openat\(.*"loop[0-9]+"|open\("\/dev\/loop/ { if (held[$1] != "") bad = 1; held[$1] = $NF; next }
  /close\(/ { if (held[$1] != "" && $0 ~ "close\\(" held[$1] "\\)") held[$1] = ""; next }
  /openat\(|open\(/ { if (held[$1] != "") bad = 1 }
  END { exit bad }' "$SCRATCH/plain.st"
lc_expect "one child: each node closed right after its one ioctl" test $? = 0
if taskset -c 0 true 2>/dev/null; then
  traced cpu0 taskset -c 0 "$LC" $LIST
  lc_expect "one CPU allowed: the rows are those of a free run" \
    cmp -s "$SCRATCH/plain.out" "$SCRATCH/cpu0.out"
else
  unsupported "one CPU allowed: taskset cannot set the CPUs here"
fi

# --- the way to the original --------------------------------------------------
traced passthrough "$LC" -V
judge passthrough
lc_expect "passthrough: one execve of the original" \
  test "$(grep -cE "execve\(\"$UL\"|execve\(\"/usr/sbin/losetup|execve\(\"/sbin/losetup" "$SCRATCH/passthrough.st")" = 1
traced missing env LOSETUP_CONTAINER_ORIGINAL_LOSETUP=/nonexistent "$LC" -V
judge missing
exit 0
