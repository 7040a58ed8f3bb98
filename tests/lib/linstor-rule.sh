#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/lib/linstor-rule.sh -- one start of a LINSTOR satellite's file
# storage pool, run inside a container (the tests bind tests/lib at
# /lc/lib): list the loop devices, parse the listing as LINSTOR does, and
# attach every volume it did not find, as LINSTOR's FileProvider does.
# Run by tests/lib/satellite.sh's sat_rule, for the runtime tests and
# tests/bench/leak.sh.  Its one helper is linstor_parse.
#
# Usage: linstor-rule.sh OUT POOL VOLUME...
# Results in the directory OUT: ulversion (util-linux's), list.out, list.err, list.status (the
# listing parsed), map ("BACK-FILE DEVICE" a line, what the parse kept),
# parse.error (when LINSTOR's parse threw ten times in a row;
# parse.error.N, each listing it threw on), attached (the devices
# attached, one a line), attach.err, and the listing made after by
# "losetup" (final.out, .err, .status) between two by util-linux's
# losetup called as "losetup" (final.ul, .ulerr, .ulstatus; final.ul2).
#
# Environment: LC_RULE_UL set: the rule itself calls util-linux's losetup
# (the leak measured without the program).  LC_RULE_WAIT set: touch
# OUT/ready and wait for OUT/go before listing.

out=$1 pool=$2
shift 2
cd "$out" || exit 1
. /lc/lib/ul-losetup.sh
ul=$(ul_losetup_find) || { echo "no util-linux losetup" >&2; exit 1; }
"$ul" --version >ulversion 2>&1
mkdir -p /tmp/lc-ul
ln -sf "$ul" /tmp/lc-ul/losetup
UL_PATH=/tmp/lc-ul:$PATH
[ -n "${LC_RULE_UL:-}" ] && PATH=$UL_PATH

if [ -n "${LC_RULE_WAIT:-}" ]; then
  : >ready
  n=0
  while [ ! -e go ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
fi

# linstor_parse: reads a listing, prints "BACK-FILE DEVICE" for each entry
# LINSTOR's FileProviderUtils.getInfoList keeps: nothing when the output
# is blank (String.trim().isEmpty()); else the output split on "\n"
# (String.split drops trailing empty strings), the first line skipped as
# the header, each other line trimmed (String.trim(): every character up
# to U+0020 at either end) and split on "\s+" ([ \t\n\x0B\f\r]); field 0
# is the device, field 1 the backing file, kept unless it is "BACK_FILE";
# a later line with the same backing file replaces an earlier one
# (HashMap.put).  A line with fewer than two fields makes LINSTOR throw
# (ArrayIndexOutOfBoundsException): status 2.
linstor_parse() {
  awk '
    { line[NR] = $0 }
    END {
      n = NR
      while (n > 0 && line[n] == "") n--
      all = ""
      for (i = 1; i <= n; i++) all = all line[i] "\n"
      if (trim(all) == "") exit 0
      for (i = 2; i <= n; i++) {
        t = trim(line[i])
        k = (t == "") ? 1 : split(t, d, /[ \t\n\v\f\r]+/)
        if (k < 2) exit 2
        if (d[2] != "BACK_FILE") map[d[2]] = d[1]
      }
      for (f in map) print f, map[f]
    }
    # trim S: S without the characters up to U+0020 at either end.
    function trim(s) {
      while (s != "" && substr(s, 1, 1) <= " ") s = substr(s, 2)
      while (s != "" && substr(s, length(s), 1) <= " ")
        s = substr(s, 1, length(s) - 1)
      return s
    }'
}

# A listing LINSTOR cannot parse makes the satellite fail the pool's
# refresh and try again later; so does this, up to ten times: rows of
# other users' devices (a backing file named with blanks only) can do
# it.  Each listing that failed is kept, as parse.error.N.
n=0
while :; do
  losetup -l -O NAME,BACK-FILE >list.out 2>list.err
  echo $? >list.status
  linstor_parse <list.out >map && break
  n=$((n + 1))
  cp list.out parse.error.$n
  if [ $n -ge 10 ]; then : >parse.error; break; fi
  sleep 0.5
done
: >attached
for v; do
  p=$pool/$v
  awk -v p="$p" '$1 == p { found = 1 } END { exit !found }' map && continue
  [ -e "$p" ] || continue
  losetup -f --show "$p" >>attached 2>>attach.err
done
# The listing to compare, between two of util-linux's: devices of others
# may come and go meanwhile; the first pair of util-linux's listings that
# agree, up to 20 tries, says that nothing changed around ours.
i=0
while [ $i -lt 20 ]; do
  i=$((i + 1))
  PATH=$UL_PATH losetup -l -O NAME,BACK-FILE >final.ul 2>final.ulerr
  echo $? >final.ulstatus
  losetup -l -O NAME,BACK-FILE >final.out 2>final.err
  echo $? >final.status
  PATH=$UL_PATH losetup -l -O NAME,BACK-FILE >final.ul2 2>&1
  cmp -s final.ul final.ul2 && break
done
echo $i >final.tries
exit 0
