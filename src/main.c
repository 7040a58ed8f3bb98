/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c -- losetup-container: util-linux losetup, with container-correct
   backing file paths for "losetup -l -O NAME,BACK-FILE".  */

#include "system.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "closeout.h"
#include "dirname.h"
#include "error.h"
#include "progname.h"
#include "version-etc.h"
#include "xalloc.h"

#include "detect.h"
#include "i18n.h"
#include "listing.h"
#include "original.h"

/* The name this program speaks for itself under.  */
#define PROGRAM_NAME "losetup-container"

/* The name a shell gives util-linux losetup found through PATH.  */
#define LOSETUP_NAME "losetup"
/* Who wrote it, for --version's "Written by": a collective name, not a
   person's, so gnulib's proper_name (which renders a person's name in
   the user's charset) has nothing to do here.  */
#define AUTHORS "the losetup-container authors"

/* The copyright line of --version (version-etc wants it defined), its
   year configure's.  */
const char version_etc_copyright[] =
  "Copyright %s " LC_COPYRIGHT_YEAR " the losetup-container authors";

/* Messages carry the short name, as losetup's do ("losetup: ...").  */
static void
print_short_program_name (void)
{
  fprintf (stderr, "%s: ", last_component (program_name));
}

static void
print_trace_line (const char *line)
{
  fprintf (stderr, "%s: debug: %s\n", last_component (program_name), line);
}

/* Returns true when LOSETUP_CONTAINER_DEBUG asks for a trace: set, and
   neither empty nor "0".  */
static bool
debug_wanted (void)
{
  const char *v = secure_getenv (ENV_DEBUG);

  return v != NULL && *v != '\0' && strcmp (v, "0") != 0;
}

/* Flushes STREAM the way util-linux does before it exits, and returns 0,
   or EOF with errno set (0 when the error came earlier, while printing).
   EBADF counts as success: there was no stream to write to.  */
static int
flush_as_losetup (FILE *stream)
{
  int fd;

  errno = 0;
  if (ferror (stream) || fflush (stream) != 0)
    goto fail;
  /* Some file systems report a write error only when the file is closed:
     close a duplicate to hear it.  */
  fd = fileno (stream);
  if (fd < 0 || (fd = dup (fd)) < 0 || close (fd) != 0)
    goto fail;
  return 0;
 fail:
  return errno == EBADF ? 0 : EOF;
}

/* At the end of the listing: ends as losetup's own exit handler ends it,
   so that a full disk, a closed or read-only stdout and a vanished pipe
   reader give the same message (or none) and status as losetup.  gnulib's
   close_stdout, used for --help and --version, differs in those corners.  */
static void
close_stdout_as_losetup (void)
{
  if (flush_as_losetup (stdout) != 0 && errno != EPIPE)
    {
      /* util-linux's words, from util-linux's catalog.  */
      error (0, errno, UL_("write error"));
      _exit (EXIT_FAILURE);
    }
  if (flush_as_losetup (stderr) != 0)
    _exit (EXIT_FAILURE);
}

/* Why libsmartcols could not be loaded (a copy), or NULL.  */
static char *smartcols_missing;

/* Makes ready for a call that may be the listing: loads libsmartcols,
   as the dynamic loader loads it for util-linux losetup before anything
   else (so also under the same tight limit on address space), and in
   the C locale, whose words the loader's message keeps; then the
   locale.  */
static void
prepare_listing (void)
{
  const char *why = NULL;
  bool loaded;

  /* The heap grows by what is asked, not 128 KiB ahead, meanwhile.  */
  mallopt (M_TOP_PAD, 0);
  loaded = smartcols_load (&why);
  mallopt (M_TOP_PAD, 128 * 1024);
  if (!loaded)
    smartcols_missing = xstrdup (why);
  init_ctype_and_messages ();
}

