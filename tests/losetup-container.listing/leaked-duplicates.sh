#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# leaked-duplicates.sh -- the operator's recipe for loop devices leaked by
# an uncorrected listing, run as README.md prints it (the block after the
# "recipe:leaked-duplicates" marker).  One file is attached three times:
# once mounted (seen only by the exclusive open: the mount lives in another
# mount namespace and holds no file descriptor), once held open by a
# process (seen only through /proc), once unused.  Another file is
# attached twice with neither in use, a third once.  Only the unused
# duplicates may go, and one device of the second file must stay.
#
# The recipe lists and detaches through "losetup" in PATH: here a guard
# that shows it only this script's devices (others may exist on the
# machine), refuses to detach any other, and refuses every other request.

. "$TESTS_SRCDIR/lib/lib.sh"
lc_need_unshare "the recipe for leaked duplicates"
for tool in perl mkfs.ext2; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    unsupported "the recipe for leaked duplicates ($tool not found)"
    exit 0
  fi
done
lc_init
HOLDERS=
# stop_holders: ends the processes that hold devices open, then cleans up.
stop_holders() {
  for _p in $HOLDERS; do kill "$_p" 2>/dev/null; done
  wait
  lc_cleanup
}
trap stop_holders EXIT

awk '/^<!-- recipe:leaked-duplicates/ { on = 1; next }
     on && /^```sh$/ { body = 1; next }
     body && /^```$/ { exit }
     body { print }' "$TOP_SRCDIR/README.md" >"$SCRATCH/recipe.sh"
if ! grep -q 'losetup -d' "$SCRATCH/recipe.sh"; then
  fail "README.md holds the recipe after its marker"
  exit 0
fi
pass "README.md holds the recipe after its marker"
# The man page's EXAMPLES print the same recipe, in roff.
awk '/^\.SS Cleaning up leaked loop devices/ { on = 1; next }
     on && /^\.EX$/ { body = 1; next }
     body && /^\.EE$/ { exit }
     body { gsub(/\\-/, "-"); gsub(/\\e/, "\\"); print }' \
  "$TOP_SRCDIR/man/losetup-container.8.in" >"$SCRATCH/recipe.man"
lc_expect "the man page's recipe is README.md's" \
  cmp -s "$SCRATCH/recipe.sh" "$SCRATCH/recipe.man"

ROOT=$SCRATCH/root
mkdir "$ROOT" "$SCRATCH/pool" "$SCRATCH/guard" "$SCRATCH/mnt"
truncate -s 4M "$SCRATCH/pool/a.img"
mkfs.ext2 -q -F "$SCRATCH/pool/a.img" >/dev/null 2>&1
truncate -s 1M "$SCRATCH/pool/b.img" "$SCRATCH/pool/c.img"

# Leaked the way satellites leaked them: each attached in a container that
# has since exited, so that util-linux alone shows the cut path.
# leak FILE: attaches FILE once more; prints the device.
leak() {
  lc_ct_attach "$ROOT" "$SCRATCH/pool/$1" "$SCRATCH/pool:/pools" -- \
    "$UL" --show -f "/pools/$1" || return 1
  printf '%s\n' "$DEV"
}
A1=$(leak a.img) && A2=$(leak a.img) && A3=$(leak a.img) \
  && B1=$(leak b.img) && B2=$(leak b.img) && C1=$(leak c.img) \
  || { fail "attach the duplicates"; exit 0; }
MINE="$A1 $A2 $A3 $B1 $B2 $C1"

# A1 mounted, in a mount namespace of its own; A2 open in a process.
unshare -m --propagation private sh -c '
  mount -o ro "$1" "$2" && echo ok >"$3" && exec sleep 600' \
  sh "$A1" "$SCRATCH/mnt" "$SCRATCH/mounted" &
HOLDERS="$HOLDERS $!"
sh -c 'exec 3<"$1"; echo ok >"$2"; exec sleep 600' sh "$A2" "$SCRATCH/opened" &
HOLDERS="$HOLDERS $!"
for _ in 1 2 3 4 5 6 7 8 9 10; do
  [ -s "$SCRATCH/mounted" ] && [ -s "$SCRATCH/opened" ] && break
  sleep 0.5
done
lc_expect "one duplicate is mounted" test -s "$SCRATCH/mounted"
lc_expect "one duplicate is held open by a process" test -s "$SCRATCH/opened"

