#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/losetup-container.packaging/rpm/alternatives.sh -- a stand-in for Fedora's alternatives(8),
# installed as /usr/sbin/alternatives in the throwaway rpm root of
# tests/losetup-container.packaging/rpm.sh, where it runs under busybox sh.
#
# It keeps the real program's state file and links, and its rules as far as
# the package scriptlets can see them (Fedora's alternatives.c):
#   --install LINK NAME PATH PRIORITY  adds or updates PATH; automatic mode
#       points at the highest priority; updating a known PATH re-makes the
#       links even in manual mode; LINK is made a symlink only when it is a
#       symlink or missing: a regular file there is left alone, with a
#       complaint, and the call still succeeds;
#   --remove NAME PATH  drops PATH (exit 2 when it is not registered); the
#       last one takes LINK (if a symlink), /etc/alternatives/NAME and the
#       state file with it; removing the current choice goes back to auto;
#   --set NAME PATH, --auto NAME, --display NAME.
# The current choice is where /etc/alternatives/NAME points; a link that
# points at no registered path, or away from the best one in automatic
# mode, means manual mode.  Every call is appended to
# /var/log/alternatives.calls.
#
# State file /var/lib/alternatives/NAME: mode, LINK, an empty line, then
# each registered PATH followed by its priority.

altdir=/etc/alternatives
admindir=/var/lib/alternatives

mkdir -p /var/log
printf '%s\n' "$*" >>/var/log/alternatives.calls

complain() { printf 'alternatives: %s\n' "$*" >&2; }
usage() { complain "usage error: $*"; exit 2; }

# load NAME: reads the state into mode, link, paths ("PATH PRIO" lines) and
# current; fails when NAME is not known.
load() {
  mode=auto link='' paths='' current=''
  [ -f "$admindir/$1" ] || return 1
  {
    read -r mode
    read -r link
    read -r _blank
    while read -r _p && read -r _prio; do
      paths="$paths$_p $_prio
"
    done
  } <"$admindir/$1"
  current=$(readlink "$altdir/$1") || current=
  if ! registered "$current"; then
    mode=manual
  elif [ "$mode" = auto ] && [ "$current" != "$(best)" ]; then
    mode=manual
  fi
  return 0
}

# registered PATH: succeeds when PATH is in $paths.
registered() {
  [ -n "$1" ] || return 1
  printf '%s' "$paths" | {
    while read -r _p _prio; do
      [ "$_p" = "$1" ] && exit 0
    done
    exit 1
  }
}

# best: prints the registered path with the highest priority (the first
# of equals).
best() {
  printf '%s' "$paths" | {
    _best='' _top=''
    while read -r _p _prio; do
      if [ -z "$_best" ] || [ "$_prio" -gt "$_top" ]; then
        _best=$_p _top=$_prio
      fi
    done
    printf '%s\n' "$_best"
  }
}

# save NAME: writes the state file.
save() {
  {
    printf '%s\n%s\n\n' "$mode" "$link"
    printf '%s' "$paths" | while read -r _p _prio; do
      printf '%s\n%s\n' "$_p" "$_prio"
    done
  } >"$admindir/$1.new" && mv -f "$admindir/$1.new" "$admindir/$1"
}

# point NAME TARGET: LINK -> /etc/alternatives/NAME -> TARGET.
point() {
  if [ -L "$link" ] || [ ! -e "$link" ]; then
    if [ "$(readlink "$link")" != "$altdir/$1" ]; then
      rm -f "$link"
      ln -s "$altdir/$1" "$link" || return 1
    fi
  else
    complain "failed to link $link -> $altdir/$1: $link exists and it is not a symlink"
  fi
  rm -f "$altdir/$1"
  ln -s "$2" "$altdir/$1"
}

# without PATH: prints $paths without PATH.
without() {
  printf '%s' "$paths" | while read -r _p _prio; do
    [ "$_p" = "$1" ] || printf '%s %s\n' "$_p" "$_prio"
  done
}

[ -d "$altdir" ] || { complain "altdir $altdir invalid"; exit 2; }
[ -d "$admindir" ] || { complain "admindir $admindir invalid"; exit 2; }

# load_registered NAME PATH: loads NAME's state, or exits 2 as the real
# tool does when PATH is not one of its alternatives.
load_registered() {
  if ! load "$1" || ! registered "$2"; then
    complain "$2 has not been configured as an alternative for $1"
    exit 2
  fi
}

case ${1-} in
--install)
  [ $# -eq 5 ] || usage "--install LINK NAME PATH PRIORITY"
  new_link=$2 name=$3 path=$4 prio=$5
  case $prio in ''|*[!0-9]*) usage "priority '$prio' is not a number" ;; esac
  case $new_link$path in /*/*) ;; *) usage "paths must be absolute" ;; esac
  if load "$name"; then
    if [ "$link" != "$new_link" ]; then
      complain "the primary link for $name must be $link"
      exit 2
    fi
  else
    link=$new_link
  fi
  known=no
  registered "$path" && known=yes
  paths=$(without "$path"; printf '%s %s\n' "$path" "$prio"; echo x)
  paths=${paths%x}
  save "$name" || exit 2
  if [ "$mode" = auto ]; then
    point "$name" "$(best)" || exit 2
  elif [ $known = yes ]; then
    if registered "$current"; then
      point "$name" "$current" || exit 2
    else
      point "$name" "$(best)" || exit 2
    fi
  fi
  ;;
--remove)
  [ $# -eq 3 ] || usage "--remove NAME PATH"
  name=$2 path=$3
  load_registered "$name" "$path"
  paths=$(without "$path"; echo x)
  paths=${paths%x}
  if [ -z "$paths" ]; then
    [ -L "$altdir/$name" ] && rm -f "$altdir/$name"
    [ -L "$link" ] && rm -f "$link"
    rm -f "$admindir/$name"
    exit 0
  fi
  [ "$current" = "$path" ] && mode=auto
  save "$name" || exit 2
  if [ "$mode" = auto ]; then
    point "$name" "$(best)" || exit 2
  fi
  ;;
--set)
  [ $# -eq 3 ] || usage "--set NAME PATH"
  name=$2 path=$3
  load_registered "$name" "$path"
  mode=manual
  save "$name" && point "$name" "$path" || exit 2
  ;;
--auto)
  [ $# -eq 2 ] || usage "--auto NAME"
  name=$2
  load "$name" || exit 2
  mode=auto
  save "$name" && point "$name" "$(best)" || exit 2
  ;;
--display)
  [ $# -eq 2 ] || usage "--display NAME"
  name=$2
  load "$name" || exit 2
  printf '%s - status is %s.\n' "$name" "$mode"
  printf ' link currently points to %s\n' "$current"
  printf '%s' "$paths" | while read -r _p _prio; do
    printf '%s - priority %s\n' "$_p" "$_prio"
  done
  printf "Current \`best' version is %s.\n" "$(best)"
  ;;
*)
  usage "unknown request '${1-}'"
  ;;
esac
exit 0
