/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* import.c - a survey file in, its mentions stored: one file, one transaction. */
#include "surveys/import.h"

#include <errno.h>
#include <string.h>

#include "engine/error.h"
#include "surveys/encoding.h"
#include "surveys/error.h"
#include "surveys/profile.h"
#include "surveys/sink.h"

void survey_limits_default(SurveyLimits *limits)
{
    limits->max_file_size = 256u << 20;
    limits->max_rows = 2000000;
    limits->max_field = 16u << 10;
}

static void problem_free(gpointer data)
{
    SurveyProblem *problem = data;
    g_free(problem->field);
    g_free(problem->message);
    g_free(problem);
}

void survey_report_clear(SurveyReport *report)
{
    g_free(report->file);
    g_free(report->format);
    g_free(report->encoding);
    g_free(report->sha256);
    g_free(report->delimiter);
    g_free(report->shape);
    g_free(report->profile);
    g_free(report->tool);
    g_free(report->profile_choice);
    if (report->mapping)
        json_decref(report->mapping);
    if (report->preview)
        json_decref(report->preview);
    if (report->problems)
        g_ptr_array_unref(report->problems);
    memset(report, 0, sizeof *report);
}

/* ---- The sink ------------------------------------------------------------ */

void survey_sink_problem(SurveySink *sink, guint64 line, guint64 column, const char *field,
                         const char *format, ...)
{
    if (sink->ingest) {
        defis_ingest_abort(sink->ingest);
        sink->ingest = NULL;
    }
    SurveyReport *report = sink->report;
    report->problem_count++;
    if (report->problems->len >= SURVEY_MAX_PROBLEMS)
        return;
    SurveyProblem *problem = g_new0(SurveyProblem, 1);
    problem->line = line;
    problem->column = column;
    problem->field = g_strdup(field);
    va_list ap;
    va_start(ap, format);
    problem->message = g_strdup_vprintf(format, ap);
    va_end(ap);
    g_ptr_array_add(report->problems, problem);
}

/* A dry run counts the mentions and keeps the first ones for people to check. */
static void preview(SurveySink *sink, const DefisMentionIn *mention)
{
    SurveyReport *report = sink->report;
    report->mentions++;
    if (!report->preview)
        report->preview = json_array();
    if (json_array_size(report->preview) >= SURVEY_PREVIEW_MENTIONS)
        return;
    json_t *item = json_pack("{s:I, s:s, s:s, s:s?}", "line", (json_int_t)mention->line, "place",
                             mention->place, "text", mention->text, "theme", mention->theme);
    if (mention->importance)
        json_object_set_new(item, "importance", json_integer(mention->importance));
    if (mention->members >= 0)
        json_object_set_new(item, "members", json_integer((json_int_t)mention->members));
    if (mention->votes >= 0)
        json_object_set_new(item, "votes", json_integer((json_int_t)mention->votes));
    json_t *raw = json_loads(mention->raw_json, 0, NULL);
    if (raw)
        json_object_set_new(item, "raw", raw);
    json_array_append_new(report->preview, item);
}

gboolean survey_sink_mention(SurveySink *sink, const DefisMentionIn *mention)
{
    if (sink->dry_run) {
        if (sink->report->problem_count == 0)
            preview(sink, mention);
        return TRUE;
    }
    if (!sink->ingest)
        return sink->fatal == NULL;
    if (!defis_ingest_add(sink->ingest, mention, &sink->fatal)) {
        defis_ingest_abort(sink->ingest);
        sink->ingest = NULL;
        return FALSE;
    }
    return TRUE;
}

gboolean survey_sink_go_on(const SurveySink *sink)
{
    return !sink->fatal && sink->report->problem_count < SURVEY_MAX_PROBLEMS;
}

gboolean survey_parse_int(const char *text, gint64 min, gint64 max, gint64 *value)
{
    while (g_ascii_isspace(*text))
        text++;
    if (!*text || !(g_ascii_isdigit(*text) || *text == '-' || *text == '+'))
        return FALSE;
    char *end = NULL;
    errno = 0;
    gint64 v = g_ascii_strtoll(text, &end, 10);
    while (end && g_ascii_isspace(*end))
        end++;
    if (errno || !end || *end || v < min || v > max)
        return FALSE;
    *value = v;
    return TRUE;
}

