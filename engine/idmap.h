/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* idmap.h - a flat hash map from 64-bit keys to 64-bit values, for hot loops.
 *
 * Open addressing with linear probing in two flat arrays: 16 bytes an entry at
 * most 75 % full, no allocation per entry, unlike a GHashTable with boxed keys.
 * Key 0 is reserved (it marks an empty slot): callers remap it. */
#ifndef DEFIS_IDMAP_H
#define DEFIS_IDMAP_H

#include <glib.h>

typedef struct {
    guint64 *keys;
    gint64 *values;
    gsize capacity; /* a power of two */
    gsize size;
} DefisIdMap;

void defis_idmap_init(DefisIdMap *map);
/* Frees the arrays; the map may be initialised again. */
void defis_idmap_clear(DefisIdMap *map);
/* Empties the map, handing back what it grew to. */
void defis_idmap_reset(DefisIdMap *map);

/* Whether KEY is present; its value in *VALUE when it is (VALUE may be NULL). */
gboolean defis_idmap_get(const DefisIdMap *map, guint64 key, gint64 *value);
void defis_idmap_put(DefisIdMap *map, guint64 key, gint64 value);
/* Adds DELTA to KEY's value (absent counts as 0). */
void defis_idmap_add(DefisIdMap *map, guint64 key, gint64 delta);

/* Iteration: for (gsize i = 0; defis_idmap_next(map, &i, &k, &v);) … */
gboolean defis_idmap_next(const DefisIdMap *map, gsize *cursor, guint64 *key, gint64 *value);

#endif
