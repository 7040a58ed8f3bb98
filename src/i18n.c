/* SPDX-License-Identifier: GPL-3.0-or-later */
/* i18n.c -- loading the locale and the message catalogs.  */

#include "system.h"

#include "i18n.h"

#include <locale.h>

void
init_ctype_and_messages (void)
{
  /* Not LC_ALL: loading it costs a file each for a dozen categories.  */
  setlocale (LC_CTYPE, "");
  setlocale (LC_MESSAGES, "");
  bindtextdomain (PACKAGE, LOCALEDIR);
  textdomain (PACKAGE);
  bindtextdomain (UL_DOMAIN, UL_LOCALEDIR);
}