gboolean survey_has_text(const char *text)
{
    for (const char *p = text; *p; p = g_utf8_next_char(p))
        if (!g_unichar_isspace(g_utf8_get_char(p)))
            return TRUE;
    return FALSE;
}

void survey_json_string(GString *out, const char *text)
{
    static const char hex[] = "0123456789abcdef";
    g_string_append_c(out, '"');
    const char *run = text;
    for (const char *p = text; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        g_string_append_len(out, run, p - run);
        run = p + 1;
        switch (c) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default: {
            char esc[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
            g_string_append(out, esc);
        }
        }
    }
    g_string_append(out, run);
    g_string_append_c(out, '"');
}

/* ---- Sources ------------------------------------------------------------- */

/* A file or bytes in memory, to be opened as a stream more than once. */
typedef struct {
    const char *path;
    GBytes *bytes;
} Source;

static GInputStream *source_open(const Source *source, GError **error)
{
    if (source->bytes)
        return g_memory_input_stream_new_from_bytes(source->bytes);
    g_autoptr(GFile) file = g_file_new_for_path(source->path);
    GError *local = NULL;
    GFileInputStream *in = g_file_read(file, NULL, &local);
    if (!in) {
        g_set_error(error, SURVEY_ERROR, SURVEY_ERROR_IO, "%s: cannot read: %s", source->path,
                    local->message);
        g_error_free(local);
        return NULL;
    }
    return G_INPUT_STREAM(in);
}

/* The format named by OPTIONS, else by the file name, else by the first byte that
 * is not blank ('{' or '[' for JSON). */
static const char *detect_format(const Source *source, const char *requested, GError **error)
{
    if (requested) {
        if (g_ascii_strcasecmp(requested, "csv") == 0)
            return "csv";
        if (g_ascii_strcasecmp(requested, "json") == 0)
            return "json";
        g_set_error(error, SURVEY_ERROR, SURVEY_ERROR_INVALID,
                    "unknown format \"%s\": use csv or json", requested);
        return NULL;
    }
    if (source->path && g_str_has_suffix(source->path, ".json"))
        return "json";
    if (source->path && (g_str_has_suffix(source->path, ".csv") ||
                         g_str_has_suffix(source->path, ".tsv")))
        return "csv";
    g_autoptr(GInputStream) in = source_open(source, error);
    if (!in)
        return NULL;
    char head[512];
    gsize n = 0;
    if (!g_input_stream_read_all(in, head, sizeof head, &n, NULL, NULL))
        n = 0;
    gsize i = 0;
    if (n >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0)
        i = 3;
    while (i < n && g_ascii_isspace(head[i]))
        i++;
    return i < n && (head[i] == '{' || head[i] == '[') ? "json" : "csv";
}

/* The profile and --map options of one import. */
typedef struct {
    SurveySelection selection;
    SurveyProfile *own; /* a profile file given by path */
    GArray *maps;       /* of SurveyMap */
} Selection;

static void selection_clear(Selection *s)
{
    survey_profile_free(s->own);
    if (s->maps) {
        for (guint i = 0; i < s->maps->len; i++)
            g_free(g_array_index(s->maps, SurveyMap, i).column);
        g_array_unref(s->maps);
    }
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Selection, selection_clear)

