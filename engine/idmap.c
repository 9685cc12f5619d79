/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* idmap.c - a flat hash map from 64-bit keys to 64-bit values. */
#include "engine/idmap.h"

#include <string.h>

#define INITIAL_CAPACITY 1024

void defis_idmap_init(DefisIdMap *map)
{
    map->capacity = INITIAL_CAPACITY;
    map->size = 0;
    map->keys = g_new0(guint64, map->capacity);
    map->values = g_new0(gint64, map->capacity);
}

void defis_idmap_clear(DefisIdMap *map)
{
    g_free(map->keys);
    g_free(map->values);
    memset(map, 0, sizeof *map);
}

void defis_idmap_reset(DefisIdMap *map)
{
    defis_idmap_clear(map);
    defis_idmap_init(map);
}

/* Keys are hashes already, but callers may pass ids: mix them. */
static gsize slot_of(const DefisIdMap *map, guint64 key)
{
    guint64 h = key * 0x9e3779b97f4a7c15ULL;
    gsize mask = map->capacity - 1;
    gsize i = (gsize)(h >> 32) & mask;
    while (map->keys[i] && map->keys[i] != key)
        i = (i + 1) & mask;
    return i;
}

gboolean defis_idmap_get(const DefisIdMap *map, guint64 key, gint64 *value)
{
    g_return_val_if_fail(key != 0, FALSE);
    if (!map->capacity)
        return FALSE;
    gsize i = slot_of(map, key);
    if (!map->keys[i])
        return FALSE;
    if (value)
        *value = map->values[i];
    return TRUE;
}

static void grow(DefisIdMap *map)
{
    DefisIdMap bigger = {g_new0(guint64, map->capacity * 2), g_new0(gint64, map->capacity * 2),
                         map->capacity * 2, 0};
    for (gsize i = 0; i < map->capacity; i++)
        if (map->keys[i])
            defis_idmap_put(&bigger, map->keys[i], map->values[i]);
    defis_idmap_clear(map);
    *map = bigger;
}

static gsize slot_for_insert(DefisIdMap *map, guint64 key)
{
    g_assert(key != 0);
    if (!map->capacity)
        defis_idmap_init(map);
    if ((map->size + 1) * 4 > map->capacity * 3)
        grow(map);
    gsize i = slot_of(map, key);
    if (!map->keys[i]) {
        map->keys[i] = key;
        map->values[i] = 0;
        map->size++;
    }
    return i;
}

/* The slot is found (and the arrays perhaps grown) before they are indexed. */
void defis_idmap_put(DefisIdMap *map, guint64 key, gint64 value)
{
    gsize i = slot_for_insert(map, key);
    map->values[i] = value;
}

void defis_idmap_add(DefisIdMap *map, guint64 key, gint64 delta)
{
    gsize i = slot_for_insert(map, key);
    map->values[i] += delta;
}

gboolean defis_idmap_next(const DefisIdMap *map, gsize *cursor, guint64 *key, gint64 *value)
{
    while (*cursor < map->capacity) {
        gsize i = (*cursor)++;
        if (map->keys[i]) {
            *key = map->keys[i];
            *value = map->values[i];
            return TRUE;
        }
    }
    return FALSE;
}
