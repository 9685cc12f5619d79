/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* ingest.c - storing one survey's mentions in one transaction. */
#include "engine/ingest.h"

#include <string.h>

#include "engine/dedup.h"
#include "engine/error.h"
#include "engine/idmap.h"
#include "engine/journal.h"
#include "engine/network.h"
#include "engine/score.h"
#include "engine/text.h"

/* ---- Ingest -------------------------------------------------------------- */

/* A large survey into a store that holds few mentions is imported in bulk:
 * once it has BULK_AFTER mentions and the store fewer from other surveys, the
 * indexes of mention on random keys are dropped, and made again by sorting
 * before the commit. Inserting a million rows one by one into indexes larger
 * than the page cache costs a page read and a page write a row. */
#define BULK_AFTER 20000

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
    DefisIdMap touched; /* challenges this survey added exact twins to (values unused) */
    DefisIdMap worded;  /* challenges it gave a wording they lacked (values unused) */
    DefisDedup *dedup;  /* places each mention in its challenge */
    gboolean bulk;      /* the mention indexes are dropped until the commit */
    DefisIngestReport report;
};

static void ingest_free(DefisIngest *ingest)
{
    g_hash_table_destroy(ingest->places);
    defis_idmap_clear(&ingest->touched);
    defis_idmap_clear(&ingest->worded);
    defis_dedup_free(ingest->dedup);
    g_free(ingest->network);
    g_free(ingest->actor);
    g_free(ingest->now);
    g_free(ingest);
}

DefisIngest *defis_ingest_begin(DefisStore *store, const DefisSurveyMeta *meta, gboolean *duplicate,
                                DefisIngestReport *report, GError **error)
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
    defis_idmap_init(&ingest->touched);
    defis_idmap_init(&ingest->worded);
    ingest->dedup = defis_dedup_new(store, meta->dedup, error);
    if (!ingest->dedup) {
        defis_ingest_abort(ingest);
        return NULL;
    }

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

/* Goes bulk (above) when the store holds few mentions besides this survey's. */
static gboolean maybe_bulk(DefisIngest *ingest, GError **error)
{
    DefisStmt *stmt = defis_store_stmt(ingest->store, DEFIS_SQL_MENTION_COUNT_OTHERS);
    defis_stmt_bind_int(stmt, 1, ingest->report.survey_id);
    gboolean row = FALSE;
    if (!defis_stmt_step(stmt, &row, error))
        return FALSE;
    gint64 others = defis_stmt_int(stmt, 0);
    defis_stmt_reset(stmt);
    if (others >= BULK_AFTER)
        return TRUE;
    ingest->bulk = TRUE;
    defis_idmap_reset(&ingest->touched);
    defis_idmap_reset(&ingest->worded);
    return defis_dedup_load_twins(ingest->dedup, error) &&
           defis_store_script(ingest->store, DEFIS_SCRIPT_MENTION_INDEXES_DROP, error);
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
    DefisPlacement placement;
    if (!defis_dedup_place(ingest->dedup, m->text, norm, &placement, error))
        return FALSE;
    gint64 challenge = placement.challenge_id;
    if (placement.created)
        ingest->report.challenges_created++;
    else
        ingest->report.challenges_joined++;
    if (!ingest->bulk) /* bulk scores them all */
        defis_idmap_put(placement.worded ? &ingest->worded : &ingest->touched, (guint64)challenge,
                        1);

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
    defis_stmt_bind_int(stmt, 12, defis_dedup_norm_hash(norm));
    if (!defis_stmt_exec(stmt, error)) {
        defis_dedup_placement_clear(&placement);
        return FALSE;
    }
    if (!defis_dedup_placed(ingest->dedup, defis_store_last_id(ingest->store), &placement, error))
        return FALSE;
    ingest->report.mentions++;
    return ingest->report.mentions != BULK_AFTER || maybe_bulk(ingest, error);
}

/* The keys of MAP, as gint64. */
static GArray *idmap_keys(const DefisIdMap *map)
{
    GArray *keys = g_array_sized_new(FALSE, FALSE, sizeof(gint64), map->size);
    guint64 key;
    gint64 unused;
    for (gsize i = 0; defis_idmap_next(map, &i, &key, &unused);) {
        gint64 id = (gint64)key;
        g_array_append_val(keys, id);
    }
    return keys;
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
    /* Scores of the challenges this survey touched (of all, in bulk), in the same
     * transaction. */
    g_autoptr(GArray) ids = idmap_keys(&ingest->touched);
    g_autoptr(GArray) worded = idmap_keys(&ingest->worded);
    json_t *payload = json_pack(
        "{s:I, s:s, s:I, s:I, s:I, s:I, s:I}", "survey", (json_int_t)r->survey_id, "network",
        ingest->network, "rows", (json_int_t)rows, "mentions", (json_int_t)r->mentions, "skipped",
        (json_int_t)skipped, "challenges_created", (json_int_t)r->challenges_created,
        "challenges_joined", (json_int_t)r->challenges_joined);
    gboolean ok = defis_stmt_exec(stmt, error) && defis_dedup_flush(ingest->dedup, error);
    /* Placing is done: its index and caches go before the sorting and scoring. */
    g_clear_pointer(&ingest->dedup, defis_dedup_free);
    ok = ok &&
         (!ingest->bulk || defis_store_script(store, DEFIS_SCRIPT_MENTION_INDEXES_CREATE, error)) &&
         (ingest->bulk ? defis_score_refresh_all(store, error) >= 0
                       : defis_score_refresh_survey(
                             store, r->survey_id, (gint64 *)(void *)ids->data, ids->len,
                             (gint64 *)(void *)worded->data, worded->len, error)) &&
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