static void
usage (void)
{
  const char *const *paths = original_default_paths ();
  const char *original = original_find ();

  printf (_("Usage: %s [LOSETUP-OPTION]... [ARGUMENT]...\n"
            "  or:  %s --help|--version\n"), PROGRAM_NAME, PROGRAM_NAME);
  fputs (_("Installed as losetup: run util-linux losetup for every call but\n"
           "'losetup -l -O NAME,BACK-FILE' (in any spelling losetup accepts),\n"
           "which is answered here with each backing file's path as this mount\n"
           "namespace sees it, right even after the container that set the\n"
           "device up has restarted.\n"), stdout);
  fputs ("\n", stdout);
  fputs (_("      --help     display this help and exit\n"), stdout);
  fputs (_("      --version  output version information and exit\n"), stdout);
  fputs (_("These two are answered here only under the name losetup-container\n"
           "and with LOSETUP_CONTAINER_ORIGINAL_LOSETUP unset or empty.  Any other\n"
           "call stands for losetup (a link named losetup, or a shim that sets the\n"
           "variable) and goes to the original; under the name losetup-container\n"
           "the original is then run by the name losetup, and messages name losetup.\n"),
         stdout);
  fputs ("\n", stdout);
  fputs (_("Environment:\n"), stdout);
  /* TRANSLATORS: keep the descriptions aligned at column 39 and every
     line shorter than 80 columns.  */
  fputs (_("  LOSETUP_CONTAINER_ORIGINAL_LOSETUP  the original losetup to run\n"),
         stdout);
  fputs (_("  LOSETUP_CONTAINER_BIND_MOUNTS       directories, separated by ':' or\n"
           "                                      newlines, that may hold backing files\n"),
         stdout);
  fputs (_("  LOSETUP_CONTAINER_DEBUG             when set and neither empty nor 0,\n"
           "                                      trace on stderr how each path was found\n"), stdout);
  fputs (_("  LOSETUP_CONTAINER_HOPS              set here, never by hand: counts the\n"
           "                                      calls handed to the original in one\n"
           "                                      chain, which stops at 3 (a loop)\n"),
         stdout);
  fputs ("\n", stdout);
  fputs (_("Without LOSETUP_CONTAINER_ORIGINAL_LOSETUP, the original is the first of:\n"),
         stdout);
  for (size_t i = 0; paths[i] != NULL; i++)
    printf ("  %s\n", paths[i]);
  printf (_("Original losetup now: %s\n"),
          original ? original : _("none found"));
  fputs ("\n", stdout);
  fputs (_("Exit status: losetup's own for calls handed over; for the listing\n"
           "0 on success, 1 on trouble and 127 without libsmartcols, as losetup;\n"
           "126 when the original cannot be run, is this program or leads back\n"
           "to it (a loop), 127 when none is found.\n"), stdout);
  fputs ("\n", stdout);
  printf (_("Full documentation: man %s\n"), PROGRAM_NAME);
}

static void
version (void)
{
  const char *original = original_find ();

  version_etc (stdout, PROGRAM_NAME, PACKAGE_NAME, VERSION, AUTHORS,
               (char *) NULL);
  fputs ("\n", stdout);
  printf (_("Original losetup: %s\n"), original ? original : _("none found"));
}

typedef void answer_fn (void);

/* Returns the function that answers ARGV here, usage or version, when
   ARGV is "--help" or "--version" alone; otherwise NULL.  */
static answer_fn *
own_answer (int argc, char **argv)
{
  if (argc != 2)
    return NULL;
  if (strcmp (argv[1], "--help") == 0)
    return usage;
  if (strcmp (argv[1], "--version") == 0)
    return version;
  return NULL;
}

/* Returns true when ARGV0 names this program itself.  */
static bool
has_own_name (const char *argv0)
{
  return strcmp (last_component (argv0), PROGRAM_NAME) == 0;
}

/* Returns true when the call is made to this program itself: under its
   own name, with LOSETUP_CONTAINER_ORIGINAL_LOSETUP unset or empty.  Any
   other call stands for losetup.  One under this program's own name with
   that variable set (as the shim of the LINBIT and Piraeus images sets
   it) has ARGV[0] become "losetup", for the original and for our own
   messages, so that both read as from losetup called through PATH; any
   other keeps ARGV[0].  */
static bool
called_as_itself (char **argv)
{
  if (!has_own_name (argv[0]))
    return false;
  if (original_named () == NULL)
    return true;
  argv[0] = (char *) LOSETUP_NAME;
  set_program_name (argv[0]);
  return false;
}

int
main (int argc, char **argv)
{
  answer_fn *answer;

  set_program_name (argv[0]);
  error_print_progname = print_short_program_name;
  /* Called as itself, it answers --help and --version itself.  */
  if (called_as_itself (argv) && (answer = own_answer (argc, argv)) != NULL)
    {
      init_ctype_and_messages ();
      atexit (close_stdout);
      answer ();
      return EXIT_SUCCESS;
    }

  /* The locale is loaded only once the call may be ours: the options
     alone rule out most calls, and the original loads its own.  The
     util-linux version is asked for only when the versions disagree:
     its grammar then decides, the column names compared as that losetup
     compares them.  */
  if (!is_list_request_at_run_time (argc, argv, prepare_listing,
                                    ul_installed_version))
    return original_exec (argv);

  /* util-linux losetup cannot start without libsmartcols: its dynamic
     loader prints one line and exits with 127, and so does this, naming
     ARGV[0] as the loader names the program.  */
  if (smartcols_missing != NULL)
    {
      fprintf (stderr, "%s: error while loading shared libraries: %s\n",
               argv[0], smartcols_missing);
      return EXIT_NOT_FOUND;
    }
  atexit (close_stdout_as_losetup);
  return list_backing_files (ul_installed_version (),
                             debug_wanted () ? print_trace_line : NULL);
}
