/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* network.h - the local networks that own surveys. */
#ifndef DEFIS_NETWORK_H
#define DEFIS_NETWORK_H

#include "engine/common.h"

#include "engine/store.h"

/* Longest network name, in bytes. */
#define DEFIS_NETWORK_NAME_MAX 200

/* Adds a network and journals it, in its own transaction. NAME must be 1 to
 * DEFIS_NETWORK_NAME_MAX bytes of UTF-8 without control characters; REGION may
 * be NULL. Returns the new id, or 0 and sets ERROR (DEFIS_ERROR_INVALID for a
 * bad name, DEFIS_ERROR_CONFLICT when the name is taken). */
gint64 defis_network_add(DefisStore *store, const char *name, const char *region,
                         const char *actor, GError **error);

/* The id of network NAME, or 0 with DEFIS_ERROR_NOT_FOUND. */
gint64 defis_network_find(DefisStore *store, const char *name, GError **error);

/* Every network, by name: a new JSON array of objects
 * {id, name, region, created_at, surveys, places, mentions}. */
json_t *defis_network_list(DefisStore *store, GError **error);

#endif
