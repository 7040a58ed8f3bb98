# SPDX-License-Identifier: GPL-3.0-or-later
# tests/lib/limits.sh -- sourced after lib.sh and hardening.sh by the
# scripts that list under a container's limits
# (tests/losetup-container.hardening/limits-*.sh): few descriptors, a
# small address space, no /dev/null, no close_range, closed standard
# descriptors.
#
# The scene: many devices attached on the host to files in $SCRATCH (so
# that util-linux's path is the right one, and ours must be the same) and
# unbound devices made with LOOP_CTL_ADD, shown through a /sys/block of
# this script's own mount namespace that holds them and nothing else
# (other tests attach and detach meanwhile).  Both programs run with
# argv[0] "losetup", found in a PATH that leads to lc_as_losetup's links
# (the dynamic loader names argv[0] as it is in its messages), always
# against this machine's util-linux.
#
# Call limits_init after sourcing; it ends the script as UNSUPPORTED
# where the scene cannot be made.

# The private /dev of limits_private_dev, mounted over /dev.
LIMITS_DEV_MOUNTED=

# limits_cleanup: the EXIT trap: the real /dev and /sys/block back, the
# unbound devices of limits_scene removed, then lc_cleanup (devices,
# mounts, files).
limits_cleanup() {
  set +e
  if [ -n "$LIMITS_DEV_MOUNTED" ]; then
    umount /dev && LIMITS_DEV_MOUNTED=
  fi
  hard_sysblock_restore
  if [ -n "$SCRATCH" ] && [ -s "$SCRATCH/.nodes" ]; then
    # shellcheck disable=SC2046
    "$HELPERS/loop-nodes" remove $(cat "$SCRATCH/.nodes")
  fi
  lc_cleanup
}

# limits_skip_sanitized WHAT: ends the script, UNSUPPORTED, against a
# build with sanitizers, whose runtime needs address space, descriptors
# and threads of its own: the limits the script sets would measure it.
limits_skip_sanitized() {
  if lc_sanitized; then
    unsupported "$1: the program is built with sanitizers, whose runtime needs address space, descriptors and threads of its own"
    exit 0
  fi
}

# limits_init WHAT ARG...: the checks of lc_need_unshare, this script again
# in a mount namespace of its own (ARGs passed on), $SCRATCH, the trap,
# and $OURS_PATH and $THEIRS_PATH: PATH as it is, with the directory of
# the program under test, or of util-linux losetup, named "losetup",
# first.  "env PATH=$OURS_PATH COMMAND... losetup" runs the program under
# test with argv[0] "losetup" at the end of COMMAND's chain of execvp()
# calls (prlimit, strace, ...), and nothing more under their limits.
limits_init() {
  _li_what=$1; shift
  lc_need_unshare "$_li_what"
  if [ -n "$RUN" ]; then
    unsupported "$_li_what (compares with this machine's losetup only, not LC_UL_ROOT)"
    exit 0
  fi
  if ! command -v prlimit >/dev/null 2>&1; then
    unsupported "$_li_what (prlimit, from util-linux, is missing)"
    exit 0
  fi
  hard_private_namespace "$@"
  lc_init
  trap limits_cleanup EXIT
  lc_as_losetup
  OURS_PATH=$SCRATCH/as-ours:$PATH
  THEIRS_PATH=$SCRATCH/as-theirs:$PATH
}

