/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* commons.c - the catalogue of commons and their stages. */
#include "engine/commons_internal.h"

#include <string.h>

#include "engine/error.h"
#include "engine/journal.h"
#include "engine/text.h"

static const char *const stage_names[] = {"idea", "prototype", "stable", "dormant"};

gboolean defis_stage_parse(const char *name, DefisStage *stage)
{
    for (guint i = 0; name && i < G_N_ELEMENTS(stage_names); i++) {
        if (strcmp(name, stage_names[i]) == 0) {
            *stage = (DefisStage)i;
            return TRUE;
        }
    }
    return FALSE;
}

const char *defis_stage_name(DefisStage stage)
{
    g_return_val_if_fail(stage <= DEFIS_STAGE_DORMANT, NULL);
    return stage_names[stage];
}

gboolean defis_stage_needs_note(DefisStage from, DefisStage to)
{
    if (to == DEFIS_STAGE_DORMANT)
        return from != DEFIS_STAGE_DORMANT; /* leaving the lifecycle */
    if (from == DEFIS_STAGE_DORMANT)
        return FALSE; /* a revival */
    return to < from;
}

/* ---- Checking fields ------------------------------------------------------- */

static gboolean fail(GError **error, const char **field, const char *name, const char *format, ...)
    G_GNUC_PRINTF(4, 5);

static gboolean fail(GError **error, const char **field, const char *name, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *message = g_strdup_vprintf(format, ap);
    va_end(ap);
    if (field)
        *field = name;
    g_set_error_literal(error, DEFIS_ERROR, DEFIS_ERROR_INVALID, message);
    return FALSE;
}

/* Valid UTF-8 of at most MAX bytes, without control characters (but newlines and
 * tabs when MULTILINE). */
static const char *text_problem(const char *text, gsize max, gboolean multiline)
{
    gsize len = strlen(text);
    if (len > max)
        return "too long";
    if (!g_utf8_validate(text, (gssize)len, NULL))
        return "not valid UTF-8";
    for (const char *p = text; *p; p++) {
        guchar c = (guchar)*p;
        if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) || c == 0x7f)
            return "holds control characters";
    }
    return NULL;
}

/* KEYWORDS as stored: each keyword trimmed, empty and repeated ones dropped,
 * joined with ", ". Caller frees. */
static char *keywords_normalise(const char *keywords)
{
    g_auto(GStrv) parts = g_strsplit_set(keywords, ",;", -1);
    g_autoptr(GPtrArray) kept = g_ptr_array_new();
    for (char **p = parts; *p; p++) {
        g_strstrip(*p);
        gboolean seen = FALSE;
        for (guint i = 0; i < kept->len && !seen; i++)
            seen = g_utf8_collate(kept->pdata[i], *p) == 0;
        if (**p && !seen)
            g_ptr_array_add(kept, *p);
    }
    g_ptr_array_add(kept, NULL);
    return g_strjoinv(", ", (char **)kept->pdata);
}

