/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* json_survey.c - canonical JSON surveys: parsed, checked field by field, then fed. */
#include <stdlib.h>
#include <string.h>

#include "surveys/error.h"
#include "surveys/sink.h"

typedef struct {
    GInputStream *in;
    GError *error;
    guint64 read;
    guint64 max;
} Feed;

static size_t feed_read(void *buffer, size_t size, void *data)
{
    Feed *feed = data;
    gssize n = g_input_stream_read(feed->in, buffer, size, NULL, &feed->error);
    if (n < 0)
        return (size_t)-1;
    feed->read += (guint64)n;
    return (size_t)n;
}

/* Records a problem at PATH unless VALUE is a string of at most MAX bytes with
 * text in it (when REQUIRED) or absent (when not). */
static gboolean check_string(SurveySink *sink, json_t *value, const char *path, gboolean required)
{
    if (!value) {
        if (required)
            survey_sink_problem(sink, 0, 0, path, "missing: %s is required", path);
        return !required;
    }
    if (!json_is_string(value)) {
        survey_sink_problem(sink, 0, 0, path, "must be a string");
        return FALSE;
    }
    if (json_string_length(value) > sink->limits->max_field) {
        survey_sink_problem(sink, 0, 0, path, "longer than %zu bytes", sink->limits->max_field);
        return FALSE;
    }
    if (strlen(json_string_value(value)) != json_string_length(value)) {
        survey_sink_problem(sink, 0, 0, path, "holds a NUL character");
        return FALSE;
    }
    return TRUE;
}

static gboolean check_int(SurveySink *sink, json_t *value, const char *path, json_int_t min,
                          json_int_t max)
{
    if (!value || json_is_null(value))
        return TRUE;
    if (!json_is_integer(value) || json_integer_value(value) < min ||
        json_integer_value(value) > max) {
        survey_sink_problem(sink, 0, 0, path,
                            "must be a whole number from %" JSON_INTEGER_FORMAT
                            " to %" JSON_INTEGER_FORMAT,
                            min, max);
        return FALSE;
    }
    return TRUE;
}

/* Every key of OBJECT must be one of ALLOWED (NULL-terminated). */
static void check_keys(SurveySink *sink, json_t *object, const char *path,
                       const char *const *allowed)
{
    const char *key;
    json_t *value;
    json_object_foreach(object, key, value)
    {
        gboolean known = FALSE;
        for (const char *const *a = allowed; *a && !known; a++)
            known = strcmp(key, *a) == 0;
        if (!known) {
            g_autofree char *joined = g_strjoinv(", ", (char **)allowed);
            survey_sink_problem(sink, 0, 0, path, "unknown field \"%s\" (known: %s)", key,
                                joined);
        }
    }
}

static void check_challenge(SurveySink *sink, json_t *c, const char *path)
{
    static const char *const keys[] = {"text", "theme", "importance", "votes", NULL};
    if (!json_is_object(c)) {
        survey_sink_problem(sink, 0, 0, path, "must be an object {\"text\": …}");
        return;
    }
    check_keys(sink, c, path, keys);
    g_autofree char *text = g_strdup_printf("%s.text", path);
    g_autofree char *theme = g_strdup_printf("%s.theme", path);
    g_autofree char *importance = g_strdup_printf("%s.importance", path);
    g_autofree char *votes = g_strdup_printf("%s.votes", path);
    check_string(sink, json_object_get(c, "text"), text, TRUE);
    json_t *t = json_object_get(c, "theme");
    if (!json_is_null(t))
        check_string(sink, t, theme, FALSE);
    check_int(sink, json_object_get(c, "importance"), importance, 1, 5);
    check_int(sink, json_object_get(c, "votes"), votes, 0, G_MAXINT32);
}

static void check_response(SurveySink *sink, json_t *r, guint64 index)
{
    static const char *const keys[] = {"place", "members", "challenges", NULL};
    g_autofree char *path = g_strdup_printf("responses[%" G_GUINT64_FORMAT "]", index);
    if (!json_is_object(r)) {
        survey_sink_problem(sink, 0, 0, path, "must be an object {\"place\": …, \"challenges\": […]}");
        return;
    }
    check_keys(sink, r, path, keys);
    g_autofree char *place = g_strdup_printf("%s.place", path);
    g_autofree char *members = g_strdup_printf("%s.members", path);
    g_autofree char *challenges = g_strdup_printf("%s.challenges", path);
    json_t *p = json_object_get(r, "place");
    if (check_string(sink, p, place, TRUE) && !survey_has_text(json_string_value(p)))
        survey_sink_problem(sink, 0, 0, place, "empty: every response needs its place");
    check_int(sink, json_object_get(r, "members"), members, 0, G_MAXINT32);
    json_t *list = json_object_get(r, "challenges");
    if (!json_is_array(list)) {
        survey_sink_problem(sink, 0, 0, challenges, "must be an array of challenges");
        return;
    }
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c)
    {
        g_autofree char *item = g_strdup_printf("%s[%zu]", challenges, i);
        check_challenge(sink, c, item);
        if (!survey_sink_go_on(sink))
            return;
    }
}

