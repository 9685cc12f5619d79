/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* commons_file.c - the catalogue of commons as a file: JSON and CSV in, CSV out. */
#include "api/commons_file.h"

#include <gio/gio.h>
#include <string.h>

#include "api/cli.h"
#include "engine/error.h"
#include "surveys/csv.h"

/* The fields of a row, in this order everywhere. */
enum { F_NAME, F_STAGE, F_URL, F_DESCRIPTION, F_KEYWORDS, F_USERS, F_NOTE, F_COUNT };
static const char *const field_names[F_COUNT] = {"name",     "stage", "url", "description",
                                                 "keywords", "users", "note"};

typedef struct {
    guint64 line;             /* CSV: the row's line; JSON: 0 */
    guint64 column[F_COUNT];  /* CSV: the column of each field, 0 when absent */
} Place;

struct ApiCommonsFile {
    char *path;
    gboolean json;
    GArray *rows;   /* DefisCommonsFields, strings in CHUNK */
    GArray *places; /* Place, one per row */
    GStringChunk *chunk;
};

void api_commons_file_free(ApiCommonsFile *file)
{
    if (!file)
        return;
    g_free(file->path);
    g_array_unref(file->rows);
    g_array_unref(file->places);
    g_string_chunk_free(file->chunk);
    g_free(file);
}

static int field_index(const char *name)
{
    for (int i = 0; i < F_COUNT; i++)
        if (g_strcmp0(name, field_names[i]) == 0)
            return i;
    return -1;
}

/* Where field FIELD of row I is, as a message prefix. Caller frees. */
static char *where(const ApiCommonsFile *file, gsize i, const char *field)
{
    const Place *p = &g_array_index(file->places, Place, i);
    if (file->json)
        return g_strdup_printf("%s: commons[%zu].%s", file->path, i, field);
    int k = field_index(field);
    guint64 column = k >= 0 && p->column[k] ? p->column[k] : 1;
    return g_strdup_printf("%s:%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT ": %s", file->path,
                           p->line, column, field);
}

static void check_rows(ApiCommonsFile *file, GPtrArray *problems)
{
    for (guint i = 0; i < file->rows->len; i++) {
        const char *field = NULL;
        GError *error = NULL;
        if (!defis_commons_check(&g_array_index(file->rows, DefisCommonsFields, i), TRUE, &field,
                                 &error)) {
            g_autofree char *at = where(file, i, field ? field : "name");
            g_ptr_array_add(problems, g_strdup_printf("%s: %s", at, error->message));
            g_error_free(error);
        }
    }
}

/* ---- CSV ---------------------------------------------------------------------- */

static gboolean parse_users(const char *text, gint64 *users)
{
    if (!*text) {
        *users = 0;
        return TRUE;
    }
    return g_ascii_string_to_signed(text, 10, 0, G_MAXINT64, users, NULL);
}

