/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* error.c - the engine's error domain. */
#include "engine/error.h"

G_DEFINE_QUARK(defis-error-quark, defis_error)