static gboolean selection_init(Selection *s, const SurveyImportOptions *options, GError **error)
{
    s->selection.profiles = survey_profiles_builtin(error);
    if (!s->selection.profiles)
        return FALSE;
    const char *name = options->profile;
    if (name && *name && strcmp(name, "auto") != 0) {
        s->selection.forced = survey_profiles_find(s->selection.profiles, name);
        s->selection.forced_how = "given";
        if (!s->selection.forced && (strchr(name, '/') || g_str_has_suffix(name, ".ini"))) {
            s->own = survey_profile_load_file(name, error);
            if (!s->own)
                return FALSE;
            s->selection.forced = s->own;
            s->selection.forced_how = "file";
        }
        if (!s->selection.forced) {
            GString *names = g_string_new(NULL);
            for (guint i = 0; i < s->selection.profiles->len; i++) {
                const SurveyProfile *p = g_ptr_array_index(s->selection.profiles, i);
                g_string_append_printf(names, ", %s", p->name);
            }
            g_set_error(error, SURVEY_ERROR, SURVEY_ERROR_INVALID,
                        "unknown profile \"%s\": use auto%s, or the path of a profile file",
                        name, names->str);
            g_string_free(names, TRUE);
            return FALSE;
        }
    }
    s->maps = g_array_new(FALSE, TRUE, sizeof(SurveyMap));
    for (const char *const *m = options->maps; m && *m; m++) {
        SurveyMap map;
        if (!survey_map_parse(*m, &map, error))
            return FALSE;
        g_array_append_val(s->maps, map);
    }
    s->selection.maps = (const SurveyMap *)s->maps->data;
    s->selection.n_maps = s->maps->len;
    return TRUE;
}

static gboolean import_source(DefisStore *store, const Source *source, const char *name,
                              const SurveyImportOptions *options, SurveyReport *report,
                              GError **error)
{
    g_return_val_if_fail(store && options && options->network && options->actor, FALSE);
    g_return_val_if_fail(report && !report->problems, FALSE);
    report->file = g_strdup(name);
    report->problems = g_ptr_array_new_with_free_func(problem_free);
    g_auto(Selection) selection_store = {0};
    Selection *selection = &selection_store;
    if (!selection_init(selection, options, error))
        return FALSE;

    const char *format = detect_format(source, options->format, error);
    if (!format)
        return FALSE;
    report->format = g_strdup(format);

    SurveyScan scan;
    {
        g_autoptr(GInputStream) in = source_open(source, error);
        if (!in || !survey_encoding_scan(in, name, options->limits.max_file_size, &scan, error))
            return FALSE;
    }
    report->encoding = g_strdup(survey_encoding_name(scan.encoding));
    report->sha256 = g_strdup(scan.sha256);
    if (scan.has_nul) {
        g_set_error(error, SURVEY_ERROR, SURVEY_ERROR_INVALID,
                    "%s: holds a NUL byte: it is not a text file (export it as CSV or JSON)",
                    name);
        return FALSE;
    }

    g_autoptr(GInputStream) raw = source_open(source, error);
    if (!raw)
        return FALSE;
    g_autoptr(GInputStream) in = survey_encoding_utf8_stream(raw, scan.encoding);
    SurveySink sink = {.report = report, .limits = &options->limits, .dry_run = options->dry_run};
    report->dry_run = options->dry_run;

    g_autofree char *title = NULL;
    gint64 respondents = -1;
    g_autoptr(json_t) doc = NULL;
    g_autoptr(SurveyTable) table = NULL;
    if (strcmp(format, "json") == 0) {
        doc = survey_json_load(in, &sink, &selection->selection, &title, &respondents, &table);
        if (!doc && !table && !sink.fatal && report->problem_count == 0)
            survey_sink_problem(&sink, 0, 0, NULL, "not a survey");
        if (doc) {
            report->profile = g_strdup("canonical");
            report->profile_choice = g_strdup(selection->selection.forced ? "given" : "detected");
        }
    } else {
        table = survey_table_open_csv(in, &sink, &selection->selection);
    }

    if (!sink.fatal && report->problem_count == 0 && options->dry_run) {
        if (doc)
            survey_json_feed(doc, &sink);
        else
            survey_table_read(table, &sink);
    } else if (!sink.fatal && report->problem_count == 0) {
        g_autofree char *base = source->path ? g_path_get_basename(source->path) : NULL;
        gboolean canonical = g_strcmp0(report->profile, "canonical") == 0;
        DefisSurveyMeta meta = {
            .network = options->network,
            .title = options->title ? options->title : title ? title : base,
            .filename = base,
            .format = canonical || !report->profile ? format : report->profile,
            .encoding = report->encoding,
            .sha256 = scan.sha256,
            .respondents = respondents,
            .actor = options->actor,
            .dedup = options->dedup,
        };
        DefisIngestReport ingested;
        gboolean duplicate = FALSE;
        sink.ingest = defis_ingest_begin(store, &meta, &duplicate, &ingested, error);
        if (duplicate) {
            report->duplicate = TRUE;
            report->survey_id = ingested.survey_id;
            report->mentions = ingested.mentions;
            return TRUE;
        }
        if (!sink.ingest)
            return FALSE;
        if (doc)
            survey_json_feed(doc, &sink);
        else
            survey_table_read(table, &sink);
    }

    if (sink.fatal) {
        defis_ingest_abort(sink.ingest);
        g_propagate_error(error, sink.fatal);
        return FALSE;
    }
    if (options->dry_run)
        return TRUE;
    if (report->problem_count > 0) {
        defis_ingest_abort(sink.ingest);
        SurveyProblem *first = g_ptr_array_index(report->problems, 0);
        g_set_error(error, SURVEY_ERROR, SURVEY_ERROR_INVALID,
                    "%s: %" G_GUINT64_FORMAT " problem%s, nothing imported; first: %s", name,
                    report->problem_count, report->problem_count > 1 ? "s" : "",
                    first->message);
        return FALSE;
    }
    DefisIngestReport done;
    if (!defis_ingest_commit(sink.ingest, report->rows, report->skipped, &done, error))
        return FALSE;
    report->survey_id = done.survey_id;
    report->mentions = done.mentions;
    report->places = done.places;
    report->challenges_created = done.challenges_created;
    report->challenges_joined = done.challenges_joined;
    return TRUE;
}

