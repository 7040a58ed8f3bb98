/* SPDX-License-Identifier: GPL-3.0-or-later */
/* original.c -- find util-linux losetup and execv() it.

   Every call that is not intercepted ends here: the process image is
   replaced by the original losetup with the same argv (argv[0] included)
   and the same environment, ENV_HOPS aside (original.h), so its output,
   exit status and signals are the caller's to see, with no child process
   in between.  util-linux losetup reads no such variable and runs no
   other program: the one variable added changes nothing it does.  */

#include "system.h"

#include "original.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "c-ctype.h"
#include "error.h"
#include "i18n.h"
#include "quotearg.h"
#include "xalloc.h"
#include "xvasprintf.h"

/* Where the original is looked for without the variable: the place
   chosen at build time (configure --with-original-losetup, "" when none),
   the places distributions move util-linux losetup to, then its own.  */
static const char *const default_paths[] = {
  ORIGINAL_LOSETUP,
  "/usr/sbin/losetup.distrib",          /* dpkg-divert, Debian */
  "/usr/sbin/losetup.usr-is-merged",    /* the /sbin diversion (DEP17) */
  "/usr/sbin/losetup.util-linux",       /* rpm file trigger */
  "/usr/sbin/losetup",
  "/sbin/losetup",
  NULL
};

enum verdict
{
  V_USABLE,                     /* exists and is not this program */
  V_MISSING,
  V_SELF,
  V_RELATIVE
};

#define MAX_PROBES (sizeof default_paths / sizeof default_paths[0] - 1)

/* What was looked at, for the error message.  */
struct lookup
{
  const char *path[MAX_PROBES];
  enum verdict verdict[MAX_PROBES];
  size_t n;
  const char *chosen;           /* NULL: none usable */
};

const char *const *
original_default_paths (void)
{
  /* The build-time place is left out when none was chosen.  */
  return default_paths + (*default_paths[0] == '\0');
}

const char *
original_named (void)
{
  const char *env = secure_getenv (ENV_ORIGINAL);

  return env != NULL && *env != '\0' ? env : NULL;
}

/* Fills *ST with the identity of the running program; returns false when
   it cannot be known (no /proc and no usable AT_EXECFN).  */
static bool
self_identity (struct stat *st)
{
  const char *execfn;

  if (stat ("/proc/self/exe", st) == 0)
    return true;
  execfn = (const char *) getauxval (AT_EXECFN);
  return execfn != NULL && stat (execfn, st) == 0;
}

/* Returns what PATH is.  */
static enum verdict
probe (const char *path, const struct stat *self)
{
  struct stat st;

  if (path[0] != '/')
    return V_RELATIVE;
  if (stat (path, &st) != 0)
    return V_MISSING;
  if (self != NULL && st.st_dev == self->st_dev && st.st_ino == self->st_ino)
    return V_SELF;
  return V_USABLE;
}

/* Looks for the original: the variable alone when it is set and not
   empty, otherwise the default places, first usable wins.  */
static void
look_up (struct lookup *lk)
{
  const char *named[2] = { original_named (), NULL };
  const char *const *paths = named[0] ? named : original_default_paths ();
  struct stat self_st;
  const struct stat *self = self_identity (&self_st) ? &self_st : NULL;

  lk->n = 0;
  lk->chosen = NULL;
  for (size_t i = 0; paths[i] != NULL && lk->chosen == NULL; i++)
    {
      lk->path[lk->n] = paths[i];
      lk->verdict[lk->n] = probe (paths[i], self);
      if (lk->verdict[lk->n] == V_USABLE)
        lk->chosen = paths[i];
      lk->n++;
    }
}

const char *
original_find (void)
{
  struct lookup lk;

  look_up (&lk);
  return lk.chosen;
}

/* Returns the hand-overs made so far in this chain (ENV_HOPS): its
   decimal value, MAX_HOPS when it is more; 0 when it is unset, empty or
   not a number.  Read with getenv, also in a secure-execution context
   (file capabilities): the value is this program's own, and a forged one
   can only stop a chain sooner.  */
static unsigned int
hops_so_far (void)
{
  const char *v = getenv (ENV_HOPS);
  unsigned int n = 0;

  if (v == NULL)
    return 0;
  for (; *v != '\0'; v++)
    {
      if (!c_isdigit (*v))
        return 0;
      if (n < MAX_HOPS)
        n = n * 10 + (*v - '0');
    }
  return n < MAX_HOPS ? n : MAX_HOPS;
}

/* Sets ENV_HOPS to HOPS + 1 for the original, HOPS being less than
   MAX_HOPS.  Returns 0, or an errno value when it cannot be set.  */
static int
count_hand_over (unsigned int hops)
{
  char count[2] = { (char) ('1' + hops), '\0' };

  static_assert (MAX_HOPS < 9, "ENV_HOPS holds one digit");
  return setenv (ENV_HOPS, count, 1) == 0 ? 0 : errno;
}

static const char *
verdict_text (enum verdict v)
{
  switch (v)
    {
    case V_MISSING:
      return _("not found");
    case V_SELF:
      return _("this program itself");
    case V_RELATIVE:
      return _("not an absolute path");
    default:
      return "";
    }
}

/* Returns PATH as a message shows it: as it is, or quoted the shell's way
   when it holds a newline or other bytes that would break the line.  */
static const char *
shown (const char *path)
{
  return quotearg_style (shell_escape_quoting_style, path);
}

/* Prints one line naming every path looked at and why it was passed over.  */
static void
report_nothing_usable (const struct lookup *lk)
{
  char *list = xstrdup ("");

  for (size_t i = 0; i < lk->n; i++)
    {
      char *longer = xasprintf ("%s%s%s (%s)", list, i > 0 ? ", " : "",
                                shown (lk->path[i]),
                                verdict_text (lk->verdict[i]));
      free (list);
      list = longer;
    }
  error (0, 0, _("cannot find the original losetup; tried: %s"), list);
  free (list);
}

int
original_exec (char *const *argv)
{
  struct lookup lk;
  unsigned int hops;
  int e;

  look_up (&lk);
  if (lk.chosen == NULL)
    {
      init_ctype_and_messages ();
      /* The variable names this program: a way back here with no exec.  */
      if (original_named () != NULL && lk.verdict[0] == V_SELF)
        {
          error (0, 0, _("the original losetup %s is losetup-container itself"),
                 shown (lk.path[0]));
          return EXIT_CANNOT_RUN;
        }
      report_nothing_usable (&lk);
      return EXIT_NOT_FOUND;
    }
  hops = hops_so_far ();
  if (hops >= MAX_HOPS)
    {
      init_ctype_and_messages ();
      error (0, 0, _("the original losetup %s runs losetup-container again: "
                     "a loop, stopped"), shown (lk.chosen));
      return EXIT_CANNOT_RUN;
    }
  e = count_hand_over (hops);
  if (e == 0)
    {
      execv (lk.chosen, argv);
      e = errno;
    }
  init_ctype_and_messages ();
  error (0, e, _("cannot run the original losetup %s"), shown (lk.chosen));
  return e == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
}