/* A tool's response: LimeSurvey writes {"1": {"id": "1", …}} or the object itself. */
static json_t *unwrap(json_t *response)
{
    const char *key;
    json_t *value;
    if (json_object_size(response) == 1) {
        json_object_foreach(response, key, value)
        {
            if (json_is_object(value))
                return value;
        }
    }
    return response;
}

/* A survey tool's JSON export: {"responses": [{column: value, …}, …]} without the
 * canonical "challenges" (unless SELECTION names a tool's profile). */
static gboolean tool_shaped(json_t *doc, const SurveySelection *selection)
{
    json_t *responses = json_object_get(doc, "responses");
    if (!json_is_array(responses) || json_array_size(responses) == 0)
        return FALSE;
    json_t *first = json_array_get(responses, 0);
    if (!json_is_object(first))
        return FALSE;
    if (selection->forced)
        return !selection->forced->canonical;
    return !json_object_get(first, "challenges") && !json_object_get(first, "place");
}

static char *cell_text(json_t *value)
{
    if (!value || json_is_null(value))
        return g_strdup("");
    if (json_is_string(value))
        return g_strndup(json_string_value(value), json_string_length(value));
    if (json_is_true(value))
        return g_strdup("true");
    if (json_is_false(value))
        return g_strdup("false");
    char *text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
    char *copy = g_strdup(text ? text : "");
    free(text);
    return copy;
}

/* The responses as a table: the columns in the order they first appear. */
static SurveyTable *tool_table(json_t *doc, SurveySink *sink, const SurveySelection *selection)
{
    json_t *responses = json_object_get(doc, "responses");
    if (json_array_size(responses) > sink->limits->max_rows) {
        g_set_error(&sink->fatal, SURVEY_ERROR, SURVEY_ERROR_TOO_LARGE,
                    "%s: more than %" G_GUINT64_FORMAT " responses: split the survey",
                    sink->report->file, sink->limits->max_rows);
        return NULL;
    }
    g_autoptr(GHashTable) index = g_hash_table_new(g_str_hash, g_str_equal);
    GPtrArray *header = g_ptr_array_new();
    size_t i;
    json_t *r;
    json_array_foreach(responses, i, r)
    {
        const char *key;
        json_t *value;
        if (!json_is_object(r)) {
            g_autofree char *path = g_strdup_printf("responses[%zu]", i);
            survey_sink_problem(sink, 0, 0, path, "must be an object {\"column\": value, …}");
            continue;
        }
        json_object_foreach(unwrap(r), key, value)
        {
            if (!g_hash_table_contains(index, key)) {
                g_hash_table_insert(index, (gpointer)key, GUINT_TO_POINTER(header->len));
                g_ptr_array_add(header, g_strdup(key));
            }
        }
    }
    guint ncols = header->len;
    g_ptr_array_add(header, NULL);
    GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    json_array_foreach(responses, i, r)
    {
        if (!json_is_object(r))
            continue;
        char **row = g_new0(char *, ncols + 1);
        for (guint c = 0; c < ncols; c++) {
            row[c] = cell_text(json_object_get(unwrap(r), g_ptr_array_index(header, c)));
            if (strlen(row[c]) > sink->limits->max_field) {
                g_autofree char *path = g_strdup_printf("responses[%zu].%s", i,
                                                        (char *)g_ptr_array_index(header, c));
                survey_sink_problem(sink, 0, 0, path, "longer than %zu bytes",
                                    sink->limits->max_field);
            }
        }
        g_ptr_array_add(rows, row);
    }
    char **names = (char **)g_ptr_array_free(header, FALSE);
    if (sink->report->problem_count) {
        g_strfreev(names);
        g_ptr_array_unref(rows);
        return NULL;
    }
    return survey_table_open_rows(names, rows, sink, selection);
}

