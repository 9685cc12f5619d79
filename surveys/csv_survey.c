/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* csv_survey.c - canonical CSV surveys: the header, the long and wide shapes, each row checked. */
#include <stdio.h>
#include <string.h>

#include "surveys/csv.h"
#include "surveys/error.h"
#include "surveys/sink.h"

/* Where one challenge of a row sits: the long shape has one slot (`challenge`),
 * the wide shape one per `challenge_N`, each with its optional `theme_N` and
 * `importance_N` (falling back to `theme` and `importance`). */
typedef struct {
    int challenge;
    int theme;
    int importance;
    guint number;
} Slot;

typedef struct {
    guint ncols;
    char **names; /* as written, trimmed */
    char **keys;  /* unique names for the raw row */
    int place, theme, importance, members, votes;
    GArray *slots; /* of Slot, by number */
} Header;

static void header_clear(Header *h)
{
    g_strfreev(h->names);
    g_strfreev(h->keys);
    if (h->slots)
        g_array_unref(h->slots);
}

/* Splits "challenge_12" into BASE "challenge" and 12; returns FALSE without a number. */
static gboolean numbered(const char *name, const char *base, guint *number)
{
    gsize n = strlen(base);
    if (g_ascii_strncasecmp(name, base, n) != 0 || name[n] != '_' || !g_ascii_isdigit(name[n + 1]))
        return FALSE;
    gint64 v;
    if (!survey_parse_int(name + n + 1, 1, 1000, &v))
        return FALSE;
    *number = (guint)v;
    return TRUE;
}

static Slot *slot_for(Header *h, guint number)
{
    for (guint i = 0; i < h->slots->len; i++) {
        Slot *s = &g_array_index(h->slots, Slot, i);
        if (s->number == number)
            return s;
    }
    Slot s = {-1, -1, -1, number};
    g_array_append_val(h->slots, s);
    return &g_array_index(h->slots, Slot, h->slots->len - 1);
}

static int compare_slots(gconstpointer a, gconstpointer b)
{
    const Slot *x = a, *y = b;
    return (x->number > y->number) - (x->number < y->number);
}

static gboolean set_column(SurveySink *sink, SurveyCsv *csv, int *column, guint index,
                           const char *name)
{
    if (*column >= 0) {
        guint64 line, col;
        survey_csv_field_position(csv, index, &line, &col);
        survey_sink_problem(sink, line, col, name,
                            "column \"%s\" appears twice (columns %d and %u): keep one", name,
                            *column + 1, index + 1);
        return FALSE;
    }
    *column = (int)index;
    return TRUE;
}

