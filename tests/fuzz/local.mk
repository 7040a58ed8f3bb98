# tests/fuzz/local.mk: filled in by the fuzz work. SPDX-License-Identifier: GPL-3.0-or-later