# limits_scene BOUND UNBOUND: attaches BOUND new files of $SCRATCH/pool,
# with names as long as LINSTOR's (the devices are in $DEVS), makes
# UNBOUND unbound devices above every existing number (in $NODES,
# recorded in $SCRATCH/.nodes for limits_cleanup), and shows all of them,
# and only them, in /sys/block.  Writes $SCRATCH/attached: "DEVICE FILE"
# a line.  Returns 1 on failure.
limits_scene() {
  _ls_pool=$(cd "$SCRATCH" && pwd -P)/pool     # sysfs shows physical paths
  mkdir -p "$_ls_pool" || return 1
  DEVS= NODES=
  : >"$SCRATCH/attached"
  _ls_i=0
  while [ "$_ls_i" -lt "$1" ]; do
    _ls_i=$((_ls_i + 1))
    _ls_f=$_ls_pool/$(printf 'pvc-%08x-5c1e-4b7a-9d2f-limits_00000.img' "$_ls_i")
    truncate -s 1M "$_ls_f" || return 1
    _ls_d=$(lc_attach "$_ls_f") || return 1
    DEVS="$DEVS $_ls_d"
    printf '%s %s\n' "$_ls_d" "$_ls_f" >>"$SCRATCH/attached"
  done
  if [ "$2" -gt 0 ]; then
    # Far above the numbers in use: the kernel gives new devices the
    # lowest free numbers, so no one else's device is made there.
    _ls_first=$(ls /sys/block | sed -n 's/^loop\([0-9][0-9]*\)$/\1/p' \
                  | sort -n | tail -n 1 | awk '{ n = $1 } END { print n + 1000 }')
    "$HELPERS/loop-nodes" add "$_ls_first" "$2" >>"$SCRATCH/.nodes" || return 1
    NODES=$(sed 's|^|/dev/loop|' "$SCRATCH/.nodes")
  fi
  # shellcheck disable=SC2086
  hard_sysblock_prepare $DEVS $NODES && hard_sysblock_mount
}

# limits_control: PASS when util-linux, with no limit, lists every device
# of limits_scene with its file and nothing else: what "right" means in
# this scene.  Returns 1 otherwise.
limits_control() {
  env PATH="$THEIRS_PATH" losetup $LIST >"$SCRATCH/control.out" 2>&1
  limits_rows "$SCRATCH/control.out" | sort >"$SCRATCH/control.rows"
  sort "$SCRATCH/attached" >"$SCRATCH/attached.rows"
  if cmp -s "$SCRATCH/control.rows" "$SCRATCH/attached.rows"; then
    pass "control: util-linux lists the $(wc -l <"$SCRATCH/attached") devices, each with its file, and nothing else"
  else
    fail "control: util-linux lists the $(wc -l <"$SCRATCH/attached") devices, each with its file, and nothing else"
    diff "$SCRATCH/attached.rows" "$SCRATCH/control.rows" | head -20 | sed 's/^/  | /'
    return 1
  fi
}

# limits_rows LISTING: prints the rows of LISTING (a NAME,BACK-FILE table)
# as "NAME FILE", the padding gone; "NAME" alone for an empty cell.
limits_rows() {
  LC_ALL=C awk 'NR > 1 {
    name = $1; file = $0
    if (!sub(/^[^ ]+ +/, "", file)) file = ""
    print (file == "" ? name : name " " file)
  }' "$1"
}

# limits_run OUT COMMAND...: runs COMMAND into $SCRATCH/OUT.out, .err and
# .status.
limits_run() {
  _lr=$SCRATCH/$1; shift
  "$@" >"$_lr.out" 2>"$_lr.err"
  echo $? >"$_lr.status"
}

# limits_same A B: true when the runs A and B (of limits_run) printed the
# same and ended the same.
limits_same() {
  cmp -s "$SCRATCH/$1.out" "$SCRATCH/$2.out" &&
    cmp -s "$SCRATCH/$1.err" "$SCRATCH/$2.err" &&
    cmp -s "$SCRATCH/$1.status" "$SCRATCH/$2.status"
}

# The prefix before the program under test in judge_limited, for a trace
# of it (strace and its options); empty: none.
OURS_TRACE=

# _jl_pass WHAT: judge_limited's PASS, named for the case alone (the same
# name in every run); how it passed goes to the log.
_jl_pass() {
  echo "$_jl_name: $_jl_how; $1"
  pass "$_jl_name"
}

