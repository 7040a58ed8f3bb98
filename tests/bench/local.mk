# tests/bench/local.mk: filled in by the bench work. SPDX-License-Identifier: GPL-3.0-or-later
