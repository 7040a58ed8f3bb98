# SPDX-License-Identifier: GPL-3.0-or-later
# tests/lib/hardening.sh -- scenes the hardening tests stage: a mount
# namespace of the script's own, a /sys/block that shows only chosen
# devices, and checks of a listing's layout.  Sourced after lib.sh by
# tests/losetup-container.hardening/: churn, hostile-binds, hostile-files,
# hostile-kernel, hostile-original, hostile-output, missing-smartcols,
# secure-env, syscalls and valgrind.  Its helpers start with hard_.

# hard_private_namespace ARG...: runs the calling script again, with ARGs, in
# a mount namespace of its own, so that every mount it makes (over
# /sys/block, /dev, ...) is gone when it ends, whatever the way out.
# Call it after lc_need_unshare and before lc_init.
hard_private_namespace() {
  if [ -z "${LC_PRIVATE_NS:-}" ]; then
    LC_PRIVATE_NS=1 exec unshare -m --propagation private -- sh "$0" "$@"
  fi
}

# hard_sysblock_prepare DEVICE...: fills $SCRATCH/sysblock with the /sys/block
# entries of DEVICEs only (symbolic links into /sys/devices, as sysfs has
# them).  Add hostile entries to it, then hard_sysblock_mount.
hard_sysblock_prepare() {
  rm -rf "$SCRATCH/sysblock" && mkdir "$SCRATCH/sysblock" || return 1
  for _d; do
    _n=${_d##*/}
    _t=$(readlink -f "/sys/class/block/$_n") || return 1
    ln -s "$_t" "$SCRATCH/sysblock/$_n" || return 1
  done
}

# hard_sysblock_mount: shows $SCRATCH/sysblock as /sys/block (in this script's
# private namespace), in place of what was there.  The listing then sees
# only the devices this script chose: other tests that attach and detach
# devices meanwhile change nothing.
SYSBLOCK_MOUNTED=
hard_sysblock_mount() {
  if [ -n "$SYSBLOCK_MOUNTED" ]; then
    umount /sys/block || return 1
  fi
  mount --bind "$SCRATCH/sysblock" /sys/block || return 1
  SYSBLOCK_MOUNTED=1
}

# hard_sysblock_restore: the real /sys/block again.
hard_sysblock_restore() {
  if [ -n "$SYSBLOCK_MOUNTED" ]; then
    umount /sys/block && SYSBLOCK_MOUNTED=
  fi
}

# hard_well_formed LISTING: true when LISTING (stdout of a NAME,BACK-FILE
# listing) is empty, or is a header and rows laid out as losetup lays them
# out: NAME padded to the longest name, one space, BACK-FILE; every name a
# loop device; no control byte left unescaped; the last line whole.
# Prints what is wrong on stdout otherwise.
hard_well_formed() {
  [ -s "$1" ] || return 0
  if [ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" != '\n' ]; then
    echo "  | last line is not whole"
    return 1
  fi
  LC_ALL=C awk '
    { line[NR] = $0 }
    NR > 1 {
      name = $0; sub(/ .*/, "", name)
      if (name !~ /^\/dev\/loop(\/)?[0-9]+$/) { bad = bad "  | not a device: " $0 "\n" }
      if (length(name) > w) w = length(name)
    }
    /[\001-\037\177]/ { bad = bad "  | control byte in: " NR "\n" }
    END {
      if (w < 4) w = 4
      head = "NAME"; while (length(head) < w) head = head " "
      if (line[1] != head " BACK-FILE") bad = bad "  | header: " line[1] "\n"
      for (i = 2; i <= NR; i++) {
        name = line[i]; sub(/ .*/, "", name)
        if (substr(line[i], 1, w + 1) != sprintf("%-" w "s ", name))
          bad = bad "  | not padded to " w ": " line[i] "\n"
      }
      if (bad != "") { printf "%s", bad; exit 1 }
    }' "$1"
}

# hard_lines_for DEVICE LISTING: prints DEVICE's rows of LISTING.
hard_lines_for() {
  LC_ALL=C awk -v d="$1" 'NR > 1 && $1 == d' "$2"
}

# hard_ul_cell DEVICE: prints the BACK-FILE text util-linux prints for DEVICE
# alone (no padding: one device, one row): the losetup compared with,
# where the comparisons run ($RUN "$REF", tests/lib/ul-target.sh).
hard_ul_cell() {
  $RUN "$REF" -l -n -O BACK-FILE "$1"
}

# hard_detach_ours FILE...: detaches every loop device bound to one of FILEs,
# matched by device and inode (never by name).  For the scripts that lose
# count of their devices (churn).
hard_detach_ours() {
  _ids=
  for _f; do
    [ -e "$_f" ] && _ids="$_ids $(stat -c '%Hd:%Ld:%i' "$_f")"
  done
  [ -n "$_ids" ] || return 0
  "$UL" -l -n -O NAME,BACK-MAJ:MIN,BACK-INO 2>/dev/null |
    while read -r _dev _mm _ino; do
      case " $_ids " in
        *" $_mm:$_ino "*) "$UL" -d "$_dev" 2>/dev/null ;;
      esac
    done
}