gboolean defis_commons_check(const DefisCommonsFields *f, gboolean adding, const char **field,
                             GError **error)
{
    const char *problem;
    if (adding && (!f->name || !*f->name))
        return fail(error, field, "name", "a name is required");
    if (f->name) {
        g_autofree char *name = g_strstrip(g_strdup(f->name));
        if (!*name)
            return fail(error, field, "name", "a name is required");
        if ((problem = text_problem(name, DEFIS_COMMONS_NAME_MAX, FALSE)))
            return fail(error, field, "name", "the name %s (at most %d bytes of text)", problem,
                        DEFIS_COMMONS_NAME_MAX);
    }
    DefisStage stage;
    if (adding && (!f->stage || !*f->stage))
        return fail(error, field, "stage",
                    "a stage is required: idea, prototype, stable or dormant");
    if (f->stage && !defis_stage_parse(f->stage, &stage))
        return fail(error, field, "stage",
                    "unknown stage \"%s\": use idea, prototype, stable or dormant", f->stage);
    if (f->url && *f->url) {
        if ((problem = text_problem(f->url, DEFIS_COMMONS_URL_MAX, FALSE)) ||
            strpbrk(f->url, " \t"))
            return fail(error, field, "url", "\"%s\" is not a URL (%s)", f->url,
                        problem ? problem : "holds spaces");
        if (!g_str_has_prefix(f->url, "http://") && !g_str_has_prefix(f->url, "https://"))
            return fail(error, field, "url", "\"%s\" is not a URL: expected http:// or https://",
                        f->url);
    }
    if (f->description && (problem = text_problem(f->description, DEFIS_COMMONS_TEXT_MAX, TRUE)))
        return fail(error, field, "description", "the description %s (at most %d bytes)", problem,
                    DEFIS_COMMONS_TEXT_MAX);
    if (f->keywords && (problem = text_problem(f->keywords, DEFIS_COMMONS_TEXT_MAX, FALSE)))
        return fail(error, field, "keywords", "the keywords %s (at most %d bytes)", problem,
                    DEFIS_COMMONS_TEXT_MAX);
    if (f->users < -1 || f->users > DEFIS_COMMONS_USERS_MAX)
        return fail(error, field, "users",
                    "%" G_GINT64_FORMAT " is out of range: expected 0 to %d places", f->users,
                    DEFIS_COMMONS_USERS_MAX);
    if (f->note && (problem = text_problem(f->note, DEFIS_COMMONS_TEXT_MAX, TRUE)))
        return fail(error, field, "note", "the note %s (at most %d bytes)", problem,
                    DEFIS_COMMONS_TEXT_MAX);
    return TRUE;
}

/* ---- Reading -------------------------------------------------------------- */

void defis__commons_clear(DefisCommonsRow *c)
{
    g_free(c->name);
    g_free(c->stage);
    g_free(c->url);
    g_free(c->description);
    g_free(c->keywords);
    g_free(c->created_at);
    g_free(c->updated_at);
    memset(c, 0, sizeof *c);
}

void defis__commons_read(DefisStmt *stmt, DefisCommonsRow *c)
{
    c->id = defis_stmt_int(stmt, 0);
    c->name = g_strdup(defis_stmt_text(stmt, 1));
    c->stage = g_strdup(defis_stmt_text(stmt, 2));
    c->url = g_strdup(defis_stmt_text(stmt, 3));
    c->description = g_strdup(defis_stmt_text(stmt, 4));
    c->keywords = g_strdup(defis_stmt_text(stmt, 5));
    c->users = defis_stmt_int(stmt, 6);
    c->created_at = g_strdup(defis_stmt_text(stmt, 7));
    c->updated_at = g_strdup(defis_stmt_text(stmt, 8));
    c->links = defis_stmt_int(stmt, 9);
}

/* Reads the commons of ID (BY_ID) or name (BY_NAME) into C; *FOUND says whether. */
static gboolean lookup(DefisStore *store, DefisSql sql, const char *name, gint64 id,
                       DefisCommonsRow *c, gboolean *found, GError **error)
{
    DefisStmt *stmt = defis_store_stmt(store, sql);
    if (name)
        defis_stmt_bind_text(stmt, 1, name, -1);
    else
        defis_stmt_bind_int(stmt, 1, id);
    gboolean ok = defis_stmt_step(stmt, found, error);
    if (ok && *found)
        defis__commons_read(stmt, c);
    defis_stmt_reset(stmt);
    return ok;
}

/* The commons KEY: its name, or its id when no commons has that name. */
gboolean defis__commons_find(DefisStore *store, const char *key, DefisCommonsRow *c, GError **error)
{
    g_return_val_if_fail(key != NULL, FALSE);
    gboolean found = FALSE;
    g_autofree char *name = g_strstrip(g_strdup(key));
    if (!lookup(store, DEFIS_SQL_COMMONS_BY_NAME, name, 0, c, &found, error))
        return FALSE;
    gint64 id = 0;
    if (!found && g_ascii_string_to_signed(name, 10, 1, G_MAXINT64, &id, NULL) &&
        !lookup(store, DEFIS_SQL_COMMONS_BY_ID, NULL, id, c, &found, error))
        return FALSE;
    if (!found)
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND,
                    "no commons \"%s\" (see `defis commons list`)", key);
    return found;
}