static void read_csv(ApiCommonsFile *file, GInputStream *in, GPtrArray *problems)
{
    g_autoptr(SurveyCsv) csv = survey_csv_new(in, file->path, NULL);
    char **fields = NULL;
    guint n = 0;
    GError *error = NULL;
    int map[256];
    guint columns = 0;
    gboolean header = TRUE;
    for (;;) {
        if (!survey_csv_next(csv, &fields, &n, &error)) {
            if (!error)
                break;
            g_ptr_array_add(problems, g_strdup(error->message));
            g_clear_error(&error);
            continue;
        }
        guint64 line = survey_csv_line(csv);
        if (header) {
            header = FALSE;
            gboolean seen[F_COUNT] = {FALSE};
            columns = MIN(n, G_N_ELEMENTS(map));
            for (guint j = 0; j < columns; j++) {
                g_autofree char *name = g_ascii_strdown(g_strstrip(fields[j]), -1);
                map[j] = field_index(name);
                if (map[j] < 0 || seen[map[j]])
                    g_ptr_array_add(problems,
                                    g_strdup_printf("%s:%" G_GUINT64_FORMAT ":%u: header: %s "
                                                    "column \"%s\": expected name, stage, url, "
                                                    "description, keywords, users or note",
                                                    file->path, line, j + 1,
                                                    map[j] < 0 ? "unknown" : "repeated",
                                                    fields[j]));
                else
                    seen[map[j]] = TRUE;
            }
            if (!seen[F_NAME] || !seen[F_STAGE])
                g_ptr_array_add(problems,
                                g_strdup_printf("%s:%" G_GUINT64_FORMAT
                                                ":1: header: the columns name and stage are "
                                                "required",
                                                file->path, line));
            continue;
        }
        if (n == 1 && !*fields[0])
            continue; /* an empty line */
        DefisCommonsFields row = {.users = -1};
        Place place = {.line = line};
        for (guint j = 0; j < n; j++) {
            guint64 l, column;
            survey_csv_field_position(csv, j, &l, &column);
            if (j >= columns) {
                if (*fields[j])
                    g_ptr_array_add(problems,
                                    g_strdup_printf("%s:%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT
                                                    ": a value past the last column",
                                                    file->path, l, column));
                continue;
            }
            if (map[j] < 0)
                continue;
            place.column[map[j]] = column;
            const char *value = g_string_chunk_insert(file->chunk, fields[j]);
            switch (map[j]) {
            case F_NAME: row.name = value; break;
            case F_STAGE: row.stage = value; break;
            case F_URL: row.url = value; break;
            case F_DESCRIPTION: row.description = value; break;
            case F_KEYWORDS: row.keywords = value; break;
            case F_NOTE: row.note = value; break;
            case F_USERS:
                if (!parse_users(g_strstrip(fields[j]), &row.users)) {
                    g_ptr_array_add(problems,
                                    g_strdup_printf("%s:%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT
                                                    ": users: \"%s\" is not a whole number >= 0",
                                                    file->path, l, column, fields[j]));
                    row.users = 0;
                }
                break;
            }
        }
        /* Columns of the header missing from a short row are empty cells. */
        for (guint j = n; j < columns; j++) {
            if (map[j] == F_USERS)
                row.users = 0;
            else if (map[j] >= 0) {
                const char **slot[] = {&row.name,     &row.stage, &row.url, &row.description,
                                       &row.keywords, NULL,       &row.note};
                *slot[map[j]] = "";
            }
        }
        g_array_append_val(file->rows, row);
        g_array_append_val(file->places, place);
    }
    if (header)
        g_ptr_array_add(problems, g_strdup_printf("%s:1:1: header: the file is empty: expected "
                                                  "a header row with name and stage",
                                                  file->path));
}

/* ---- JSON ------------------------------------------------------------------------ */

static void read_json(ApiCommonsFile *file, GPtrArray *problems)
{
    json_error_t e;
    g_autoptr(json_t) root = json_load_file(file->path, JSON_REJECT_DUPLICATES, &e);
    if (!root) {
        g_ptr_array_add(problems, g_strdup_printf("%s:%d:%d: %s", file->path, e.line, e.column,
                                                  e.text));
        return;
    }
    json_t *list = root;
    if (json_is_object(root)) {
        list = json_object_get(root, "commons");
        const char *key;
        json_t *value;
        json_object_foreach(root, key, value)
            if (strcmp(key, "commons") != 0)
                g_ptr_array_add(problems, g_strdup_printf("%s: %s: unknown field: expected "
                                                          "\"commons\"",
                                                          file->path, key));
    }
    if (!json_is_array(list)) {
        g_ptr_array_add(problems, g_strdup_printf("%s: commons: expected an array of commons",
                                                  file->path));
        return;
    }
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        DefisCommonsFields row = {.users = -1};
        Place place = {0};
        if (!json_is_object(item)) {
            g_ptr_array_add(problems, g_strdup_printf("%s: commons[%zu]: expected an object",
                                                      file->path, i));
            continue;
        }
        const char *key;
        json_t *value;
        json_object_foreach(item, key, value)
        {
            int k = field_index(key);
            const char *problem = NULL;
            if (k < 0) {
                problem = "unknown field: expected name, stage, url, description, keywords, "
                          "users or note";
            } else if (k == F_USERS) {
                if (json_is_null(value))
                    row.users = 0;
                else if (json_is_integer(value))
                    row.users = json_integer_value(value);
                else
                    problem = "expected a whole number >= 0";
            } else if (k == F_KEYWORDS && json_is_array(value)) {
                g_autoptr(GString) joined = g_string_new(NULL);
                size_t j;
                json_t *w;
                json_array_foreach(value, j, w)
                {
                    if (!json_is_string(w))
                        problem = "expected a string or an array of strings";
                    else
                        g_string_append_printf(joined, "%s%s", j ? ", " : "",
                                               json_string_value(w));
                }
                row.keywords = g_string_chunk_insert(file->chunk, joined->str);
            } else if (json_is_string(value) || json_is_null(value)) {
                const char *text = g_string_chunk_insert(
                    file->chunk, json_is_null(value) ? "" : json_string_value(value));
                const char **slot[] = {&row.name,     &row.stage, &row.url, &row.description,
                                       &row.keywords, NULL,       &row.note};
                *slot[k] = text;
            } else {
                problem = "expected a string";
            }
            if (problem)
                g_ptr_array_add(problems, g_strdup_printf("%s: commons[%zu].%s: %s",
                                                          file->path, i, key, problem));
        }
        g_array_append_val(file->rows, row);
        g_array_append_val(file->places, place);
    }
}

