/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* ingest.c - storing one survey's mentions in one transaction. */
#include "engine/ingest.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/dedup.h"
#include "engine/error.h"
#include "engine/idmap.h"
#include "engine/journal.h"
#include "engine/network.h"
#include "engine/score.h"
#include "engine/text.h"

/* ---- Ingest -------------------------------------------------------------- */

/* A large survey into a store that holds few mentions is imported in bulk:
 * once it has BULK_AFTER mentions and the store fewer from other surveys,
 *
 * - the mentions that follow wait in a spool file until placing is done.
 *   Written in between, a million rows of text would fill the page cache and
 *   the write-ahead log that the deduplication index is read through (placing
 *   the benchmark's 1,000,000 rows took 69 s with them, 59.7 s spooled). Their
 *   ids are known in advance, the next rowids in file order, so
 *   representatives can name them (the key from a representative to its
 *   mention is checked at the commit: migration 11, engine/sql_schema.c).
 * - Before the commit they are stored in file order, with the indexes of
 *   mention on random keys dropped and then made again by sorting. Inserting a
 *   million rows one by one into indexes larger than the page cache costs a
 *   page read and a page write a row. */
#define BULK_AFTER 20000

typedef struct {
    FILE *file;     /* beside the database, unlinked on creation */
    const char *db; /* the database's path (the store's) */
    gint64 next_id; /* the id of the next mention spooled, 0 until bulk */
    gint64 first_id;
} Spool;
/* Its write buffer. */
#define SPOOL_BUFFER (256 * 1024)

/* A mention row as stored: its numbers and the lengths of its strings (what the
 * spool writes first, the bytes of the strings following), then the strings. */
typedef struct {
    gint64 place, challenge, line, importance, members, votes, norm_hash;
    guint32 text_n, norm_n, theme_n, raw_n; /* theme_n NO_THEME for no theme */
} RowHead;
#define NO_THEME G_MAXUINT32

typedef struct {
    RowHead h;
    const char *text, *norm, *theme, *raw; /* theme NULL for no theme */
} Row;

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
    Spool spool;        /* in bulk, the mentions not yet stored */
    DefisIngestReport report;
};

static void ingest_free(DefisIngest *ingest)
{
    if (ingest->spool.file)
        fclose(ingest->spool.file);
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

/* Stores ROW for SURVEY as mention ID (0: the next rowid). */
static gboolean row_insert(DefisStore *store, gint64 survey, gint64 id, const Row *row,
                           GError **error)
{
    const RowHead *h = &row->h;
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_MENTION_INSERT);
    defis_stmt_bind_int(stmt, 1, survey);
    defis_stmt_bind_int(stmt, 2, h->place);
    defis_stmt_bind_int(stmt, 3, h->challenge);
    defis_stmt_bind_int(stmt, 4, h->line);
    defis_stmt_bind_text(stmt, 5, row->text, h->text_n);
    defis_stmt_bind_text(stmt, 6, row->norm, h->norm_n);
    if (row->theme)
        defis_stmt_bind_text(stmt, 7, row->theme, h->theme_n);
    if (h->importance)
        defis_stmt_bind_int(stmt, 8, h->importance);
    if (h->members >= 0)
        defis_stmt_bind_int(stmt, 9, h->members);
    if (h->votes >= 0)
        defis_stmt_bind_int(stmt, 10, h->votes);
    defis_stmt_bind_text(stmt, 11, row->raw, h->raw_n);
    defis_stmt_bind_int(stmt, 12, h->norm_hash);
    if (id)
        defis_stmt_bind_int(stmt, 13, id);
    return defis_stmt_exec(stmt, error);
}

static gboolean spool_failed(const Spool *spool, const char *what, GError **error)
{
    int saved = errno;
    g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_STORE,
                "cannot %s the import's spool file beside the database (%s-spool-…): %s", what,
                spool->db, saved ? g_strerror(saved) : "cut short");
    return FALSE;
}

/* Opens an empty spool beside the database of STORE, whose first mention will
 * be FIRST_ID. Beside it, not in TMPDIR: the rows need that much room there
 * soon anyway, and /tmp is often memory. */