static json_t *keywords_json(const char *keywords)
{
    json_t *list = json_array();
    if (!keywords || !*keywords)
        return list;
    g_auto(GStrv) parts = g_strsplit(keywords, ", ", -1);
    for (char **p = parts; *p; p++)
        json_array_append_new(list, json_string(*p));
    return list;
}

gint64 defis__commons_threshold_of(const DefisScoreSettings *settings)
{
    return settings ? settings->recognised_users : DEFIS_SETTINGS_RECOGNISED_USERS;
}

static json_t *commons_json(const DefisCommonsRow *c, gint64 threshold)
{
    gboolean recognised = c->users >= threshold;
    return json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:o, s:I, s:b, s:s, s:I, s:s, s:s}", "id",
                     (json_int_t)c->id, "name", c->name, "stage", c->stage, "url", c->url,
                     "description", c->description, "keywords", keywords_json(c->keywords), "users",
                     (json_int_t)c->users, "recognised", recognised, "status",
                     recognised ? "recognised" : "candidate", "links", (json_int_t)c->links,
                     "created_at", c->created_at, "updated_at", c->updated_at);
}

static json_t *list_in(DefisStore *store, const char *stage, gint64 threshold, GError **error)
{
    g_autoptr(json_t) list = json_array();
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_COMMONS_LIST);
    defis_stmt_bind_text(stmt, 1, stage, -1);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        g_auto(DefisCommonsRow) c = {0};
        defis__commons_read(stmt, &c);
        json_array_append_new(list, commons_json(&c, threshold));
    }
    defis_stmt_reset(stmt);
    return ok ? g_steal_pointer(&list) : NULL;
}

json_t *defis_commons_list(DefisStore *store, const char *stage, const DefisScoreSettings *settings,
                           GError **error)
{
    DefisStage s;
    if (stage && !defis_stage_parse(stage, &s)) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                    "stage: unknown stage \"%s\": use idea, prototype, stable or dormant", stage);
        return NULL;
    }
    return IN_READ(store, error,
                   list_in(store, stage, defis__commons_threshold_of(settings), error));
}

static json_t *history_row(DefisStmt *stmt)
{
    return json_pack("{s:s, s:s?, s:s, s:s, s:s?}", "stage", defis_stmt_text(stmt, 0),
                     "previous", defis_stmt_text(stmt, 1), "at", defis_stmt_text(stmt, 2),
                     "actor", defis_stmt_text(stmt, 3), "note", defis_stmt_text(stmt, 4));
}

static json_t *history_of(DefisStore *store, gint64 id, GError **error)
{
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_COMMONS_STAGE_HISTORY);
    defis_stmt_bind_int(stmt, 1, id);
    return defis_stmt_json_rows(stmt, history_row, error);
}

static json_t *challenges_of(DefisStore *store, gint64 id, GError **error)
{
    g_autoptr(json_t) list = json_array();
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_LINKS_OF_COMMONS);
    defis_stmt_bind_int(stmt, 1, id);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        json_t *item =
            json_pack("{s:I, s:s, s:s, s:s?, s:s, s:s}", "id", (json_int_t)defis_stmt_int(stmt, 0),
                      "title", defis_stmt_text(stmt, 1), "state", defis_stmt_text(stmt, 2), "note",
                      defis_stmt_text(stmt, 4), "linked_at", defis_stmt_text(stmt, 5), "linked_by",
                      defis_stmt_text(stmt, 6));
        json_object_set_new(item, "score",
                            defis_stmt_is_null(stmt, 3) ? json_null()
                                                        : json_real(defis_stmt_double(stmt, 3)));
        json_array_append_new(list, item);
    }
    defis_stmt_reset(stmt);
    return ok ? g_steal_pointer(&list) : NULL;
}

