/* SPDX-License-Identifier: GPL-3.0-or-later */
/* system.h -- what every source file of losetup-container includes first.  */

#ifndef LC_SYSTEM_H
#define LC_SYSTEM_H

#include <config.h>

#include <stdbool.h>
#include <stddef.h>

#include "gettext.h"
#define _(msgid) gettext (msgid)

/* Exit statuses, as env(1) and the shell use them: a program found but
   not run, and one not found (util-linux losetup without libsmartcols:
   the dynamic loader's status).  */
#define EXIT_CANNOT_RUN 126
#define EXIT_NOT_FOUND 127

/* The environment variables the program reads (with secure_getenv).  */
#define ENV_ORIGINAL "LOSETUP_CONTAINER_ORIGINAL_LOSETUP"
#define ENV_BIND_MOUNTS "LOSETUP_CONTAINER_BIND_MOUNTS"
#define ENV_DEBUG "LOSETUP_CONTAINER_DEBUG"

#endif /* LC_SYSTEM_H */
