/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* ingest.c - storing one survey's mentions in one transaction. */
#include "engine/ingest.h"

#include <string.h>

#include "engine/error.h"
#include "engine/journal.h"
#include "engine/network.h"
#include "engine/score.h"
#include "engine/text.h"

/* ---- A map from 64-bit text hashes to challenge ids ----------------------
 * Open addressing, linear probing. Keys are hashes of normalised texts, so a
 * million distinct challenges cost 32 MiB at most instead of their texts; a
 * 64-bit collision among a million keys has odds of about 1 in 10^7. Key 0 marks
 * an empty slot (a text hashing to 0 is remapped to 1). */
typedef struct {
    guint64 *keys;
    gint64 *values;
    gsize capacity; /* a power of two */
    gsize size;
} IdMap;

static guint64 text_hash(const char *text)
{
    guint64 h = 0xcbf29ce484222325ULL; /* FNV-1a, then a murmur3 finaliser */
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h ? h : 1;
}

static void idmap_init(IdMap *map)
{
    map->capacity = 1024;
    map->size = 0;
    map->keys = g_new0(guint64, map->capacity);
    map->values = g_new0(gint64, map->capacity);
}

static void idmap_clear(IdMap *map)
{
    g_free(map->keys);
    g_free(map->values);
    memset(map, 0, sizeof *map);
}

static gsize idmap_slot(const IdMap *map, guint64 key)
{
    gsize mask = map->capacity - 1;
    gsize i = key & mask;
    while (map->keys[i] && map->keys[i] != key)
        i = (i + 1) & mask;
    return i;
}

static gint64 idmap_get(const IdMap *map, guint64 key)
{
    return map->values[idmap_slot(map, key)];
}

static void idmap_put(IdMap *map, guint64 key, gint64 value)
{
    if ((map->size + 1) * 4 > map->capacity * 3) {
        IdMap bigger = {g_new0(guint64, map->capacity * 2), g_new0(gint64, map->capacity * 2),
                        map->capacity * 2, 0};
        for (gsize i = 0; i < map->capacity; i++)
            if (map->keys[i])
                idmap_put(&bigger, map->keys[i], map->values[i]);
        idmap_clear(map);
        *map = bigger;
    }
    gsize i = idmap_slot(map, key);
    if (!map->keys[i]) {
        map->keys[i] = key;
        map->size++;
    }
    map->values[i] = value;
}

/* ---- Ingest -------------------------------------------------------------- */

typedef struct {
    gint64 id;
    gint64 members; /* -1 when unknown */
} Place;

struct DefisIngest {
    DefisStore *store;
    gint64 network_id;
    char *network;
    char *actor;
    char *now;
    GHashTable *places; /* name -> Place, this survey's places */
    GHashTable *touched; /* challenge ids this survey added mentions to */
    IdMap challenges;   /* hash of normalised text -> challenge id */
    DefisIngestReport report;
};

static void ingest_free(DefisIngest *ingest)
{
    g_hash_table_destroy(ingest->places);
    g_hash_table_destroy(ingest->touched);
    idmap_clear(&ingest->challenges);
    g_free(ingest->network);
    g_free(ingest->actor);
    g_free(ingest->now);
    g_free(ingest);
}