# judge_limited NAME PREFIX...: lists with util-linux and with ours, each
# run as PREFIX... losetup -l -O NAME,BACK-FILE (PREFIX: prlimit with a
# limit, fd-leak, ...: commands that end with execvp() of the rest), and
# judges ours against util-linux's by the rule:
#  - util-linux lists right there (what it lists with no limit, status
#    0): ours must print the same bytes, the same stderr, the same status;
#  - util-linux does not: ours must do as it does (the same bytes, stderr
#    and status), or list right, or fail (status not 0); and every row it
#    prints must be a right row: never an emptied BACK-FILE, never a
#    device that is not bound, never another file.
# Other tests attach and detach meanwhile (an unbound device of the
# scene may be taken): a failure is tried twice more, a second apart.
judge_limited() {
  _jl_name=$1; shift
  _jl_how="the scene changed under every try" _jl_st=none _jl_wrong=0 _jl_empty=0
  : >"$SCRATCH/ours.rows"
  for _jl_try in 1 2 3; do
    [ "$_jl_try" = 1 ] || sleep 1
    limits_run right env PATH="$THEIRS_PATH" losetup $LIST
    limits_run theirs env PATH="$THEIRS_PATH" "$@" losetup $LIST
    limits_run ours env PATH="$OURS_PATH" $OURS_TRACE "$@" losetup $LIST
    limits_run right2 env PATH="$THEIRS_PATH" losetup $LIST
    limits_same right right2 || continue        # the scene changed
    limits_rows "$SCRATCH/right.out" | sort >"$SCRATCH/right.rows"
    limits_rows "$SCRATCH/ours.out" | sort >"$SCRATCH/ours.rows"
    _jl_wrong=$(comm -23 "$SCRATCH/ours.rows" "$SCRATCH/right.rows" | wc -l)
    _jl_empty=$(awk 'NF == 1' "$SCRATCH/ours.rows" | wc -l)
    _jl_st=$(cat "$SCRATCH/ours.status")
    if limits_same right theirs; then
      _jl_how="util-linux lists right"
      limits_same ours theirs && { _jl_pass "ours is util-linux's listing"; return 0; }
    else
      _jl_how="util-linux does not list every device (status $(cat "$SCRATCH/theirs.status"), $(limits_rows "$SCRATCH/theirs.out" | wc -l) rows)"
      if limits_same ours theirs; then
        _jl_pass "ours is util-linux's listing"; return 0
      elif cmp -s "$SCRATCH/ours.out" "$SCRATCH/right.out" && [ "$_jl_st" = 0 ] \
           && [ ! -s "$SCRATCH/ours.err" ]; then
        _jl_pass "ours lists right"; return 0
      elif [ "$_jl_st" != 0 ] && [ "$_jl_wrong" = 0 ]; then
        _jl_pass "ours fails (status $_jl_st), no wrong row"; return 0
      fi
    fi
  done
  fail "$_jl_name ($_jl_how): ours has status $_jl_st, $(wc -l <"$SCRATCH/ours.rows") rows, $_jl_wrong of them wrong ($_jl_empty empty)"
  { echo "--- ours, status $_jl_st"; head -n 12 "$SCRATCH/ours.out"; head -n 5 "$SCRATCH/ours.err"
    echo "--- util-linux, status $(cat "$SCRATCH/theirs.status")"; head -n 12 "$SCRATCH/theirs.out"
    head -n 5 "$SCRATCH/theirs.err"
    echo "--- wrong rows of ours (first 10)"
    comm -23 "$SCRATCH/ours.rows" "$SCRATCH/right.rows" | head -n 10; } | sed 's/^/  | /'
  return 1
}

# limits_private_dev: mounts over /dev a tmpfs holding the nodes of the
# devices of limits_scene ($DEVS, $NODES), with the numbers sysfs gives,
# and /dev/loop-control, and nothing else: no /dev/null.  limits_cleanup
# unmounts it.
limits_private_dev() {
  mkdir -p "$SCRATCH/devfs" &&
    mount -t tmpfs -o mode=755 lc-dev "$SCRATCH/devfs" &&
    printf '%s\n' "$SCRATCH/devfs" >>"$SCRATCH/.mounts" || return 1
  for _pd in $DEVS $NODES; do
    _pd=${_pd#/dev/}
    _pd_no=$(cat "/sys/class/block/$_pd/dev") || return 1
    mknod -m 660 "$SCRATCH/devfs/$_pd" b "${_pd_no%%:*}" "${_pd_no#*:}" || return 1
  done
  _pd_no=$(cat /sys/class/misc/loop-control/dev) || return 1
  mknod -m 600 "$SCRATCH/devfs/loop-control" c "${_pd_no%%:*}" "${_pd_no#*:}" &&
    mount --bind "$SCRATCH/devfs" /dev && LIMITS_DEV_MOUNTED=1
}