ApiCommonsFile *api_commons_file_read(const char *path, gboolean json, GPtrArray *problems)
{
    g_return_val_if_fail(path != NULL && problems != NULL, NULL);
    g_autoptr(GFile) gfile = g_file_new_for_path(path);
    GError *error = NULL;
    g_autoptr(GFileInputStream) in = g_file_read(gfile, NULL, &error);
    if (!in) {
        g_ptr_array_add(problems, g_strdup_printf("%s: cannot read: %s", path, error->message));
        g_error_free(error);
        return NULL;
    }
    ApiCommonsFile *file = g_new0(ApiCommonsFile, 1);
    file->path = g_strdup(path);
    file->json = json;
    file->rows = g_array_new(FALSE, TRUE, sizeof(DefisCommonsFields));
    file->places = g_array_new(FALSE, TRUE, sizeof(Place));
    file->chunk = g_string_chunk_new(4096);
    guint before = problems->len;
    if (json)
        read_json(file, problems);
    else
        read_csv(file, G_INPUT_STREAM(in), problems);
    if (problems->len == before)
        check_rows(file, problems);
    return file;
}

gboolean api_commons_file_import(ApiCommonsFile *file, DefisStore *store, const char *actor,
                                 DefisCommonsImportReport *report, GError **error)
{
    gsize bad_row = 0;
    const char *bad_field = NULL;
    GError *local = NULL;
    if (defis_commons_import(store, (DefisCommonsFields *)(void *)file->rows->data,
                             file->rows->len, actor, report, &bad_row, &bad_field, &local))
        return TRUE;
    if (bad_field && bad_row < file->rows->len) {
        g_autofree char *at = where(file, bad_row, bad_field);
        g_propagate_prefixed_error(error, local, "%s: ", at);
    } else {
        g_propagate_error(error, local);
    }
    return FALSE;
}

char *api_commons_file_csv(json_t *catalogue)
{
    GString *out = g_string_new("name,stage,url,description,keywords,users\n");
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(catalogue, "commons"), i, c)
    {
        api_csv_field(out, json_string_value(json_object_get(c, "name")));
        g_string_append_printf(out, ",%s,", json_string_value(json_object_get(c, "stage")));
        api_csv_field(out, json_string_value(json_object_get(c, "url")));
        g_string_append_c(out, ',');
        api_csv_field(out, json_string_value(json_object_get(c, "description")));
        g_string_append_c(out, ',');
        g_autoptr(GString) keywords = g_string_new(NULL);
        size_t j;
        json_t *k;
        json_array_foreach(json_object_get(c, "keywords"), j, k)
            g_string_append_printf(keywords, "%s%s", j ? ", " : "", json_string_value(k));
        api_csv_field(out, keywords->str);
        g_string_append_printf(out, ",%" JSON_INTEGER_FORMAT "\n",
                               json_integer_value(json_object_get(c, "users")));
    }
    return g_string_free(out, FALSE);
}