static gboolean read_header(SurveyCsv *csv, char **fields, guint n, SurveySink *sink, Header *h)
{
    h->ncols = n;
    h->names = g_new0(char *, n + 1);
    h->keys = g_new0(char *, n + 1);
    h->place = h->theme = h->importance = h->members = h->votes = -1;
    h->slots = g_array_new(FALSE, FALSE, sizeof(Slot));
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    gboolean ok = TRUE;
    for (guint i = 0; i < n; i++) {
        char *name = g_strstrip(g_strdup(fields[i]));
        h->names[i] = name;
        h->keys[i] = g_hash_table_contains(seen, name)
                         ? g_strdup_printf("%s (column %u)", name, i + 1)
                         : g_strdup(name);
        g_hash_table_add(seen, h->keys[i]);
        guint number;
        if (g_ascii_strcasecmp(name, "place") == 0)
            ok &= set_column(sink, csv, &h->place, i, "place");
        else if (g_ascii_strcasecmp(name, "challenge") == 0)
            ok &= set_column(sink, csv, &slot_for(h, 0)->challenge, i, "challenge");
        else if (g_ascii_strcasecmp(name, "theme") == 0)
            ok &= set_column(sink, csv, &h->theme, i, "theme");
        else if (g_ascii_strcasecmp(name, "importance") == 0)
            ok &= set_column(sink, csv, &h->importance, i, "importance");
        else if (g_ascii_strcasecmp(name, "members") == 0)
            ok &= set_column(sink, csv, &h->members, i, "members");
        else if (g_ascii_strcasecmp(name, "votes") == 0)
            ok &= set_column(sink, csv, &h->votes, i, "votes");
        else if (numbered(name, "challenge", &number))
            ok &= set_column(sink, csv, &slot_for(h, number)->challenge, i, name);
        else if (numbered(name, "theme", &number))
            ok &= set_column(sink, csv, &slot_for(h, number)->theme, i, name);
        else if (numbered(name, "importance", &number))
            ok &= set_column(sink, csv, &slot_for(h, number)->importance, i, name);
    }
    g_autofree char *listed = g_strjoinv("\", \"", h->names);
    if (h->place < 0) {
        survey_sink_problem(sink, 1, 1, "place",
                            "missing column \"place\" (the header has \"%s\"): name the column "
                            "that identifies the answering place \"place\"",
                            listed);
        ok = FALSE;
    }
    for (guint i = 0; i < h->slots->len; i++) {
        Slot *s = &g_array_index(h->slots, Slot, i);
        if (s->challenge < 0) {
            survey_sink_problem(sink, 1, 1, "challenge",
                                "column theme_%u or importance_%u has no challenge_%u", s->number,
                                s->number, s->number);
            ok = FALSE;
        }
    }
    if (h->slots->len == 0) {
        survey_sink_problem(sink, 1, 1, "challenge",
                            "missing column \"challenge\" (the header has \"%s\"): name the "
                            "column of free-text challenges \"challenge\", or challenge_1, "
                            "challenge_2… for one column per challenge",
                            listed);
        ok = FALSE;
    }
    g_array_sort(h->slots, compare_slots);
    return ok;
}

/* The reader's messages read "FILE:LINE:COLUMN: text": split them for the report. */
static void csv_problem(SurveySink *sink, const GError *error)
{
    const char *msg = error->message;
    const char *file = sink->report->file;
    guint64 line = 0, column = 0;
    int consumed = 0;
    if (g_str_has_prefix(msg, file) && msg[strlen(file)] == ':' &&
        sscanf(msg + strlen(file) + 1, "%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT ": %n", &line,
               &column, &consumed) == 2 &&
        consumed > 0)
        msg += strlen(file) + 1 + consumed;
    survey_sink_problem(sink, line, column, NULL, "%s", msg);
}

static const char *optional(char **fields, int column)
{
    if (column < 0 || !survey_has_text(fields[column]))
        return NULL;
    return fields[column];
}

