/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* json_survey.c - canonical JSON surveys: parsed, checked field by field, then fed. */
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

json_t *survey_json_load(GInputStream *in, SurveySink *sink, char **title, gint64 *respondents)
{
    *title = NULL;
    *respondents = -1;
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
