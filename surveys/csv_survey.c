/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* csv_survey.c - tabular surveys read through a profile: the header rows, the
 * mapping, each row checked; the canonical CSV and every survey tool's export. */
#include <stdio.h>
#include <string.h>

#include "surveys/csv.h"
#include "surveys/error.h"
#include "surveys/sink.h"

/* Rows a survey-tool profile looks at before deciding which columns are what. */
#define SAMPLE_ROWS 200

/* A record read ahead (the header rows, the sample), or a malformed one. */
typedef struct {
    char **fields; /* N strings, NULL-terminated */
    guint n;
    guint64 line;
    guint64 *positions; /* line, column of each field; NULL: column unknown (JSON) */
    GError *error;
} Ahead;

static void ahead_free(Ahead *a)
{
    if (!a)
        return;
    g_strfreev(a->fields);
    g_free(a->positions);
    if (a->error)
        g_error_free(a->error);
    g_free(a);
}

/* A mention waiting for the rows folded into it (CONSUL: one row per comment). */
typedef struct {
    DefisMentionIn in;
    char *place, *text, *theme;
} Pending;

static void pending_free(gpointer data)
{
    Pending *p = data;
    g_free(p->place);
    g_free(p->text);
    g_free(p->theme);
    g_free(p);
}

struct SurveyTable {
    SurveyCsv *csv; /* NULL: every row is in AHEAD */
    GQueue ahead;   /* of Ahead, read but not yet processed */
    Ahead *current; /* the row being processed, when it came from AHEAD */
    SurveyMapping mapping;
    gboolean ready; /* a header was read and mapped without problems */
    guint64 header_line;
    GString *raw, *place, *theme;
    /* Folding */
    GString *fold_key;
    GString *fold_raw; /* the folded group's first row, then ',"_folded_rows":[…' */
    guint folded;
    GPtrArray *pending; /* of Pending */
};

void survey_table_free(SurveyTable *t)
{
    if (!t)
        return;
    if (t->csv)
        survey_csv_free(t->csv);
    g_queue_clear_full(&t->ahead, (GDestroyNotify)ahead_free);
    ahead_free(t->current);
    survey_mapping_clear(&t->mapping);
    g_string_free(t->raw, TRUE);
    g_string_free(t->place, TRUE);
    g_string_free(t->theme, TRUE);
    g_string_free(t->fold_key, TRUE);
    g_string_free(t->fold_raw, TRUE);
    g_ptr_array_unref(t->pending);
    g_free(t);
}

static SurveyTable *table_new(void)
{
    SurveyTable *t = g_new0(SurveyTable, 1);
    g_queue_init(&t->ahead);
    t->raw = g_string_sized_new(1024);
    t->place = g_string_new(NULL);
    t->theme = g_string_new(NULL);
    t->fold_key = g_string_new(NULL);
    t->fold_raw = g_string_new(NULL);
    t->pending = g_ptr_array_new_with_free_func(pending_free);
    return t;
}

/* ---- Rows, live or read ahead -------------------------------------------- */

static gboolean next_row(SurveyTable *t, char ***fields, guint *n, GError **error)
{
    if (G_UNLIKELY(t->current || !g_queue_is_empty(&t->ahead))) {
        g_clear_pointer(&t->current, ahead_free);
        t->current = g_queue_pop_head(&t->ahead);
        if (t->current) {
            if (t->current->error) {
                g_propagate_error(error, g_steal_pointer(&t->current->error));
                return FALSE;
            }
            *fields = t->current->fields;
            *n = t->current->n;
            return TRUE;
        }
    }
    return t->csv && survey_csv_next(t->csv, fields, n, error);
}

static guint64 row_line(const SurveyTable *t)
{
    return t->current ? t->current->line : survey_csv_line(t->csv);
}

static void field_position(const SurveyTable *t, guint index, guint64 *line, guint64 *column)
{
    if (!t->current) {
        survey_csv_field_position(t->csv, index, line, column);
        return;
    }
    *line = t->current->line;
    *column = 0;
    if (t->current->positions && index < t->current->n) {
        *line = t->current->positions[2 * index];
        *column = t->current->positions[2 * index + 1];
    }
}

/* Reads one more record from the CSV into AHEAD. FALSE at the end or on an I/O
 * error (then SINK->fatal is set). */