gboolean survey_import_file(DefisStore *store, const char *path, const SurveyImportOptions *options,
                            SurveyReport *report, GError **error)
{
    Source source = {.path = path};
    return import_source(store, &source, path, options, report, error);
}

gboolean survey_import_bytes(DefisStore *store, GBytes *bytes, const char *name,
                             const SurveyImportOptions *options, SurveyReport *report,
                             GError **error)
{
    Source source = {.bytes = bytes};
    return import_source(store, &source, name ? name : "<body>", options, report, error);
}

json_t *survey_report_to_json(const SurveyReport *report)
{
    json_t *out = json_pack(
        "{s:s?, s:s?, s:s?, s:s?, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "file", report->file, "format", report->format,
        "encoding", report->encoding, "sha256", report->sha256, "duplicate", report->duplicate,
        "survey_id", (json_int_t)report->survey_id, "rows", (json_int_t)report->rows, "skipped",
        (json_int_t)report->skipped, "mentions", (json_int_t)report->mentions, "places",
        (json_int_t)report->places, "challenges_created",
        (json_int_t)report->challenges_created, "challenges_joined",
        (json_int_t)report->challenges_joined);
    if (report->delimiter)
        json_object_set_new(out, "delimiter", json_string(report->delimiter));
    if (report->shape)
        json_object_set_new(out, "shape", json_string(report->shape));
    if (report->profile) {
        json_object_set_new(out, "profile", json_string(report->profile));
        json_object_set_new(out, "tool", json_string(report->tool ? report->tool : report->profile));
        json_object_set_new(out, "profile_choice", json_string(report->profile_choice));
    }
    if (report->header_row > 1)
        json_object_set_new(out, "header_row", json_integer((json_int_t)report->header_row));
    if (report->mapping)
        json_object_set_new(out, "mapping", json_incref(report->mapping));
    if (report->dry_run) {
        json_object_set_new(out, "dry_run", json_true());
        json_object_set_new(out, "preview", report->preview ? json_incref(report->preview)
                                                            : json_array());
    }
    if (report->problems && report->problems->len) {
        json_t *list = json_array();
        for (guint i = 0; i < report->problems->len; i++) {
            SurveyProblem *p = g_ptr_array_index(report->problems, i);
            json_t *item = json_pack("{s:s, s:s?}", "message", p->message, "field", p->field);
            if (p->line)
                json_object_set_new(item, "line", json_integer((json_int_t)p->line));
            if (p->column)
                json_object_set_new(item, "column", json_integer((json_int_t)p->column));
            json_array_append_new(list, item);
        }
        json_object_set_new(out, "problems", list);
        json_object_set_new(out, "problem_count", json_integer((json_int_t)report->problem_count));
    }
    return out;
}