DefisIngest *defis_ingest_begin(DefisStore *store, const DefisSurveyMeta *meta,
                                gboolean *duplicate, DefisIngestReport *report, GError **error)
{
    g_return_val_if_fail(store && meta && meta->network && meta->sha256 && meta->actor, NULL);
    g_return_val_if_fail(meta->format && meta->encoding && duplicate, NULL);
    *duplicate = FALSE;
    if (report)
        memset(report, 0, sizeof *report);
    if (!defis_store_begin(store, error))
        return NULL;
    gint64 network_id = defis_network_find(store, meta->network, error);
    if (!network_id) {
        defis_store_rollback(store);
        return NULL;
    }

    /* Inside the write lock, so two uploads of the same bytes cannot both pass. */
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_SURVEY_BY_SHA);
    defis_stmt_bind_int(stmt, 1, network_id);
    defis_stmt_bind_text(stmt, 2, meta->sha256, -1);
    gboolean row = FALSE;
    if (!defis_stmt_step(stmt, &row, error)) {
        defis_store_rollback(store);
        return NULL;
    }
    if (row) {
        *duplicate = TRUE;
        if (report) {
            report->duplicate = TRUE;
            report->survey_id = defis_stmt_int(stmt, 0);
            report->mentions = defis_stmt_int(stmt, 2);
        }
        defis_stmt_reset(stmt);
        defis_store_rollback(store);
        return NULL;
    }

    DefisIngest *ingest = g_new0(DefisIngest, 1);
    ingest->store = store;
    ingest->network_id = network_id;
    ingest->network = g_strdup(meta->network);
    ingest->actor = g_strdup(meta->actor);
    ingest->now = defis_now();
    ingest->places = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    ingest->touched = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    idmap_init(&ingest->challenges);

    stmt = defis_store_stmt(store, DEFIS_SQL_SURVEY_INSERT);
    defis_stmt_bind_int(stmt, 1, network_id);
    defis_stmt_bind_text(stmt, 2, meta->title, -1);
    defis_stmt_bind_text(stmt, 3, meta->filename, -1);
    defis_stmt_bind_text(stmt, 4, meta->format, -1);
    defis_stmt_bind_text(stmt, 5, meta->encoding, -1);
    defis_stmt_bind_text(stmt, 6, meta->sha256, -1);
    if (meta->respondents >= 0)
        defis_stmt_bind_int(stmt, 7, meta->respondents);
    defis_stmt_bind_text(stmt, 8, ingest->now, -1);
    defis_stmt_bind_text(stmt, 9, meta->actor, -1);
    if (!defis_stmt_exec(stmt, error)) {
        defis_ingest_abort(ingest);
        return NULL;
    }
    ingest->report.survey_id = defis_store_last_id(store);
    return ingest;
}

/* The id of this survey's place NAME, created on first sight; MEMBERS (when
 * known) replaces what the place declared before. */
static gint64 place_id(DefisIngest *ingest, const char *name, gint64 members, GError **error)
{
    DefisStore *store = ingest->store;
    Place *place = g_hash_table_lookup(ingest->places, name);
    if (!place) {
        place = g_new(Place, 1);
        DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_PLACE_FIND);
        defis_stmt_bind_int(stmt, 1, ingest->network_id);
        defis_stmt_bind_text(stmt, 2, name, -1);
        gboolean row = FALSE;
        if (!defis_stmt_step(stmt, &row, error)) {
            g_free(place);
            return 0;
        }
        if (row) {
            place->id = defis_stmt_int(stmt, 0);
            place->members = defis_stmt_is_null(stmt, 1) ? -1 : defis_stmt_int(stmt, 1);
            defis_stmt_reset(stmt);
        } else {
            stmt = defis_store_stmt(store, DEFIS_SQL_PLACE_INSERT);
            defis_stmt_bind_int(stmt, 1, ingest->network_id);
            defis_stmt_bind_text(stmt, 2, name, -1);
            if (members >= 0)
                defis_stmt_bind_int(stmt, 3, members);
            if (!defis_stmt_exec(stmt, error)) {
                g_free(place);
                return 0;
            }
            place->id = defis_store_last_id(store);
            place->members = members;
        }
        g_hash_table_insert(ingest->places, g_strdup(name), place);
        ingest->report.places++;
    }
    if (members >= 0 && members != place->members) {
        DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_PLACE_SET_MEMBERS);
        defis_stmt_bind_int(stmt, 1, place->id);
        defis_stmt_bind_int(stmt, 2, members);
        if (!defis_stmt_exec(stmt, error))
            return 0;
        place->members = members;
    }
    return place->id;
}

/* The challenge that mentions normalised to NORM join, created with TITLE when
 * none exists yet. */
static gint64 challenge_id(DefisIngest *ingest, const char *norm, const char *title,
                           GError **error)
{
    guint64 key = text_hash(norm);
    gint64 id = idmap_get(&ingest->challenges, key);
    if (id) {
        ingest->report.challenges_joined++;
        return id;
    }
    DefisStmt *stmt = defis_store_stmt(ingest->store, DEFIS_SQL_CHALLENGE_BY_KEY);
    defis_stmt_bind_text(stmt, 1, norm, -1);
    gboolean row = FALSE;
    if (!defis_stmt_step(stmt, &row, error))
        return 0;
    if (row) {
        id = defis_stmt_int(stmt, 0);
        defis_stmt_reset(stmt);
        ingest->report.challenges_joined++;
    } else {
        stmt = defis_store_stmt(ingest->store, DEFIS_SQL_CHALLENGE_INSERT);
        defis_stmt_bind_text(stmt, 1, title, -1);
        defis_stmt_bind_text(stmt, 2, norm, -1);
        defis_stmt_bind_text(stmt, 3, ingest->now, -1);
        if (!defis_stmt_exec(stmt, error))
            return 0;
        id = defis_store_last_id(ingest->store);
        ingest->report.challenges_created++;
    }
    idmap_put(&ingest->challenges, key, id);
    g_hash_table_add(ingest->touched, g_memdup2(&id, sizeof id));
    return id;
}