static json_t *get_in(DefisStore *store, const char *key, gint64 threshold, GError **error)
{
    g_auto(DefisCommonsRow) c = {0};
    if (!defis__commons_find(store, key, &c, error))
        return NULL;
    g_autoptr(json_t) out = commons_json(&c, threshold);
    json_t *history = history_of(store, c.id, error);
    json_t *challenges = history ? challenges_of(store, c.id, error) : NULL;
    if (!challenges) {
        json_decref(history);
        return NULL;
    }
    json_object_set_new(out, "recognised_users", json_integer(threshold));
    json_object_set_new(out, "history", history);
    json_object_set_new(out, "challenges", challenges);
    return g_steal_pointer(&out);
}

json_t *defis_commons_get(DefisStore *store, const char *key, const DefisScoreSettings *settings,
                          GError **error)
{
    return IN_READ(store, error, get_in(store, key, defis__commons_threshold_of(settings), error));
}

static json_t *export_in(DefisStore *store, GError **error)
{
    g_autoptr(json_t) list = json_array();
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_COMMONS_LIST);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        g_auto(DefisCommonsRow) c = {0};
        defis__commons_read(stmt, &c);
        json_array_append_new(list, json_pack("{s:s, s:s, s:s?, s:s?, s:o, s:I}", "name", c.name,
                                              "stage", c.stage, "url", c.url, "description",
                                              c.description, "keywords", keywords_json(c.keywords),
                                              "users", (json_int_t)c.users));
    }
    defis_stmt_reset(stmt);
    return ok ? json_pack("{s:o}", "commons", g_steal_pointer(&list)) : NULL;
}

json_t *defis_commons_export(DefisStore *store, GError **error)
{
    return IN_READ(store, error, export_in(store, error));
}

/* ---- Writing ---------------------------------------------------------------- */

/* "" and NULL both store NULL. */
const char *defis__commons_nonempty(const char *text)
{
    return text && *text ? text : NULL;
}

/* A note that says something: not NULL, not only spaces. */
static const char *note_text(const char *note)
{
    for (const char *p = note; p && *p; p++)
        if (!g_ascii_isspace(*p))
            return note;
    return NULL;
}

static gboolean record_stage(DefisStore *store, gint64 id, const char *stage, const char *previous,
                             const char *at, const char *actor, const char *note, GError **error)
{
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_COMMONS_STAGE_INSERT);
    defis_stmt_bind_int(stmt, 1, id);
    defis_stmt_bind_text(stmt, 2, stage, -1);
    defis_stmt_bind_text(stmt, 3, previous, -1);
    defis_stmt_bind_text(stmt, 4, at, -1);
    defis_stmt_bind_text(stmt, 5, actor, -1);
    defis_stmt_bind_text(stmt, 6, note_text(note), -1);
    return defis_stmt_exec(stmt, error);
}

/* Adds F (checked) inside the open transaction; returns the id or 0. */
static gint64 add_in(DefisStore *store, const DefisCommonsFields *f, const char *actor,
                     GError **error)
{
    g_autofree char *name = g_strstrip(g_strdup(f->name));
    g_autofree char *keywords = f->keywords ? keywords_normalise(f->keywords) : NULL;
    g_autofree char *at = defis_now();
    g_auto(DefisCommonsRow) existing = {0};
    gboolean found = FALSE;
    if (!lookup(store, DEFIS_SQL_COMMONS_BY_NAME, name, 0, &existing, &found, error))
        return 0;
    if (found) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT,
                    "name: a commons \"%s\" exists already (use `defis commons update`)",
                    existing.name);
        return 0;
    }
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_COMMONS_INSERT);
    defis_stmt_bind_text(stmt, 1, name, -1);
    defis_stmt_bind_text(stmt, 2, f->stage, -1);
    defis_stmt_bind_text(stmt, 3, defis__commons_nonempty(f->url), -1);
    defis_stmt_bind_text(stmt, 4, defis__commons_nonempty(f->description), -1);
    defis_stmt_bind_text(stmt, 5, defis__commons_nonempty(keywords), -1);
    defis_stmt_bind_int(stmt, 6, f->users < 0 ? 0 : f->users);
    defis_stmt_bind_text(stmt, 7, at, -1);
    if (!defis_stmt_exec(stmt, error))
        return 0;
    gint64 id = defis_store_last_id(store);
    if (!record_stage(store, id, f->stage, NULL, at, actor, f->note, error))
        return 0;
    return id;
}