json_t *survey_json_load(GInputStream *in, SurveySink *sink, const SurveySelection *selection,
                         char **title, gint64 *respondents, SurveyTable **table)
{
    *title = NULL;
    *respondents = -1;
    *table = NULL;
    Feed feed = {.in = in, .max = sink->limits->max_file_size};
    json_error_t jerror;
    json_t *doc = json_load_callback(feed_read, &feed, JSON_REJECT_DUPLICATES, &jerror);
    if (feed.error) {
        g_propagate_error(&sink->fatal, feed.error);
        json_decref(doc);
        return NULL;
    }
    if (!doc) {
        survey_sink_problem(sink, (guint64)MAX(jerror.line, 0), (guint64)MAX(jerror.column, 0),
                            NULL, "invalid JSON: %s", jerror.text);
        return NULL;
    }
    static const char *const keys[] = {"survey", "responses", NULL};
    static const char *const survey_keys[] = {"title", "respondents", NULL};
    if (json_is_object(doc) && tool_shaped(doc, selection)) {
        *table = tool_table(doc, sink, selection);
        json_decref(doc);
        return NULL;
    }
    if (!json_is_object(doc)) {
        survey_sink_problem(sink, 1, 1, NULL,
                            "a JSON survey is an object {\"survey\": {…}, \"responses\": […]}");
        json_decref(doc);
        return NULL;
    }
    check_keys(sink, doc, "", keys);
    json_t *survey = json_object_get(doc, "survey");
    if (survey && !json_is_object(survey)) {
        survey_sink_problem(sink, 0, 0, "survey", "must be an object {\"title\": …}");
    } else if (survey) {
        check_keys(sink, survey, "survey", survey_keys);
        json_t *t = json_object_get(survey, "title");
        if (t && !json_is_null(t) && check_string(sink, t, "survey.title", FALSE))
            *title = g_strdup(json_string_value(t));
        json_t *n = json_object_get(survey, "respondents");
        if (check_int(sink, n, "survey.respondents", 0, G_MAXINT32) && json_is_integer(n))
            *respondents = json_integer_value(n);
    }
    json_t *responses = json_object_get(doc, "responses");
    if (!json_is_array(responses)) {
        survey_sink_problem(sink, 0, 0, "responses", "missing: an array of responses is required");
    } else if (json_array_size(responses) == 0) {
        survey_sink_problem(sink, 0, 0, "responses", "empty: nothing to import");
    } else if (json_array_size(responses) > sink->limits->max_rows) {
        g_set_error(&sink->fatal, SURVEY_ERROR, SURVEY_ERROR_TOO_LARGE,
                    "%s: more than %" G_GUINT64_FORMAT " responses: split the survey",
                    sink->report->file, sink->limits->max_rows);
    } else {
        size_t i;
        json_t *r;
        json_array_foreach(responses, i, r)
        {
            check_response(sink, r, i);
            if (!survey_sink_go_on(sink))
                break;
        }
    }
    if (sink->fatal || sink->report->problem_count) {
        json_decref(doc);
        g_clear_pointer(title, g_free);
        return NULL;
    }
    return doc;
}

static gint64 optional_int(json_t *object, const char *key, gint64 absent)
{
    json_t *v = json_object_get(object, key);
    return json_is_integer(v) ? json_integer_value(v) : absent;
}

void survey_json_feed(json_t *doc, SurveySink *sink)
{
    json_t *responses = json_object_get(doc, "responses");
    size_t i;
    json_t *r;
    json_array_foreach(responses, i, r)
    {
        sink->report->rows++;
        json_t *list = json_object_get(r, "challenges");
        size_t j;
        json_t *c;
        json_array_foreach(list, j, c)
        {
            const char *text = json_string_value(json_object_get(c, "text"));
            if (!survey_has_text(text)) {
                sink->report->skipped++;
                continue;
            }
            /* The raw row: the response with this one challenge. */
            g_autoptr(json_t) raw = json_deep_copy(r);
            json_object_del(raw, "challenges");
            json_object_set(raw, "challenge", c);
            g_autofree char *raw_text = json_dumps(raw, JSON_COMPACT | JSON_PRESERVE_ORDER);
            DefisMentionIn mention = {
                .line = (gint64)i + 1,
                .place = json_string_value(json_object_get(r, "place")),
                .text = text,
                .theme = json_string_value(json_object_get(c, "theme")),
                .importance = (int)optional_int(c, "importance", 0),
                .members = optional_int(r, "members", -1),
                .votes = optional_int(c, "votes", -1),
                .raw_json = raw_text,
            };
            if (!survey_sink_mention(sink, &mention))
                return;
        }
    }
}