gboolean defis_ingest_add(DefisIngest *ingest, const DefisMentionIn *m, GError **error)
{
    g_return_val_if_fail(ingest && m && m->place && m->text && m->raw_json, FALSE);
    if (!*m->place || !*m->text || m->importance < 0 || m->importance > 5) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                    "line %" G_GINT64_FORMAT ": a mention needs a place, a text and an "
                    "importance from 1 to 5",
                    m->line);
        return FALSE;
    }
    gint64 place = place_id(ingest, m->place, m->members, error);
    if (!place)
        return FALSE;
    g_autofree char *norm = defis_text_fold(m->text, -1);
    gint64 challenge = challenge_id(ingest, norm, m->text, error);
    if (!challenge)
        return FALSE;

    DefisStmt *stmt = defis_store_stmt(ingest->store, DEFIS_SQL_MENTION_INSERT);
    defis_stmt_bind_int(stmt, 1, ingest->report.survey_id);
    defis_stmt_bind_int(stmt, 2, place);
    defis_stmt_bind_int(stmt, 3, challenge);
    defis_stmt_bind_int(stmt, 4, m->line);
    defis_stmt_bind_text(stmt, 5, m->text, -1);
    defis_stmt_bind_text(stmt, 6, norm, -1);
    defis_stmt_bind_text(stmt, 7, m->theme, -1);
    if (m->importance)
        defis_stmt_bind_int(stmt, 8, m->importance);
    if (m->members >= 0)
        defis_stmt_bind_int(stmt, 9, m->members);
    if (m->votes >= 0)
        defis_stmt_bind_int(stmt, 10, m->votes);
    defis_stmt_bind_text(stmt, 11, m->raw_json, -1);
    if (!defis_stmt_exec(stmt, error))
        return FALSE;
    ingest->report.mentions++;
    return TRUE;
}

gboolean defis_ingest_commit(DefisIngest *ingest, gint64 rows, gint64 skipped,
                             DefisIngestReport *report, GError **error)
{
    g_return_val_if_fail(ingest != NULL, FALSE);
    DefisStore *store = ingest->store;
    DefisIngestReport *r = &ingest->report;
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_SURVEY_FINISH);
    defis_stmt_bind_int(stmt, 1, r->survey_id);
    defis_stmt_bind_int(stmt, 2, rows);
    defis_stmt_bind_int(stmt, 3, r->mentions);
    defis_stmt_bind_int(stmt, 4, skipped);
    /* Scores of the challenges this survey touched, in the same transaction. */
    g_autoptr(GArray) ids = g_array_sized_new(FALSE, FALSE, sizeof(gint64),
                                              g_hash_table_size(ingest->touched));
    GHashTableIter iter;
    gpointer key;
    g_hash_table_iter_init(&iter, ingest->touched);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        g_array_append_val(ids, *(gint64 *)key);
    json_t *payload = json_pack(
        "{s:I, s:s, s:I, s:I, s:I, s:I, s:I}", "survey", (json_int_t)r->survey_id, "network", ingest->network,
        "rows", (json_int_t)rows, "mentions", (json_int_t)r->mentions, "skipped",
        (json_int_t)skipped, "challenges_created", (json_int_t)r->challenges_created,
        "challenges_joined", (json_int_t)r->challenges_joined);
    gboolean ok = defis_stmt_exec(stmt, error) &&
                  defis_score_refresh(store, (gint64 *)(void *)ids->data, ids->len, error) &&
                  defis_journal_add(store, ingest->actor, "import", payload, error) &&
                  defis_store_commit(store, error);
    json_decref(payload);
    if (ok && report)
        *report = *r;
    if (!ok)
        defis_store_rollback(store);
    ingest_free(ingest);
    return ok;
}

void defis_ingest_abort(DefisIngest *ingest)
{
    if (!ingest)
        return;
    defis_store_rollback(ingest->store);
    ingest_free(ingest);
}