static gboolean same(const char *a, const char *b)
{
    return g_strcmp0(defis__commons_nonempty(a), defis__commons_nonempty(b)) == 0;
}

/* Applies F (checked) to C inside the open transaction. Sets *CHANGES to a new
 * object of what changed ({} when nothing did) and *STAGE_CHANGED. */
static gboolean update_in(DefisStore *store, DefisCommonsRow *c, const DefisCommonsFields *f,
                          const char *actor, json_t **changes, gboolean *stage_changed,
                          GError **error)
{
    g_autoptr(json_t) changed = json_object();
    g_autofree char *at = defis_now();
    *stage_changed = FALSE;
    g_autofree char *name = f->name ? g_strstrip(g_strdup(f->name)) : g_strdup(c->name);
    if (strcmp(name, c->name) != 0) {
        g_auto(DefisCommonsRow) other = {0};
        gboolean found = FALSE;
        if (!lookup(store, DEFIS_SQL_COMMONS_BY_NAME, name, 0, &other, &found, error))
            return FALSE;
        if (found && other.id != c->id) {
            g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT,
                        "name: a commons \"%s\" exists already", other.name);
            return FALSE;
        }
        json_object_set_new(changed, "name", json_string(name));
    }
    g_autofree char *keywords =
        f->keywords ? keywords_normalise(f->keywords) : g_strdup(c->keywords);
    const char *url = f->url ? f->url : c->url;
    const char *description = f->description ? f->description : c->description;
    gint64 users = f->users >= 0 ? f->users : c->users;
    if (!same(url, c->url))
        json_object_set_new(changed, "url", json_string(defis__commons_nonempty(url) ? url : ""));
    if (!same(description, c->description))
        json_object_set_new(changed, "description",
                            json_string(defis__commons_nonempty(description) ? description : ""));
    if (!same(keywords, c->keywords))
        json_object_set_new(changed, "keywords", json_string(keywords ? keywords : ""));
    if (users != c->users)
        json_object_set_new(changed, "users", json_integer(users));
    if (json_object_size(changed) > 0) {
        DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_COMMONS_UPDATE);
        defis_stmt_bind_int(stmt, 1, c->id);
        defis_stmt_bind_text(stmt, 2, name, -1);
        defis_stmt_bind_text(stmt, 3, defis__commons_nonempty(url), -1);
        defis_stmt_bind_text(stmt, 4, defis__commons_nonempty(description), -1);
        defis_stmt_bind_text(stmt, 5, defis__commons_nonempty(keywords), -1);
        defis_stmt_bind_int(stmt, 6, users);
        defis_stmt_bind_text(stmt, 7, at, -1);
        if (!defis_stmt_exec(stmt, error))
            return FALSE;
    }
    if (f->stage && strcmp(f->stage, c->stage) != 0) {
        DefisStage from, to;
        g_assert(defis_stage_parse(c->stage, &from) && defis_stage_parse(f->stage, &to));
        if (defis_stage_needs_note(from, to) && !note_text(f->note)) {
            g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                        "note: moving \"%s\" back from %s to %s needs a note saying why "
                        "(--note)",
                        name, c->stage, f->stage);
            return FALSE;
        }
        DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_COMMONS_SET_STAGE);
        defis_stmt_bind_int(stmt, 1, c->id);
        defis_stmt_bind_text(stmt, 2, f->stage, -1);
        defis_stmt_bind_text(stmt, 3, at, -1);
        if (!defis_stmt_exec(stmt, error) ||
            !record_stage(store, c->id, f->stage, c->stage, at, actor, f->note, error))
            return FALSE;
        json_object_set_new(changed, "stage",
                            json_pack("{s:s, s:s, s:s?}", "from", c->stage, "to", f->stage, "note",
                                      defis__commons_nonempty(f->note)));
        *stage_changed = TRUE;
    }
    *changes = g_steal_pointer(&changed);
    return TRUE;
}

