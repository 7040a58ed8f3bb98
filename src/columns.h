/* SPDX-License-Identifier: GPL-3.0-or-later */
/* columns.h -- the columns of the one listing answered here.

   The request is recognised by these names (detect.c) and the table is
   printed with them (listing.c): one table, read by both.  */

#ifndef LC_COLUMNS_H
#define LC_COLUMNS_H

/* The columns of "losetup -l -O NAME,BACK-FILE", in their order.  */
enum lc_column
{
  LC_COLUMN_NAME,
  LC_COLUMN_BACK_FILE,
  LC_COLUMN_COUNT
};

/* One column as util-linux losetup defines it: the name it prints in
   the header and reads in -O, and libsmartcols' width hint.  */
struct lc_column_info
{
  const char *name;
  double whint;
};

/* Returns the definition of column C (static storage, never freed).  */
static inline const struct lc_column_info *
lc_column_info (enum lc_column c)
{
  static const struct lc_column_info columns[LC_COLUMN_COUNT] = {
    [LC_COLUMN_NAME] = { "NAME", 0.25 },
    [LC_COLUMN_BACK_FILE] = { "BACK-FILE", 0.3 },
  };

  return &columns[c];
}

#endif /* LC_COLUMNS_H */
