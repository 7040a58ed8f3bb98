/* SPDX-License-Identifier: GPL-3.0-or-later */
/* i18n.c -- loading the locale and the message catalogs.  */

#include "system.h"

#include "i18n.h"

#include <locale.h>

void
init_ctype_and_messages (void)
{
  /* Only what is used: character classes (escaping, column widths, the
     column names) and messages.  Loading all of LC_ALL costs a file
     each for a dozen categories.  */
  setlocale (LC_CTYPE, "");
  setlocale (LC_MESSAGES, "");
  bindtextdomain (PACKAGE, LOCALEDIR);
  textdomain (PACKAGE);
  /* util-linux's messages from util-linux's catalog, found where
     losetup itself finds it: translated exactly when losetup's are.  */
  bindtextdomain (UL_DOMAIN, UL_LOCALEDIR);
}