/* Checks an optional integer cell; returns FALSE after recording a problem. */
static gboolean int_cell(SurveySink *sink, SurveyCsv *csv, Header *h, char **fields, int column,
                         gint64 min, gint64 max, gint64 *value)
{
    const char *text = optional(fields, column);
    if (!text)
        return TRUE;
    if (survey_parse_int(text, min, max, value))
        return TRUE;
    guint64 line, col;
    survey_csv_field_position(csv, (guint)column, &line, &col);
    survey_sink_problem(sink, line, col, h->names[column],
                        "\"%s\" is not a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                        text, min, max);
    return FALSE;
}

static void raw_row(GString *raw, Header *h, char **fields)
{
    g_string_truncate(raw, 0);
    g_string_append_c(raw, '{');
    for (guint i = 0; i < h->ncols; i++) {
        if (i)
            g_string_append_c(raw, ',');
        survey_json_string(raw, h->keys[i]);
        g_string_append_c(raw, ':');
        survey_json_string(raw, fields[i]);
    }
    g_string_append_c(raw, '}');
}

static gboolean all_empty(char **fields, guint n)
{
    for (guint i = 0; i < n; i++)
        if (fields[i][0])
            return FALSE;
    return TRUE;
}

static void read_row(SurveySink *sink, SurveyCsv *csv, Header *h, char **fields, GString *raw)
{
    guint64 line = survey_csv_line(csv), col;
    if (sink->ingest)
        raw_row(raw, h, fields);
    const char *place = optional(fields, h->place);
    if (!place) {
        survey_csv_field_position(csv, (guint)h->place, &line, &col);
        survey_sink_problem(sink, line, col, h->names[h->place],
                            "empty place: every row needs the place that answered");
        return;
    }
    place = g_strstrip(fields[h->place]);
    gint64 members = -1, votes = -1, importance = 0;
    gboolean ok = int_cell(sink, csv, h, fields, h->members, 0, G_MAXINT32, &members);
    ok &= int_cell(sink, csv, h, fields, h->votes, 0, G_MAXINT32, &votes);
    ok &= int_cell(sink, csv, h, fields, h->importance, 1, 5, &importance);
    for (guint i = 0; i < h->slots->len; i++) {
        Slot *s = &g_array_index(h->slots, Slot, i);
        gint64 own = importance;
        if (s->importance >= 0) {
            own = 0;
            ok &= int_cell(sink, csv, h, fields, s->importance, 1, 5, &own);
        }
        const char *text = optional(fields, s->challenge);
        if (!text) {
            sink->report->skipped++;
            continue;
        }
        if (!ok)
            continue;
        const char *theme = optional(fields, s->theme);
        DefisMentionIn mention = {
            .line = (gint64)line,
            .place = place,
            .text = fields[s->challenge],
            .theme = theme ? theme : optional(fields, h->theme),
            .importance = (int)(own ? own : importance),
            .members = members,
            .votes = votes,
            .raw_json = raw->str,
        };
        if (!survey_sink_mention(sink, &mention))
            return;
    }
}

void survey_csv_read(GInputStream *in, SurveySink *sink)
{
    SurveyReport *report = sink->report;
    SurveyCsvOptions options = {.max_field = sink->limits->max_field, .max_fields = 10000};
    g_autoptr(SurveyCsv) csv = survey_csv_new(in, report->file, &options);
    Header header = {0};
    g_autoptr(GString) raw = g_string_sized_new(1024);
    char **fields;
    guint n;
    GError *error = NULL;
    gboolean have_header = FALSE;

    while (survey_sink_go_on(sink)) {
        gboolean more = survey_csv_next(csv, &fields, &n, &error);
        if (error) {
            if (g_error_matches(error, SURVEY_ERROR, SURVEY_ERROR_IO)) {
                g_propagate_error(&sink->fatal, error);
                break;
            }
            csv_problem(sink, error);
            g_clear_error(&error);
            if (!have_header)
                break;
            continue;
        }
        if (!more)
            break;
        if (!have_header) {
            have_header = TRUE;
            char delimiter[2] = {survey_csv_delimiter(csv), 0};
            report->delimiter = g_strdup(delimiter);
            if (!read_header(csv, fields, n, sink, &header))
                break;
            report->shape = g_strdup(header.slots->len == 1 &&
                                             g_array_index(header.slots, Slot, 0).number == 0
                                         ? "long"
                                         : "wide");
            continue;
        }
        if (all_empty(fields, n))
            continue;
        report->rows++;
        if ((guint64)report->rows > sink->limits->max_rows) {
            g_set_error(&sink->fatal, SURVEY_ERROR, SURVEY_ERROR_TOO_LARGE,
                        "%s:%" G_GUINT64_FORMAT ": more than %" G_GUINT64_FORMAT
                        " rows: split the survey into several files",
                        report->file, survey_csv_line(csv), sink->limits->max_rows);
            break;
        }
        if (n != header.ncols) {
            guint64 line, col;
            survey_csv_field_position(csv, MIN(n, header.ncols) - 1, &line, &col);
            survey_sink_problem(sink, line, col, NULL,
                                "this row has %u field%s, the header has %u: check the "
                                "delimiters and quotes of this row",
                                n, n == 1 ? "" : "s", header.ncols);
            continue;
        }
        read_row(sink, csv, &header, fields, raw);
    }
    if (!have_header && report->problem_count == 0 && !sink->fatal)
        survey_sink_problem(sink, 1, 1, NULL,
                            "the file is empty: a CSV survey needs a header row (place, "
                            "challenge…) and one row per challenge");
    else if (have_header && report->rows == 0 && report->problem_count == 0 && !sink->fatal)
        survey_sink_problem(sink, 2, 1, NULL,
                            "the file has a header but no rows: nothing to import");
    header_clear(&header);
}
