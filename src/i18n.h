/* SPDX-License-Identifier: GPL-3.0-or-later */
/* i18n.h -- loading the locale and the message catalog.  */

#ifndef LC_I18N_H
#define LC_I18N_H

/* Loads the locale (only the categories used) and the message catalog.
   Called only once a call may be answered here, or fails here, so that a
   call handed over to the original pays for neither.  */
void init_messages (void);

#endif /* LC_I18N_H */
