# tests/pkg/local.mk: filled in by the pkg work. SPDX-License-Identifier: GPL-3.0-or-later
