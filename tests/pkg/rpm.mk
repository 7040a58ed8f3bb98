# tests/pkg/local.mk: filled in by the RPM packaging work. SPDX-License-Identifier: GPL-3.0-or-later