static gboolean spool_open(Spool *spool, DefisStore *store, gint64 first_id, GError **error)
{
    spool->db = defis_store_path(store);
    g_autofree char *path = g_strdup_printf("%s-spool-XXXXXX", spool->db);
    errno = 0;
    int fd = g_mkstemp(path);
    if (fd >= 0) {
        g_unlink(path);
        spool->file = fdopen(fd, "w+b");
        if (!spool->file)
            close(fd);
    }
    if (!spool->file || setvbuf(spool->file, NULL, _IOFBF, SPOOL_BUFFER) != 0)
        return spool_failed(spool, "create", error);
    spool->first_id = spool->next_id = first_id;
    return TRUE;
}

static gboolean spool_put(Spool *spool, const Row *row, GError **error)
{
    const RowHead *h = &row->h;
    FILE *f = spool->file;
    errno = 0;
    if (fwrite(h, sizeof *h, 1, f) != 1 || fwrite(row->text, 1, h->text_n, f) != h->text_n ||
        fwrite(row->norm, 1, h->norm_n, f) != h->norm_n ||
        (row->theme && fwrite(row->theme, 1, h->theme_n, f) != h->theme_n) ||
        fwrite(row->raw, 1, h->raw_n, f) != h->raw_n)
        return spool_failed(spool, "write", error);
    spool->next_id++;
    return TRUE;
}

/* Stores every spooled mention, in order, with the id it was given. */
static gboolean spool_store(Spool *spool, DefisStore *store, gint64 survey, GError **error)
{
    errno = 0;
    if (fflush(spool->file) != 0 || fseek(spool->file, 0, SEEK_SET) != 0)
        return spool_failed(spool, "read", error);
    g_autoptr(GByteArray) bytes = g_byte_array_new();
    for (gint64 id = spool->first_id; id < spool->next_id; id++) {
        Row row;
        RowHead *h = &row.h;
        errno = 0;
        if (fread(h, sizeof *h, 1, spool->file) != 1)
            return spool_failed(spool, "read", error);
        guint32 theme_n = h->theme_n == NO_THEME ? 0 : h->theme_n;
        gsize n = (gsize)h->text_n + h->norm_n + theme_n + h->raw_n;
        g_byte_array_set_size(bytes, (guint)n);
        if (fread(bytes->data, 1, n, spool->file) != n)
            return spool_failed(spool, "read", error);
        row.text = (const char *)bytes->data;
        row.norm = row.text + h->text_n;
        row.theme = h->theme_n == NO_THEME ? NULL : row.norm + h->norm_n;
        row.raw = row.norm + h->norm_n + theme_n;
        if (!row_insert(store, survey, id, &row, error))
            return FALSE;
    }
    return TRUE;
}

/* Goes bulk (above) when the store holds few mentions besides this survey's;
 * LAST is the id of the mention stored last. */
static gboolean maybe_bulk(DefisIngest *ingest, gint64 last, GError **error)
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
           spool_open(&ingest->spool, ingest->store, last + 1, error);
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

    Row row = {.h = {.place = place,
                     .challenge = challenge,
                     .line = m->line,
                     .importance = m->importance,
                     .members = m->members,
                     .votes = m->votes,
                     .norm_hash = defis_dedup_norm_hash(norm),
                     .text_n = (guint32)strlen(m->text),
                     .norm_n = (guint32)strlen(norm),
                     .theme_n = m->theme ? (guint32)strlen(m->theme) : NO_THEME,
                     .raw_n = (guint32)strlen(m->raw_json)},
               .text = m->text,
               .norm = norm,
               .theme = m->theme,
               .raw = m->raw_json};
    gint64 id = ingest->spool.next_id; /* 0 unless spooling */
    if (id ? !spool_put(&ingest->spool, &row, error)
           : !row_insert(ingest->store, ingest->report.survey_id, 0, &row, error)) {
        defis_dedup_placement_clear(&placement);
        return FALSE;
    }
    id = id ? id : defis_store_last_id(ingest->store);
    if (!defis_dedup_placed(ingest->dedup, id, &placement, error))
        return FALSE;
    ingest->report.mentions++;
    return ingest->report.mentions != BULK_AFTER || maybe_bulk(ingest, id, error);
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
    /* Placing is done: its index and caches go before the storing, sorting and
     * scoring. */
    g_clear_pointer(&ingest->dedup, defis_dedup_free);
    ok = ok &&
         (!ingest->bulk ||
          (defis_store_script(store, DEFIS_SCRIPT_MENTION_INDEXES_DROP, error) &&
           spool_store(&ingest->spool, store, r->survey_id, error) &&
           defis_store_script(store, DEFIS_SCRIPT_MENTION_INDEXES_CREATE, error))) &&
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
