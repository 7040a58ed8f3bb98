/* SPDX-License-Identifier: GPL-3.0-or-later */
/* no-close-range.c -- run a command on which close_range(2) fails with
   ENOSYS, as on a kernel older than 5.9 or under a seccomp profile
   written before the call existed.

   Usage: no-close-range COMMAND [ARG]...

   Sets PR_SET_NO_NEW_PRIVS, installs a seccomp filter, written as raw
   BPF (no libseccomp), then executes COMMAND (searched in PATH).  The
   filter, which COMMAND and every process it starts inherit, answers
   close_range with ENOSYS and lets every other call through.

   Only the calls of this helper's own architecture are looked at: the
   filter first compares the architecture of the call (seccomp_data.arch)
   with the one this file is built for (x86_64, i386, arm64, s390x,
   ppc64le) and lets a call of any other architecture through untouched
   (say, an i386 program on an x86_64 kernel): a call number means
   another call there.  On x86_64 the x32 form of the call (its number
   with __X32_SYSCALL_BIT) is refused too.  Built for any other
   architecture, the helper installs nothing and exits with 125.

   Before COMMAND runs, the helper proves that the filter acts: a
   close_range over no descriptor at all (the last possible number
   alone) must now fail with ENOSYS.

   Exit status: COMMAND's; 125 when the filter cannot be installed here
   (no seccomp in this kernel, or an architecture not listed above) or
   does not act; 126 or 127 when COMMAND cannot be executed or found, as
   env(1).  */

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined __x86_64__ && !defined __ILP32__
# define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined __i386__
# define NATIVE_ARCH AUDIT_ARCH_I386
#elif defined __aarch64__
# define NATIVE_ARCH AUDIT_ARCH_AARCH64
#elif defined __s390x__
# define NATIVE_ARCH AUDIT_ARCH_S390X
#elif defined __powerpc64__ && defined __LITTLE_ENDIAN__
# define NATIVE_ARCH AUDIT_ARCH_PPC64LE
#endif

/* Older headers lack the number; it is 436 on each architecture above
   (the calls added since Linux 5.1 have one number everywhere but
   alpha).  */
#if defined NATIVE_ARCH && !defined SYS_close_range
# define SYS_close_range 436
#endif

#ifndef __X32_SYSCALL_BIT
# define __X32_SYSCALL_BIT 0x40000000
#endif

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      fprintf (stderr, "usage: no-close-range COMMAND [ARG]...\n");
      return 125;
    }
#ifdef NATIVE_ARCH
  struct sock_filter code[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_close_range, 2, 0),
# if NATIVE_ARCH == AUDIT_ARCH_X86_64
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K,
              __X32_SYSCALL_BIT | SYS_close_range, 1, 0),
# else
    BPF_JUMP (BPF_JMP | BPF_JA, 0, 0, 0),        /* the same length */
# endif
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
  };
  struct sock_fprog prog = {
    .len = sizeof code / sizeof code[0], .filter = code
  };

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
      || prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
    {
      fprintf (stderr, "no-close-range: cannot install the filter: %s\n",
               strerror (errno));
      return 125;
    }
  errno = 0;
  if (syscall (SYS_close_range, ~0U, ~0U, 0) != -1 || errno != ENOSYS)
    {
      fprintf (stderr, "no-close-range: the filter does not act\n");
      return 125;
    }
  execvp (argv[1], argv + 1);
  fprintf (stderr, "no-close-range: %s: %s\n", argv[1], strerror (errno));
  return errno == ENOENT ? 127 : 126;
#else
  (void) argv;
  fprintf (stderr, "no-close-range: not built for this architecture\n");
  return 125;
#endif
}