static gboolean read_ahead(SurveyTable *t, SurveySink *sink)
{
    char **fields;
    guint n;
    GError *error = NULL;
    Ahead *a = g_new0(Ahead, 1);
    if (!survey_csv_next(t->csv, &fields, &n, &error)) {
        if (!error || g_error_matches(error, SURVEY_ERROR, SURVEY_ERROR_IO)) {
            if (error)
                g_propagate_error(&sink->fatal, error);
            g_free(a);
            return FALSE;
        }
        a->error = error;
        a->line = survey_csv_line(t->csv);
        g_queue_push_tail(&t->ahead, a);
        return TRUE;
    }
    a->n = n;
    a->fields = g_new(char *, n + 1);
    a->positions = g_new(guint64, 2 * n);
    for (guint i = 0; i < n; i++) {
        a->fields[i] = g_strdup(fields[i]);
        survey_csv_field_position(t->csv, i, &a->positions[2 * i], &a->positions[2 * i + 1]);
    }
    a->fields[n] = NULL;
    a->line = survey_csv_line(t->csv);
    g_queue_push_tail(&t->ahead, a);
    return TRUE;
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

/* A row of hashtags under the header (HXL, as KoboToolbox writes): every
 * non-empty cell starts with PREFIX. */
static gboolean tag_row(char **fields, guint n, const char *prefix)
{
    gboolean any = FALSE;
    for (guint i = 0; i < n; i++) {
        if (!fields[i][0])
            continue;
        if (!g_str_has_prefix(fields[i], prefix))
            return FALSE;
        any = TRUE;
    }
    return any;
}

static gboolean all_empty(char **fields, guint n)
{
    for (guint i = 0; i < n; i++)
        if (fields[i][0])
            return FALSE;
    return TRUE;
}

/* ---- Choosing the profile ------------------------------------------------ */

typedef struct {
    SurveyTable *table;
    SurveySink *sink;
    const Ahead *header;
} ProblemTarget;

static void mapping_problem(void *data, guint column, const char *field, const char *message)
{
    ProblemTarget *target = data;
    const Ahead *h = target->header;
    guint64 line = h->line, col = h->line ? 1 : 0;
    if (h->positions && column < h->n) {
        line = h->positions[2 * column];
        col = h->positions[2 * column + 1];
    }
    survey_sink_problem(target->sink, line, col, field, "%s", message);
}

/* The best profile for the rows read ahead; canonical wins ties, then the name. */
static const SurveyProfile *detect(SurveyTable *t, const SurveySelection *sel)
{
    const SurveyProfile *best = NULL;
    guint best_score = 0;
    for (guint i = 0; sel->profiles && i < sel->profiles->len; i++) {
        const SurveyProfile *p = g_ptr_array_index(sel->profiles, i);
        const Ahead *row = g_queue_peek_nth(&t->ahead, p->header_row - 1);
        if (!row || row->error)
            continue;
        guint score = survey_profile_score(p, row->fields, row->n);
        if (score > best_score) {
            best = p;
            best_score = score;
        }
    }
    return best;
}

static void choose(SurveyTable *t, SurveySink *sink, const SurveySelection *sel)
{
    SurveyReport *report = sink->report;
    const SurveyProfile *profile = sel->forced;
    const char *how = sel->forced_how ? sel->forced_how : "given";
    if (!profile) {
        profile = detect(t, sel);
        how = "detected";
    }
    if (!profile) {
        profile = survey_profiles_find(sel->profiles, "canonical");
        how = "default";
    }
    g_assert(profile);
    report->profile = g_strdup(profile->name);
    report->tool = g_strdup(profile->tool);
    report->profile_choice = g_strdup(how);
    report->header_row = profile->header_row;

    /* The rows above the header: a title, the question names of option columns. */
    char **groups = NULL;
    Ahead *group_row = NULL;
    for (guint r = 1; r < profile->header_row; r++) {
        Ahead *a = g_queue_pop_head(&t->ahead);
        if (a && a->error) {
            csv_problem(sink, a->error);
            ahead_free(a);
            return;
        }
        if (r == profile->group_row)
            group_row = a;
        else
            ahead_free(a);
    }
    g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func((GDestroyNotify)ahead_free);
    if (group_row)
        g_ptr_array_add(keep, group_row);
    Ahead *header = g_queue_pop_head(&t->ahead);
    if (!header) {
        survey_sink_problem(sink, 1, 1, NULL,
                            "the file is empty: a CSV survey needs a header row (place, "
                            "challenge…) and one row per challenge");
        return;
    }
    g_ptr_array_add(keep, header);
    if (header->error) {
        csv_problem(sink, header->error);
        return;
    }
    t->header_line = header->line;

    /* A survey tool's export: a sample of rows tells option and free-text columns. */
    g_autoptr(GPtrArray) sample = g_ptr_array_new();
    if (!profile->canonical) {
        while (t->csv && g_queue_get_length(&t->ahead) < SAMPLE_ROWS && read_ahead(t, sink))
            ;
        for (GList *l = t->ahead.head; l; l = l->next) {
            Ahead *a = l->data;
            if (!a->error && a->n == header->n &&
                !(profile->skip_prefix && tag_row(a->fields, a->n, profile->skip_prefix)))
                g_ptr_array_add(sample, a->fields);
        }
    }
    if (group_row && group_row->n < header->n) {
        /* Short group rows are padded with empty cells. */
        char **padded = g_new0(char *, header->n + 1);
        for (guint i = 0; i < header->n; i++)
            padded[i] = g_strdup(i < group_row->n ? group_row->fields[i] : "");
        g_strfreev(group_row->fields);
        group_row->fields = padded;
        group_row->n = header->n;
    }
    if (group_row)
        groups = group_row->fields;

    ProblemTarget target = {t, sink, header};
    t->ready = survey_mapping_resolve(&t->mapping, profile, header->fields, header->n, groups,
                                      sample, sel->maps, sel->n_maps, mapping_problem, &target);
    if (t->mapping.slots && profile->canonical)
        report->shape = g_strdup(profile->canonical && t->mapping.slots->len == 1 &&
                                         g_array_index(t->mapping.slots, SurveySlot, 0).number == 0
                                     ? "long"
                                     : "wide");
    report->mapping = survey_mapping_to_json(&t->mapping);
    if (!t->ready && g_strcmp0(how, "default") == 0 && sel->profiles) {
        /* Tell an unknown export's owner what else exists. */
        GString *names = g_string_new(NULL);
        for (guint i = 0; i < sel->profiles->len; i++) {
            const SurveyProfile *p = g_ptr_array_index(sel->profiles, i);
            g_string_append_printf(names, "%s%s", i ? ", " : "", p->name);
        }
        survey_sink_problem(sink, header->line, 1, NULL,
                            "no survey-tool profile recognised this header: if the file is a "
                            "tool's export, name its profile with --profile NAME (%s) or a "
                            "profile file, or map its columns with --map FIELD=COLUMN; "
                            "`defis import --dry-run` shows what is found",
                            names->str);
        g_string_free(names, TRUE);
    }
}

static char sniff_delimiter(GBufferedInputStream *in);

SurveyTable *survey_table_open_csv(GInputStream *in, SurveySink *sink,
                                   const SurveySelection *selection)
{
    SurveyReport *report = sink->report;
    SurveyTable *t = table_new();
    g_autoptr(GInputStream) buffered = g_buffered_input_stream_new_sized(in, 64 * 1024);
    SurveyCsvOptions options = {.max_field = sink->limits->max_field, .max_fields = 10000};
    guint want = 1;
    if (selection->forced) {
        options.delimiter = selection->forced->delimiter;
        want = selection->forced->header_row;
    } else {
        for (guint i = 0; selection->profiles && i < selection->profiles->len; i++)
            want = MAX(want, ((SurveyProfile *)g_ptr_array_index(selection->profiles, i))->header_row);
    }
    if (!options.delimiter)
        options.delimiter = sniff_delimiter(G_BUFFERED_INPUT_STREAM(buffered));
    t->csv = survey_csv_new(buffered, report->file, &options);
    for (guint i = 0; i < want && read_ahead(t, sink); i++) {
        Ahead *first = g_queue_peek_head(&t->ahead);
        if (first->error)
            break; /* a malformed first record: nothing can be known */
    }
    if (sink->fatal)
        return t;
    Ahead *first = g_queue_peek_head(&t->ahead);
    if (first && first->error) {
        csv_problem(sink, first->error);
        return t;
    }
    if (first) {
        char delimiter[2] = {survey_csv_delimiter(t->csv), 0};
        report->delimiter = g_strdup(delimiter);
    }
    choose(t, sink, selection);
    return t;
}

SurveyTable *survey_table_open_rows(char **header, GPtrArray *rows, SurveySink *sink,
                                    const SurveySelection *selection)
{
    SurveyTable *t = table_new();
    Ahead *h = g_new0(Ahead, 1);
    h->fields = header;
    h->n = g_strv_length(header);
    h->line = 0;
    g_queue_push_tail(&t->ahead, h);
    for (guint i = 0; i < rows->len; i++) {
        Ahead *a = g_new0(Ahead, 1);
        a->fields = g_ptr_array_index(rows, i);
        a->n = g_strv_length(a->fields);
        a->line = i + 1;
        g_queue_push_tail(&t->ahead, a);
    }
    g_ptr_array_set_free_func(rows, NULL);
    g_ptr_array_unref(rows);
    choose(t, sink, selection);
    return t;
}

/* Counts ',' ';' and TAB outside quotes. When the first line has none (a title
 * row, as Framaforms writes), the delimiter is the most frequent in the first
 * 64 KiB; else 0, for the reader to detect from the first record. */
static char sniff_delimiter(GBufferedInputStream *in)
{
    if (g_buffered_input_stream_fill(in, -1, NULL, NULL) <= 0)
        return 0;
    gsize size = 0;
    const char *buf = g_buffered_input_stream_peek_buffer(in, &size);
    static const char candidates[] = {',', ';', '\t'};
    guint counts[3] = {0}, first[3] = {0};
    gboolean quoted = FALSE, first_line = TRUE;
    for (gsize i = 0; i < size; i++) {
        char c = buf[i];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r'))
            first_line = FALSE;
        else if (!quoted)
            for (guint k = 0; k < 3; k++)
                if (c == candidates[k]) {
                    counts[k]++;
                    first[k] += first_line;
                }
    }
    if (first[0] || first[1] || first[2])
        return 0;
    guint best = 0;
    for (guint k = 1; k < 3; k++)
        if (counts[k] > counts[best])
            best = k;
    return counts[best] ? candidates[best] : 0;
}

/* ---- Rows ---------------------------------------------------------------- */

static const char *optional(char **fields, int column)
{
    if (column < 0 || !survey_has_text(fields[column]))
        return NULL;
    return fields[column];
}

/* The first of the columns with text, or -1. */
static int first_with_text(char **fields, const SurveyColumns *c)
{
    for (guint i = 0; i < c->n; i++)
        if (survey_has_text(fields[c->col[i]]))
            return c->col[i];
    return c->n ? c->col[0] : -1;
}

/* Checks an optional integer cell; returns FALSE after recording a problem. */
static gboolean int_cell(SurveySink *sink, SurveyTable *t, char **fields, int column, gint64 min,
                         gint64 max, gint64 *value)
{
    const char *text = optional(fields, column);
    if (!text)
        return TRUE;
    if (survey_parse_int(text, min, max, value))
        return TRUE;
    guint64 line, col;
    field_position(t, (guint)column, &line, &col);
    survey_sink_problem(sink, line, col, t->mapping.names[column],
                        "\"%s\" is not a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                        text, min, max);
    return FALSE;
}

static void raw_row(GString *raw, const SurveyMapping *m, char **fields)
{
    g_string_truncate(raw, 0);
    g_string_append_c(raw, '{');
    for (guint i = 0; i < m->ncols; i++) {
        if (i)
            g_string_append_c(raw, ',');
        survey_json_string(raw, m->keys[i]);
        g_string_append_c(raw, ':');
        survey_json_string(raw, fields[i]);
    }
    g_string_append_c(raw, '}');
}

/* A survey tool's cells as a person meant them: "N/A" is empty, the quote a tool
 * put before "=…" against spreadsheet formulas is dropped, HTML becomes text.
 * In place: the raw row was taken before. */
static void transform(const SurveyMapping *m, char **fields)
{
    const SurveyProfile *p = m->profile;
    for (guint i = 0; i < m->ncols; i++) {
        char *v = fields[i];
        if (p->missing && survey_mapping_missing(m, v)) {
            v[0] = 0;
            continue;
        }
        if (p->formula_quote && v[0] == '\'' && v[1] && strchr("=+-@", v[1]))
            memmove(v, v + 1, strlen(v));
        if (m->html[i])
            survey_html_to_text(v);
    }
}

/* The theme of a multi-select question: its chosen options, joined. */
static const char *chosen_options(SurveyTable *t, char **fields)
{
    const SurveyMapping *m = &t->mapping;
    g_string_truncate(t->theme, 0);
    for (guint i = 0; i < m->theme_options->len; i++) {
        int c = g_array_index(m->theme_options, int, i);
        const char *v = g_strstrip(fields[c]);
        if (!*v || strcmp(v, "0") == 0)
            continue;
        if (m->profile->selected) {
            g_autofree char *f = g_utf8_casefold(v, -1);
            if (!g_strv_contains((const char *const *)m->profile->selected, f))
                continue;
        }
        const char *name = m->names[c];
        const char *label = m->groups[c] && g_str_has_prefix(name, m->groups[c])
                                ? name + strlen(m->groups[c])
                                : name;
        while (*label && strchr("[]/_-: ", *label))
            label++;
        g_string_append_printf(t->theme, "%s%.*s", t->theme->len ? ", " : "",
                               (int)(strlen(label) - (g_str_has_suffix(label, "]") ? 1 : 0)),
                               label);
    }
    return t->theme->len ? t->theme->str : NULL;
}

static void flush_pending(SurveyTable *t, SurveySink *sink)
{
    if (t->folded)
        g_string_append(t->fold_raw, "]}");
    for (guint i = 0; i < t->pending->len; i++) {
        Pending *p = g_ptr_array_index(t->pending, i);
        p->in.raw_json = t->fold_raw->str;
        if (!survey_sink_mention(sink, &p->in))
            break;
    }
    g_ptr_array_set_size(t->pending, 0);
    g_string_truncate(t->fold_raw, 0);
    t->folded = 0;
}

/* Folding: a row of the same respondent as the one before adds to its raw row. */
static gboolean fold_row(SurveyTable *t, SurveySink *sink, char **fields)
{
    const char *key = fields[t->mapping.field[SURVEY_FIELD_RESPONDENT].col[0]];
    if (t->fold_raw->len && strcmp(key, t->fold_key->str) == 0) {
        if (t->folded++ == 0) {
            g_string_truncate(t->fold_raw, t->fold_raw->len - 1);
            g_string_append(t->fold_raw, ",\"_folded_rows\":[");
        } else {
            g_string_append_c(t->fold_raw, ',');
        }
        g_string_append(t->fold_raw, t->raw->str);
        return TRUE;
    }
    flush_pending(t, sink);
    g_string_assign(t->fold_key, key);
    g_string_assign(t->fold_raw, t->raw->str);
    return FALSE;
}

static void read_row(SurveySink *sink, SurveyTable *t, char **fields)
{
    const SurveyMapping *m = &t->mapping;
    const SurveyProfile *profile = m->profile;
    guint64 line = row_line(t), col;
    if (sink->ingest || sink->dry_run)
        raw_row(t->raw, m, fields);
    if (G_UNLIKELY(m->transform))
        transform(m, fields);
    if (G_UNLIKELY(profile->fold) && fold_row(t, sink, fields))
        return;
    int place_col = first_with_text(fields, &m->field[SURVEY_FIELD_PLACE]);
    const char *place = optional(fields, place_col);
    if (place) {
        place = g_strstrip(fields[place_col]);
    } else if (profile->place_fallback &&
               survey_has_text(fields[m->field[SURVEY_FIELD_RESPONDENT].col[0]])) {
        g_string_printf(t->place, "%s #%s", profile->tool,
                        g_strstrip(fields[m->field[SURVEY_FIELD_RESPONDENT].col[0]]));
        place = t->place->str;
    } else {
        int at = place_col >= 0 ? place_col : 0;
        field_position(t, (guint)at, &line, &col);
        survey_sink_problem(sink, line, col, place_col >= 0 ? m->names[place_col] : "place",
                            "empty place: every row needs the place that answered");
        return;
    }
    gint64 members = -1, votes = -1, importance = 0;
    int theme_col = first_with_text(fields, &m->field[SURVEY_FIELD_THEME]);
    gboolean ok = int_cell(sink, t, fields, first_with_text(fields, &m->field[SURVEY_FIELD_MEMBERS]),
                           0, G_MAXINT32, &members);
    ok &= int_cell(sink, t, fields, first_with_text(fields, &m->field[SURVEY_FIELD_VOTES]), 0,
                   G_MAXINT32, &votes);
    ok &= int_cell(sink, t, fields, first_with_text(fields, &m->field[SURVEY_FIELD_IMPORTANCE]), 1,
                   5, &importance);
    const char *row_theme = G_UNLIKELY(m->theme_options) ? chosen_options(t, fields)
                                                         : optional(fields, theme_col);
    gboolean emitted = FALSE;
    for (guint i = 0; i < m->slots->len; i++) {
        SurveySlot *s = &g_array_index(m->slots, SurveySlot, i);
        gint64 own = importance;
        if (s->importance >= 0) {
            own = 0;
            ok &= int_cell(sink, t, fields, s->importance, 1, 5, &own);
        }
        const char *text = optional(fields, s->challenge);
        if (!text || (profile->challenge_first && emitted)) {
            if (!profile->challenge_first)
                sink->report->skipped++;
            continue;
        }
        emitted = TRUE;
        if (!ok)
            continue;
        const char *theme = optional(fields, s->theme);
        DefisMentionIn mention = {
            .line = (gint64)line,
            .place = place,
            .text = fields[s->challenge],
            .theme = theme ? theme : row_theme,
            .importance = (int)(own ? own : importance),
            .members = members,
            .votes = votes,
            .raw_json = t->raw->str,
        };
        if (G_UNLIKELY(profile->fold)) {
            Pending *p = g_new0(Pending, 1);
            p->in = mention;
            p->in.place = p->place = g_strdup(mention.place);
            p->in.text = p->text = g_strdup(mention.text);
            p->in.theme = p->theme = g_strdup(mention.theme);
            g_ptr_array_add(t->pending, p);
            continue;
        }
        if (!survey_sink_mention(sink, &mention))
            return;
    }
    if (profile->challenge_first && !emitted)
        sink->report->skipped++;
}

void survey_table_read(SurveyTable *t, SurveySink *sink)
{
    SurveyReport *report = sink->report;
    const SurveyMapping *m = &t->mapping;
    const char *skip = m->profile->skip_prefix;
    gboolean first = TRUE;
    char **fields;
    guint n;
    GError *error = NULL;
    g_return_if_fail(t->ready);

    while (survey_sink_go_on(sink)) {
        gboolean more = next_row(t, &fields, &n, &error);
        if (error) {
            if (g_error_matches(error, SURVEY_ERROR, SURVEY_ERROR_IO)) {
                g_propagate_error(&sink->fatal, error);
                break;
            }
            csv_problem(sink, error);
            g_clear_error(&error);
            continue;
        }
        if (!more)
            break;
        if (all_empty(fields, n))
            continue;
        if (G_UNLIKELY(first && skip) && tag_row(fields, n, skip))
            continue;
        first = FALSE;
        report->rows++;
        if ((guint64)report->rows > sink->limits->max_rows) {
            g_set_error(&sink->fatal, SURVEY_ERROR, SURVEY_ERROR_TOO_LARGE,
                        "%s:%" G_GUINT64_FORMAT ": more than %" G_GUINT64_FORMAT
                        " rows: split the survey into several files",
                        report->file, row_line(t), sink->limits->max_rows);
            break;
        }
        if (n != m->ncols) {
            guint64 line, col;
            field_position(t, MIN(n, m->ncols) - 1, &line, &col);
            survey_sink_problem(sink, line, col, NULL,
                                "this row has %u field%s, the header has %u: check the "
                                "delimiters and quotes of this row",
                                n, n == 1 ? "" : "s", m->ncols);
            continue;
        }
        read_row(sink, t, fields);
    }
    if (m->profile->fold && !sink->fatal)
        flush_pending(t, sink);
    if (report->rows == 0 && report->problem_count == 0 && !sink->fatal)
        survey_sink_problem(sink, t->header_line + 1, 1, NULL,
                            "the file has a header but no rows: nothing to import");
}
