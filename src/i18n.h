/* SPDX-License-Identifier: GPL-3.0-or-later */
/* i18n.h -- loading the locale and the message catalogs.  */

#ifndef LC_I18N_H
#define LC_I18N_H

/* util-linux's text domain: its catalogs (util-linux.mo, Debian's
   util-linux-locales package) lie in UL_LOCALEDIR, fixed at configure
   time (--with-util-linux-localedir).  */
#define UL_DOMAIN "util-linux"

/* UL_(MSGID) is MSGID as util-linux losetup prints it: translated by
   util-linux's own catalog when that is installed, and left in English
   when it is not, never by ours.  Every message that stands for one of
   losetup's is written with it (and xgettext leaves it out of ours).  */
#define UL_(msgid) dgettext (UL_DOMAIN, msgid)

/* Loads the locale's character classes (LC_CTYPE) and messages
   (LC_MESSAGES), the only categories used, and binds both text domains:
   ours, the default, and util-linux's.  Called only once a call
   may be answered here, or fails here, so that a call handed over to the
   original pays for neither.  */
void init_ctype_and_messages (void);

#endif /* LC_I18N_H */