# The guard: exactly the two forms the recipe uses, nothing else.  The
# listing "-l -O NAME,BACK-FILE" shows this script's devices only (the
# header kept); "-d DEV" detaches DEV only when it is one of this script's.
# Any other argv (more arguments, --detach, -D, -d further on) is refused:
# logged to LOG/refused, exit 1, util-linux never reached.
# make_guard DIR ORIGINAL LOG: writes the guard as DIR/losetup, handing
# accepted requests to ORIGINAL.
make_guard() {
  cat >"$1/losetup" <<GUARD
#!/bin/sh
if [ \$# = 2 ] && [ "\$1" = -d ]; then
  case " $MINE " in
    *" \$2 "*) echo "\$2" >>"$3/detached"; exec "$2" -d "\$2" ;;
  esac
elif [ \$# = 3 ] && [ "\$1" = -l ] && [ "\$2" = -O ] \\
     && [ "\$3" = NAME,BACK-FILE ]; then
  "$LC" "\$@" >"$3/listing" || exit
  awk -v mine=" $MINE " 'NR == 1 || index(mine, " " \$1 " ")' "$3/listing"
  exit
fi
printf '%s\\n' "\$*" >>"$3/refused"
exit 1
GUARD
  chmod 755 "$1/losetup"
}
make_guard "$SCRATCH/guard" "$UL" "$SCRATCH"

# The guard itself, with a stand-in for util-linux that only logs: every
# form but the two is refused and reaches nothing.
mkdir "$SCRATCH/guard-test" "$SCRATCH/guard-log"
printf '#!/bin/sh\necho "$*" >>"%s/reached"\n' "$SCRATCH/guard-log" \
  >"$SCRATCH/guard-test/ul"
chmod 755 "$SCRATCH/guard-test/ul"
make_guard "$SCRATCH/guard-test" "$SCRATCH/guard-test/ul" "$SCRATCH/guard-log"
for args in "-d $A3 $B1" "--detach $A3" "-D" "-a -d $A3" "-d" \
    "-d /dev/loop-not-mine" "-l" "-l -O NAME,BACK-FILE -a" \
    "-O NAME,BACK-FILE -l"; do
  rm -f "$SCRATCH/guard-log/refused"
  # shellcheck disable=SC2086
  "$SCRATCH/guard-test/losetup" $args >/dev/null 2>&1; st=$?
  lc_expect "the guard refuses 'losetup $args'" \
    sh -c 'test "$1" != 0 && test -s "$2/refused" && test ! -e "$2/reached"' \
    sh "$st" "$SCRATCH/guard-log"
done
"$SCRATCH/guard-test/losetup" -d "$A3"
lc_expect "the guard hands 'losetup -d' of this script's device on" \
  grep -qx -e "-d $A3" "$SCRATCH/guard-log/reached"

# attached DEV FILE: true when DEV still has FILE (of the pool) behind it.
attached() {
  lc_still_ours "$1" "$(lc_file_id "$SCRATCH/pool/$2")"
}

not_attached() { ! attached "$@"; }
# kept DEV FILE: DEV still has FILE and was never handed to "losetup -d"
# (which, on a device in use, only marks it to go when it is closed).
kept() {
  attached "$@" && ! grep -qx "$1" "$SCRATCH/detached" 2>/dev/null
}

# Of b.img's two devices, none in use, the first listed stays: the order
# is the kernel's (util-linux lists in the same order).
FIRST_B=$("$UL" -l -n -O NAME | grep -x -e "$B1" -e "$B2" | head -n 1)
if [ "$FIRST_B" = "$B1" ]; then OTHER_B=$B2; else OTHER_B=$B1; fi

# The listing the recipe reads: every duplicate under its full path.
export LOSETUP_CONTAINER_BIND_MOUNTS=$SCRATCH/pool
"$SCRATCH/guard/losetup" -l -O NAME,BACK-FILE >"$SCRATCH/seen"
for d in $A1 $A2 $A3; do
  lc_expect_back_file "the corrected listing names a.img on $d" \
    "$SCRATCH/seen" "$d" "$SCRATCH/pool/a.img"
done

# As printed: nothing changes.
PATH=$SCRATCH/guard:$PATH sh "$SCRATCH/recipe.sh" >"$SCRATCH/dry" 2>&1
lc_expect "as printed, the recipe detaches nothing" test ! -e "$SCRATCH/detached"
for d in $A3 $OTHER_B; do
  lc_expect "as printed, the recipe names $d unused" \
    grep -qx "$SCRATCH/pool/[ab].img: $d unused" "$SCRATCH/dry"
done
for d in $A1 $A2 $FIRST_B; do
  lc_expect "as printed, the recipe keeps $d" \
    grep -qx "$SCRATCH/pool/[ab].img: $d kept" "$SCRATCH/dry"
done
lc_expect "as printed, the recipe leaves the file attached once alone" \
  sh -c '! grep -q "c.img" "$1"' sh "$SCRATCH/dry"

# DETACH=yes: the unused duplicates go, nothing in use does.
DETACH=yes PATH=$SCRATCH/guard:$PATH sh "$SCRATCH/recipe.sh" \
  >"$SCRATCH/wet" 2>&1
sed 's/^/  | /' "$SCRATCH/wet"
lc_expect "the recipe asked to detach no device of anyone else" \
  test ! -e "$SCRATCH/refused"
lc_expect "the unused duplicate of a.img is detached" not_attached "$A3" a.img
lc_expect "the mounted device of a.img is kept" kept "$A1" a.img
lc_expect "the device a process holds is kept" kept "$A2" a.img
kept_b=0
for d in $B1 $B2; do attached "$d" b.img && kept_b=$((kept_b + 1)); done
lc_expect "b.img, in use nowhere, keeps exactly one device ($kept_b)" \
  test "$kept_b" = 1
lc_expect "b.img keeps the device listed first" kept "$FIRST_B" b.img
lc_expect "c.img, attached once, keeps its device" kept "$C1" c.img
lc_expect "exactly the two unused duplicates were detached" \
  test "$(sort "$SCRATCH/detached" 2>/dev/null | tr '\n' ' ')" \
  = "$(printf '%s\n' "$A3" "$OTHER_B" | sort | tr '\n' ' ')"
exit 0