/* Journals ACTION with PAYLOAD (stolen) and commits; rolls back on failure. */
gboolean defis__commons_finish(DefisStore *store, gboolean ok, const char *actor,
                               const char *action, json_t *payload, GError **error)
{
    ok = ok && defis_journal_add(store, actor, action, payload, error) &&
         defis_store_commit(store, error);
    json_decref(payload);
    if (!ok)
        defis_store_rollback(store);
    return ok;
}

gboolean defis__commons_check_prefixed(const DefisCommonsFields *f, gboolean adding, GError **error)
{
    const char *field = NULL;
    GError *local = NULL;
    if (defis_commons_check(f, adding, &field, &local))
        return TRUE;
    g_propagate_prefixed_error(error, local, "%s: ", field);
    return FALSE;
}

gint64 defis_commons_add(DefisStore *store, const DefisCommonsFields *f, const char *actor,
                         GError **error)
{
    g_return_val_if_fail(store != NULL && f != NULL && actor != NULL, 0);
    if (!defis__commons_check_prefixed(f, TRUE, error) || !defis_store_begin(store, error))
        return 0;
    gint64 id = add_in(store, f, actor, error);
    g_autofree char *name = g_strstrip(g_strdup(f->name));
    json_t *payload =
        json_pack("{s:I, s:s, s:s, s:s?, s:I, s:s?}", "id", (json_int_t)id, "name", name, "stage",
                  f->stage, "url", defis__commons_nonempty(f->url), "users",
                  (json_int_t)MAX(f->users, 0), "note", defis__commons_nonempty(f->note));
    return defis__commons_finish(store, id > 0, actor, "commons.add", payload, error) ? id : 0;
}

gboolean defis_commons_update(DefisStore *store, const char *key, const DefisCommonsFields *f,
                              const char *actor, GError **error)
{
    g_return_val_if_fail(store != NULL && key != NULL && f != NULL && actor != NULL, FALSE);
    if (!defis__commons_check_prefixed(f, FALSE, error) || !defis_store_begin(store, error))
        return FALSE;
    g_auto(DefisCommonsRow) c = {0};
    json_t *changes = NULL;
    gboolean stage_changed = FALSE;
    gboolean ok = defis__commons_find(store, key, &c, error) &&
                  update_in(store, &c, f, actor, &changes, &stage_changed, error);
    if (ok && json_object_size(changes) == 0) {
        json_decref(changes);
        defis_store_rollback(store); /* nothing to write, nothing to journal */
        return TRUE;
    }
    json_t *payload =
        json_pack("{s:I, s:s?, s:o?}", "id", (json_int_t)c.id, "name", c.name, "changes", changes);
    return defis__commons_finish(store, ok, actor, "commons.update", payload, error);
}

gboolean defis_commons_set_stage(DefisStore *store, const char *key, const char *stage,
                                 const char *note, const char *actor, GError **error)
{
    g_return_val_if_fail(store != NULL && key != NULL && actor != NULL, FALSE);
    DefisCommonsFields f = {.stage = stage, .note = note, .users = -1};
    if (!stage) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID, "stage: a stage is required");
        return FALSE;
    }
    if (!defis__commons_check_prefixed(&f, FALSE, error) || !defis_store_begin(store, error))
        return FALSE;
    g_auto(DefisCommonsRow) c = {0};
    if (!defis__commons_find(store, key, &c, error)) {
        defis_store_rollback(store);
        return FALSE;
    }
    if (strcmp(c.stage, stage) == 0) {
        defis_store_rollback(store);
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_CONFLICT,
                    "commons \"%s\" is at stage %s already", c.name, stage);
        return FALSE;
    }
    json_t *changes = NULL;
    gboolean stage_changed = FALSE;
    gboolean ok = update_in(store, &c, &f, actor, &changes, &stage_changed, error);
    json_decref(changes);
    json_t *payload =
        json_pack("{s:I, s:s, s:s, s:s, s:s?}", "id", (json_int_t)c.id, "name", c.name, "from",
                  c.stage, "to", stage, "note", defis__commons_nonempty(note));
    return defis__commons_finish(store, ok, actor, "commons.stage", payload, error);
}

