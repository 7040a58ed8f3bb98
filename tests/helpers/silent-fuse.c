/* SPDX-License-Identifier: GPL-3.0-or-later */
/* silent-fuse.c -- a FUSE server that stops answering GETATTR on demand.

   Usage: silent-fuse [-p PROGRAM] FLAGFILE MOUNTPOINT NAME SIZE

   Mounts at MOUNTPOINT a file system holding one regular file, NAME, of
   SIZE bytes (zeros; writes are accepted and dropped), and serves it in
   the foreground until it is killed.  Every reply says that nothing may
   be cached (entry and attribute timeouts of 0), so the kernel asks the
   server each time a process wants the file's attributes: stat(), or
   LOOP_GET_STATUS64 on a loop device bound to the file.

   As soon as FLAGFILE exists, each GETATTR request is read and never
   answered: the process that asked waits in the kernel for good, and
   once it is sent SIGKILL it waits uninterruptibly (state D), as behind
   a server that hangs.  Every other request is still answered.  With
   -p, only the requests of processes running PROGRAM (as their
   /proc/PID/exe shows it) go unanswered, so that other programs on the
   machine are not held.  Each request left unanswered is logged on
   stderr.

   Killing the server (SIGKILL) releases every waiting process: the
   kernel aborts the connection when the last descriptor of /dev/fuse
   is closed.  The mount point stays, dead, until it is unmounted
   (umount -l).  SIGTERM, SIGINT and SIGHUP end the loop and unmount.
   Exit status 0 after such a signal, 1 on failure to start.  */

#define FUSE_USE_VERSION 31

#include <errno.h>
#include <fuse_lowlevel.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_INO 2

static const char *flag_file;
static char *only_program;      /* NULL: silent for every process */
static const char *file_name;
static off_t file_size;

/* Fills ST with the attributes of inode INO; false when there is none.  */
static bool
attributes (fuse_ino_t ino, struct stat *st)
{
  memset (st, 0, sizeof *st);
  st->st_ino = ino;
  st->st_uid = getuid ();
  st->st_gid = getgid ();
  if (ino == FUSE_ROOT_ID)
    {
      st->st_mode = S_IFDIR | 0755;
      st->st_nlink = 2;
    }
  else if (ino == FILE_INO)
    {
      st->st_mode = S_IFREG | 0644;
      st->st_nlink = 1;
      st->st_size = file_size;
      st->st_blocks = (file_size + 511) / 512;
    }
  else
    return false;
  return true;
}

/* True when a GETATTR of process PID is to be left unanswered.  */
static bool
silent_for (pid_t pid)
{
  char link[64], exe[PATH_MAX];
  ssize_t n;

  if (access (flag_file, F_OK) != 0)
    return false;
  if (only_program == NULL)
    return true;
  snprintf (link, sizeof link, "/proc/%ld/exe", (long) pid);
  n = readlink (link, exe, sizeof exe - 1);
  if (n < 0)
    return false;
  exe[n] = '\0';
  return strcmp (exe, only_program) == 0;
}

static void
sf_init (void *data, struct fuse_conn_info *conn)
{
  /* A read would otherwise ask for the attributes first.  */
  conn->want &= ~FUSE_CAP_AUTO_INVAL_DATA;
}

static void
sf_lookup (fuse_req_t req, fuse_ino_t parent, const char *name)
{
  struct fuse_entry_param e;

  if (parent != FUSE_ROOT_ID || strcmp (name, file_name) != 0)
    {
      fuse_reply_err (req, ENOENT);
      return;
    }
  memset (&e, 0, sizeof e);
  e.ino = FILE_INO;
  e.attr_timeout = 0;
  e.entry_timeout = 0;
  attributes (FILE_INO, &e.attr);
  fuse_reply_entry (req, &e);
}

static void
sf_getattr (fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
  pid_t pid = fuse_req_ctx (req)->pid;
  struct stat st;

  if (silent_for (pid))
    {
      /* Read, and never answered: REQ stays allocated for good.  */
      fprintf (stderr, "silent-fuse: GETATTR of inode %lu from pid %ld "
               "left unanswered\n", (unsigned long) ino, (long) pid);
      return;
    }
  if (!attributes (ino, &st))
    fuse_reply_err (req, ENOENT);
  else
    fuse_reply_attr (req, &st, 0);
}

static void
sf_open (fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
  if (ino != FILE_INO)
    fuse_reply_err (req, EISDIR);
  else
    fuse_reply_open (req, fi);
}

static void
sf_read (fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
         struct fuse_file_info *fi)
{
  char *zeros;

  if (off >= file_size)
    size = 0;
  else if ((off_t) size > file_size - off)
    size = file_size - off;
  zeros = calloc (1, size + 1);
  if (zeros == NULL)
    fuse_reply_err (req, ENOMEM);
  else
    fuse_reply_buf (req, zeros, size);
  free (zeros);
}

static void
sf_write (fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
          off_t off, struct fuse_file_info *fi)
{
  fuse_reply_write (req, size);
}

static const struct fuse_lowlevel_ops ops = {
  .init = sf_init,
  .lookup = sf_lookup,
  .getattr = sf_getattr,
  .open = sf_open,
  .read = sf_read,
  .write = sf_write,
};

static int
usage (void)
{
  fprintf (stderr, "usage: silent-fuse [-p PROGRAM] FLAGFILE MOUNTPOINT "
           "NAME SIZE\n");
  return 1;
}

int
main (int argc, char **argv)
{
  char *fuse_argv[] = { argv[0], "-o", "fsname=lc-silent-fuse", NULL };
  struct fuse_args args = FUSE_ARGS_INIT (3, fuse_argv);
  struct fuse_session *se;
  char *end;
  int opt, rc = 1;

  while ((opt = getopt (argc, argv, "p:")) != -1)
    {
      if (opt != 'p')
        return usage ();
      only_program = realpath (optarg, NULL);
      if (only_program == NULL)
        {
          perror (optarg);
          return 1;
        }
    }
  if (argc - optind != 4)
    return usage ();
  flag_file = argv[optind];
  file_name = argv[optind + 2];
  errno = 0;
  file_size = strtoll (argv[optind + 3], &end, 10);
  if (errno != 0 || *end != '\0' || file_size < 0
      || strchr (file_name, '/') != NULL || file_name[0] == '\0')
    return usage ();

  se = fuse_session_new (&args, &ops, sizeof ops, NULL);
  if (se == NULL)
    return 1;
  if (fuse_set_signal_handlers (se) == 0)
    {
      if (fuse_session_mount (se, argv[optind + 1]) == 0)
        {
          rc = fuse_session_loop (se) < 0;
          fuse_session_unmount (se);
        }
      fuse_remove_signal_handlers (se);
    }
  fuse_session_destroy (se);
  return rc;
}
