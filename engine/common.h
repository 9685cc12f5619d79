/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* common.h - what every module of defis may lean on: GLib, jansson and their cleanups. */
#ifndef DEFIS_COMMON_H
#define DEFIS_COMMON_H

#include <glib.h>
#include <jansson.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_t, json_decref)

#endif