gboolean defis_commons_import(DefisStore *store, const DefisCommonsFields *rows, gsize n,
                              const char *actor, DefisCommonsImportReport *report, gsize *bad_row,
                              const char **bad_field, GError **error)
{
    g_return_val_if_fail(store != NULL && (rows != NULL || n == 0) && actor != NULL, FALSE);
    DefisCommonsImportReport r = {0};
    g_autoptr(GHashTable) names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (gsize i = 0; i < n; i++) {
        *bad_row = i;
        if (!defis_commons_check(&rows[i], TRUE, bad_field, error))
            return FALSE;
        g_autofree char *name = g_strstrip(g_strdup(rows[i].name));
        char *folded = g_ascii_strdown(name, -1);
        if (!g_hash_table_add(names, folded)) {
            *bad_field = "name";
            g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                        "\"%s\" appears on an earlier row already", name);
            return FALSE;
        }
    }
    if (!defis_store_begin(store, error))
        return FALSE;
    g_autoptr(json_t) touched = json_array();
    for (gsize i = 0; i < n; i++) {
        *bad_row = i;
        *bad_field = "name";
        g_autofree char *name = g_strstrip(g_strdup(rows[i].name));
        g_auto(DefisCommonsRow) c = {0};
        gboolean found = FALSE;
        GError *local = NULL;
        gboolean ok = lookup(store, DEFIS_SQL_COMMONS_BY_NAME, name, 0, &c, &found, &local);
        if (ok && !found) {
            ok = add_in(store, &rows[i], actor, &local) > 0;
            r.added++;
            json_array_append_new(touched, json_string(name));
        } else if (ok) {
            json_t *changes = NULL;
            gboolean stage_changed = FALSE;
            ok = update_in(store, &c, &rows[i], actor, &changes, &stage_changed, &local);
            if (ok && json_object_size(changes) > 0) {
                r.updated++;
                r.stage_changes += stage_changed;
                json_array_append_new(touched, json_string(name));
            } else if (ok) {
                r.unchanged++;
            }
            json_decref(changes);
        }
        if (!ok) {
            /* The engine's messages start with the field's name: keep it apart. */
            const char *colon = strstr(local->message, ": ");
            const char *fields[] = {"name",     "stage", "url", "description",
                                    "keywords", "users", "note"};
            for (guint k = 0; colon && k < G_N_ELEMENTS(fields); k++) {
                if ((gsize)(colon - local->message) == strlen(fields[k]) &&
                    strncmp(local->message, fields[k], strlen(fields[k])) == 0) {
                    *bad_field = fields[k];
                    g_set_error_literal(error, local->domain, local->code, colon + 2);
                    g_clear_error(&local);
                    break;
                }
            }
            if (local)
                g_propagate_error(error, local);
            defis_store_rollback(store);
            return FALSE;
        }
    }
    json_t *payload =
        json_pack("{s:I, s:I, s:I, s:I, s:O}", "added", (json_int_t)r.added, "updated",
                  (json_int_t)r.updated, "unchanged", (json_int_t)r.unchanged, "stage_changes",
                  (json_int_t)r.stage_changes, "names", touched);
    if (!defis__commons_finish(store, TRUE, actor, "commons.import", payload, error))
        return FALSE;
    if (report)
        *report = r;
    return TRUE;
}
