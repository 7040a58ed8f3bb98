# man/local.mk: the man page's checks. SPDX-License-Identifier: GPL-3.0-or-later
