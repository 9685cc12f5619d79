/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_csv.c - tests of surveys/csv.c, the streaming CSV reader. */
#include "helpers.h"

#include "surveys/csv.h"
#include "surveys/error.h"

#include <jansson.h>
#include <string.h>

/* ---- A stream that hands out a few bytes at a time ------------------------------------------- */

/* Reads return 1 to 7 bytes, in a fixed pseudo-random order, so that every kind of
 * byte ends up on a buffer boundary somewhere. */
typedef struct {
    GMemoryInputStream parent;
    guint32 seed;
} ChunkStream;

typedef struct {
    GMemoryInputStreamClass parent_class;
} ChunkStreamClass;

G_DEFINE_TYPE(ChunkStream, chunk_stream, G_TYPE_MEMORY_INPUT_STREAM)

static gssize chunk_stream_read(GInputStream *stream, void *buffer, gsize count,
                                GCancellable *cancellable, GError **error)
{
    ChunkStream *self = (ChunkStream *)stream;
    self->seed = self->seed * 1103515245 + 12345;
    gsize chunk = 1 + (self->seed >> 16) % 7;
    return G_INPUT_STREAM_CLASS(chunk_stream_parent_class)
        ->read_fn(stream, buffer, MIN(count, chunk), cancellable, error);
}

static void chunk_stream_class_init(ChunkStreamClass *klass)
{
    G_INPUT_STREAM_CLASS(klass)->read_fn = chunk_stream_read;
}

static void chunk_stream_init(ChunkStream *self)
{
    self->seed = 42;
}

static GInputStream *chunk_stream_new(const char *data, gsize length)
{
    GInputStream *stream = g_object_new(chunk_stream_get_type(), NULL);
    g_memory_input_stream_add_data(G_MEMORY_INPUT_STREAM(stream), g_memdup2(data, length), length,
                                   g_free);
    return stream;
}

/* ---- Helpers --------------------------------------------------------------------------------- */

static SurveyCsv *open_csv(const char *data, gssize length, gboolean chunked,
                           const SurveyCsvOptions *options)
{
    gsize n = length < 0 ? strlen(data) : (gsize)length;
    g_autoptr(GInputStream) in =
        chunked ? chunk_stream_new(data, n)
                : g_memory_input_stream_new_from_data(g_memdup2(data, n), n, g_free);
    return survey_csv_new(in, "test.csv", options);
}

/* Reads every record; fails the test on an error. Returns an array of GStrv. */
static GPtrArray *read_all(SurveyCsv *csv)
{
    GPtrArray *records = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    char **fields;
    guint n;
    g_autoptr(GError) error = NULL;
    while (survey_csv_next(csv, &fields, &n, &error)) {
        assert_null(fields[n]);
        g_ptr_array_add(records, g_strdupv(fields));
    }
    if (error)
        fail_msg("unexpected error: %s", error->message);
    return records;
}

static GPtrArray *parse(const char *data, gboolean chunked)
{
    g_autoptr(SurveyCsv) csv = open_csv(data, -1, chunked, NULL);
    return read_all(csv);
}

/* Checks that record INDEX of RECORDS holds the fields given, NULL-terminated. */
static void assert_record(GPtrArray *records, guint index, ...)
{
    assert_true(index < records->len);
    char **fields = g_ptr_array_index(records, index);
    va_list args;
    va_start(args, index);
    guint i = 0;
    const char *expected;
    while ((expected = va_arg(args, const char *))) {
        assert_non_null(fields[i]);
        assert_string_equal(fields[i], expected);
        i++;
    }
    va_end(args);
    assert_null(fields[i]);
}

static void next_ok(SurveyCsv *csv, char ***fields, guint *n)
{
    g_autoptr(GError) error = NULL;
    gboolean ok = survey_csv_next(csv, fields, n, &error);
    if (error)
        fail_msg("unexpected error: %s", error->message);
    assert_true(ok);
}

static void assert_position(SurveyCsv *csv, guint index, guint64 line, guint64 column)
{
    guint64 at_line = 0, at_column = 0;
    survey_csv_field_position(csv, index, &at_line, &at_column);
    assert_int_equal(at_line, line);
    assert_int_equal(at_column, column);
}

/* ---- csv-spectrum ---------------------------------------------------------------------------- */

/* Values that csv-spectrum's json gets wrong: its location_coordinates.json carries a
 * phone number that is not the one in location_coordinates.csv. The field is still
 * read; only the comparison with the wrong value is skipped. */
static const struct {
    const char *name, *column;
} spectrum_errata[] = {
    {"location_coordinates", "Contact Phone Number"},
};

static gboolean spectrum_erratum(const char *name, const char *column)
{
    for (guint i = 0; i < G_N_ELEMENTS(spectrum_errata); i++) {
        if (strcmp(spectrum_errata[i].name, name) == 0 &&
            strcmp(spectrum_errata[i].column, column) == 0)
            return TRUE;
    }
    return FALSE;
}

static void check_spectrum_case(const char *dir, const char *name, gboolean chunked)
{
    g_autofree char *csv_name = g_strconcat(name, ".csv", NULL);
    g_autofree char *json_name = g_strconcat(name, ".json", NULL);
    g_autofree char *csv_path = g_build_filename(dir, "csvs", csv_name, NULL);
    g_autofree char *json_path = g_build_filename(dir, "json", json_name, NULL);
    gsize length;
    g_autofree char *data = test_read_file(csv_path, &length);

    json_error_t json_error;
    json_t *expected = json_load_file(json_path, 0, &json_error);
    if (!expected)
        fail_msg("%s:%d: %s", json_path, json_error.line, json_error.text);
    /* location_coordinates.json is one object, not an array of one. */
    if (json_is_object(expected)) {
        json_t *array = json_array();
        json_array_append_new(array, expected);
        expected = array;
    }
    assert_true(json_is_array(expected));

    g_autoptr(SurveyCsv) csv = open_csv(data, length, chunked, NULL);
    g_autoptr(GPtrArray) records = read_all(csv);
    assert_true(records->len >= 1);
    char **header = g_ptr_array_index(records, 0);
    if (records->len - 1 != json_array_size(expected))
        fail_msg("%s: %u records, expected %zu", name, records->len - 1, json_array_size(expected));

    for (guint r = 1; r < records->len; r++) {
        char **fields = g_ptr_array_index(records, r);
        json_t *object = json_array_get(expected, r - 1);
        assert_int_equal(g_strv_length(fields), json_object_size(object));
        guint i = 0;
        for (void *it = json_object_iter(object); it; it = json_object_iter_next(object, it), i++) {
            const char *key = json_object_iter_key(it);
            const char *value = json_string_value(json_object_iter_value(it));
            assert_string_equal(header[i], key);
            if (!spectrum_erratum(name, key) && strcmp(fields[i], value) != 0)
                fail_msg("%s: record %u field %s: \"%s\", expected \"%s\"", name, r, key, fields[i],
                         value);
        }
    }
    json_decref(expected);
}

static void test_csv__spectrum(void **state)
{
    g_autofree char *dir = g_build_filename(test_shared_data(), "csv-spectrum", NULL);
    g_autofree char *csvs = g_build_filename(dir, "csvs", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GDir) folder = g_dir_open(csvs, 0, &error);
    if (!folder)
        fail_msg("%s", error->message);
    guint cases = 0;
    const char *entry;
    while ((entry = g_dir_read_name(folder))) {
        if (!g_str_has_suffix(entry, ".csv"))
            continue;
        g_autofree char *name = g_strndup(entry, strlen(entry) - 4);
        check_spectrum_case(dir, name, FALSE);
        check_spectrum_case(dir, name, TRUE);
        cases++;
    }
    assert_true(cases >= 12);
}

/* ---- Malformed files, one folder each -------------------------------------------------------- */

/* Each case is a folder holding input.csv, error (first line: "LINE:COLUMN: key
 * phrase" of the first error; an optional second line "too-large" when that is its
 * code, else it is "invalid") and, optionally, options (lines "max_field=N" or
 * "max_fields=N"). */
static void check_invalid_case(const char *dir, gboolean chunked)
{
    g_autofree char *input_path = g_build_filename(dir, "input.csv", NULL);
    g_autofree char *error_path = g_build_filename(dir, "error", NULL);
    g_autofree char *options_path = g_build_filename(dir, "options", NULL);
    gsize length;
    g_autofree char *input = test_read_file(input_path, &length);
    g_autofree char *expected = test_read_file(error_path, NULL);
    g_auto(GStrv) expected_lines = g_strsplit(g_strstrip(expected), "\n", 2);

    SurveyCsvOptions options = {0};
    if (g_file_test(options_path, G_FILE_TEST_EXISTS)) {
        g_autofree char *text = test_read_file(options_path, NULL);
        g_auto(GStrv) lines = g_strsplit(g_strstrip(text), "\n", -1);
        for (guint i = 0; lines[i]; i++) {
            if (g_str_has_prefix(lines[i], "max_field="))
                options.max_field = g_ascii_strtoull(lines[i] + 10, NULL, 10);
            else if (g_str_has_prefix(lines[i], "max_fields="))
                options.max_fields = g_ascii_strtoull(lines[i] + 11, NULL, 10);
            else
                fail_msg("%s: unknown option %s", options_path, lines[i]);
        }
    }

    g_autoptr(SurveyCsv) csv = open_csv(input, length, chunked, &options);
    g_autoptr(GError) error = NULL;
    char **fields;
    guint n;
    while (survey_csv_next(csv, &fields, &n, &error))
        ;
    if (!error)
        fail_msg("%s: no error, expected %s", dir, expected_lines[0]);
    assert_true(error->domain == SURVEY_ERROR);
    int code = expected_lines[1] && strcmp(g_strstrip(expected_lines[1]), "too-large") == 0
                   ? SURVEY_ERROR_TOO_LARGE
                   : SURVEY_ERROR_INVALID;
    if (error->code != code)
        fail_msg("%s: error code %d, expected %d (%s)", dir, error->code, code, error->message);

    /* "test.csv:LINE:COLUMN: " then the key phrase somewhere in the message. */
    const char *phrase = strstr(expected_lines[0], ": ");
    assert_non_null(phrase);
    g_autofree char *prefix =
        g_strdup_printf("test.csv:%.*s", (int)(phrase + 2 - expected_lines[0]), expected_lines[0]);
    if (!g_str_has_prefix(error->message, prefix) || !strstr(error->message, phrase + 2))
        fail_msg("%s: got \"%s\", expected \"%s\" and \"%s\"", dir, error->message, prefix,
                 phrase + 2);
}

static void test_csv__invalid_cases(void **state)
{
    g_autofree char *root =
        g_build_filename(test_source_dir(), "tests", "surveys", "data", "csv-invalid", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GDir) folder = g_dir_open(root, 0, &error);
    if (!folder)
        fail_msg("%s", error->message);
    guint cases = 0;
    const char *entry;
    while ((entry = g_dir_read_name(folder))) {
        g_autofree char *dir = g_build_filename(root, entry, NULL);
        if (!g_file_test(dir, G_FILE_TEST_IS_DIR))
            continue;
        check_invalid_case(dir, FALSE);
        check_invalid_case(dir, TRUE);
        cases++;
    }
    assert_true(cases >= 5);
}

/* ---- Start of file --------------------------------------------------------------------------- */

static void test_csv__skips_bom(void **state)
{
    g_autoptr(SurveyCsv) csv = open_csv("\xEF\xBB\xBFplace;d\xC3\xA9"
                                        "fi\nA;B\n",
                                        -1, TRUE, NULL);
    char **fields;
    guint n;
    next_ok(csv, &fields, &n);
    assert_true(survey_csv_had_bom(csv));
    assert_int_equal(survey_csv_delimiter(csv), ';');
    assert_int_equal(n, 2);
    assert_string_equal(fields[0], "place");
    assert_string_equal(fields[1], "d\xC3\xA9"
                                   "fi");
    assert_position(csv, 0, 1, 1);
    assert_position(csv, 1, 1, 7);

    g_autoptr(SurveyCsv) plain = open_csv("a,b\n", -1, FALSE, NULL);
    next_ok(plain, &fields, &n);
    assert_false(survey_csv_had_bom(plain));
    assert_string_equal(fields[0], "a");
}

static void test_csv__detects_semicolon(void **state)
{
    /* The commas are inside quotes or fewer than the semicolons. */
    g_autoptr(SurveyCsv) csv = open_csv("\"a,b,c\";d;e,f\n1;2;3\n", -1, FALSE, NULL);
    g_autoptr(GPtrArray) records = read_all(csv);
    assert_int_equal(survey_csv_delimiter(csv), ';');
    assert_record(records, 0, "a,b,c", "d", "e,f", NULL);
    assert_record(records, 1, "1", "2", "3", NULL);
}

static void test_csv__detects_tab(void **state)
{
    g_autoptr(SurveyCsv) csv =
        open_csv("place\tchallenge\ttheme, sub-theme\n1\t2,3\t4\n", -1, TRUE, NULL);
    g_autoptr(GPtrArray) records = read_all(csv);
    assert_int_equal(survey_csv_delimiter(csv), '\t');
    assert_record(records, 0, "place", "challenge", "theme, sub-theme", NULL);
    assert_record(records, 1, "1", "2,3", "4", NULL);
}

static void test_csv__detects_comma_on_tie_or_none(void **state)
{
    g_autoptr(SurveyCsv) tie = open_csv("a,b;c\n", -1, FALSE, NULL);
    g_autoptr(GPtrArray) records = read_all(tie);
    assert_int_equal(survey_csv_delimiter(tie), ',');
    assert_record(records, 0, "a", "b;c", NULL);

    g_autoptr(SurveyCsv) none = open_csv("place\nx;y\n", -1, FALSE, NULL);
    g_autoptr(GPtrArray) more = read_all(none);
    assert_int_equal(survey_csv_delimiter(none), ',');
    assert_record(more, 1, "x;y", NULL);
}

static void test_csv__given_delimiter_is_kept(void **state)
{
    SurveyCsvOptions options = {.delimiter = ';'};
    g_autoptr(SurveyCsv) csv = open_csv("a,b,c\n1;2\n", -1, FALSE, &options);
    g_autoptr(GPtrArray) records = read_all(csv);
    assert_int_equal(survey_csv_delimiter(csv), ';');
    assert_record(records, 0, "a,b,c", NULL);
    assert_record(records, 1, "1", "2", NULL);
}

/* ---- Records and lines ----------------------------------------------------------------------- */

static void test_csv__line_ends(void **state)
{
    static const char *inputs[] = {
        "a,b\n1,\"x\ny\"\n\n2,3",
        "a,b\r\n1,\"x\ny\"\r\n\r\n2,3\r\n",
        "a,b\r1,\"x\ny\"\r\r2,3\r",
    };
    for (guint i = 0; i < G_N_ELEMENTS(inputs); i++) {
        for (int chunked = 0; chunked < 2; chunked++) {
            g_autoptr(SurveyCsv) csv = open_csv(inputs[i], -1, chunked, NULL);
            char **fields;
            guint n;
            next_ok(csv, &fields, &n);
            assert_int_equal(survey_csv_line(csv), 1);
            next_ok(csv, &fields, &n);
            assert_int_equal(survey_csv_line(csv), 2);
            assert_string_equal(fields[1], "x\ny");
            next_ok(csv, &fields, &n);
            assert_int_equal(survey_csv_line(csv), 4);
            assert_int_equal(n, 1); /* an empty line: one empty field */
            assert_string_equal(fields[0], "");
            next_ok(csv, &fields, &n);
            assert_int_equal(survey_csv_line(csv), 5);
            assert_int_equal(n, 2);
            assert_string_equal(fields[0], "2");
            assert_string_equal(fields[1], "3");
            g_autoptr(GError) error = NULL;
            assert_false(survey_csv_next(csv, &fields, &n, &error));
            assert_null(error);
        }
    }
}

static void test_csv__crlf_inside_quotes_is_kept(void **state)
{
    g_autoptr(GPtrArray) records = parse("a\r\n\"x\r\ny\rz\"\r\nb\r\n", TRUE);
    assert_int_equal(records->len, 3);
    assert_record(records, 1, "x\r\ny\rz", NULL);
    assert_record(records, 2, "b", NULL);
}

static void test_csv__empty_file_has_no_record(void **state)
{
    g_autoptr(GPtrArray) records = parse("", FALSE);
    assert_int_equal(records->len, 0);
    g_autoptr(GPtrArray) bom_only = parse("\xEF\xBB\xBF", FALSE);
    assert_int_equal(bom_only->len, 0);
}

static void test_csv__header_only(void **state)
{
    g_autoptr(GPtrArray) records = parse("place,challenge\n", FALSE);
    assert_int_equal(records->len, 1);
    assert_record(records, 0, "place", "challenge", NULL);
    g_autoptr(GPtrArray) unterminated = parse("place,challenge", TRUE);
    assert_int_equal(unterminated->len, 1);
    assert_record(unterminated, 0, "place", "challenge", NULL);
}

/* Not RFC 4180, but what spreadsheets write and read: see csv.c. */
static void test_csv__quote_inside_unquoted_field_is_kept(void **state)
{
    g_autoptr(SurveyCsv) csv = open_csv("a;b\n12\" screen;37\xC2\xB0"
                                        "36'37.8\"N\n",
                                        -1, TRUE, NULL);
    g_autoptr(GPtrArray) records = read_all(csv);
    assert_int_equal(survey_csv_delimiter(csv), ';');
    assert_record(records, 1, "12\" screen",
                  "37\xC2\xB0"
                  "36'37.8\"N",
                  NULL);
}

static void test_csv__empty_fields(void **state)
{
    g_autoptr(GPtrArray) records = parse("a,b,c\n,,\n\"\",x,\n1,2,", FALSE);
    assert_record(records, 1, "", "", "", NULL);
    assert_record(records, 2, "", "x", "", NULL);
    assert_record(records, 3, "1", "2", "", NULL);
}

static void test_csv__quoted_field_spanning_lines(void **state)
{
    const char *data = "place,challenge,theme\n"
                       "La Fabrique,\"Financer\nl'animation\n\"\"durable\"\"\",financement\n"
                       "\xC3\x89"
                       "cole,\"x\",\"y\"\n";
    for (int chunked = 0; chunked < 2; chunked++) {
        g_autoptr(SurveyCsv) csv = open_csv(data, -1, chunked, NULL);
        char **fields;
        guint n;
        next_ok(csv, &fields, &n);
        next_ok(csv, &fields, &n);
        assert_int_equal(survey_csv_line(csv), 2);
        assert_string_equal(fields[1], "Financer\nl'animation\n\"durable\"");
        assert_position(csv, 0, 2, 1);
        assert_position(csv, 1, 2, 13);
        assert_position(csv, 2, 4, 14); /* after `"durable""",` */
        next_ok(csv, &fields, &n);
        assert_int_equal(survey_csv_line(csv), 5);
        /* Columns count characters: É is two bytes, one column. */
        assert_position(csv, 0, 5, 1);
        assert_position(csv, 1, 5, 7);
        assert_position(csv, 2, 5, 11);
    }
}

/* The same input read whole and in chunks of 1-7 bytes gives the same records and
 * positions: quotes, doubled quotes, CRLF and multibyte characters land on the
 * boundaries. */
static void test_csv__tiny_chunks(void **state)
{
    GString *data = g_string_new("\xEF\xBB\xBF"
                                 "a;b;c\r\n");
    for (int i = 0; i < 200; i++) {
        g_string_append_printf(data, "%d;\"q\"\"%d\"\"\r\n\xE2\x82\xAC\";\xF0\x9D\x84\x9E%s\r\n", i,
                               i, i % 3 ? "" : "\xC3\xA9");
        if (i % 17 == 0)
            g_string_append(data, "\r\n");
        if (i % 23 == 0)
            g_string_append(data, "\"\";\"\";x\r");
    }
    g_autoptr(SurveyCsv) whole = open_csv(data->str, data->len, FALSE, NULL);
    g_autoptr(SurveyCsv) chunks = open_csv(data->str, data->len, TRUE, NULL);
    char **a, **b;
    guint na, nb;
    guint records = 0;
    g_autoptr(GError) error = NULL;
    while (survey_csv_next(whole, &a, &na, &error)) {
        next_ok(chunks, &b, &nb);
        assert_int_equal(na, nb);
        assert_int_equal(survey_csv_line(whole), survey_csv_line(chunks));
        for (guint i = 0; i < na; i++) {
            assert_string_equal(a[i], b[i]);
            guint64 la, ca, lb, cb;
            survey_csv_field_position(whole, i, &la, &ca);
            survey_csv_field_position(chunks, i, &lb, &cb);
            assert_int_equal(la, lb);
            assert_int_equal(ca, cb);
        }
        records++;
    }
    assert_null(error);
    assert_false(survey_csv_next(chunks, &b, &nb, &error));
    assert_null(error);
    assert_true(survey_csv_had_bom(chunks));
    assert_int_equal(survey_csv_delimiter(chunks), ';');
    assert_int_equal(records, 1 + 200 + 12 + 9);
    g_string_free(data, TRUE);
}

static void test_csv__very_long_field(void **state)
{
    const gsize size = 1024 * 1024;
    GString *data = g_string_new("a,b\n1,\"");
    for (gsize i = 0; i < size; i++)
        g_string_append_c(data, i % 1000 == 999 ? '\n' : 'a' + i % 26);
    g_string_append(data, "\"\n2,\"");
    for (gsize i = 0; i < size; i++)
        g_string_append_c(data, 'z');
    g_string_append(data, "\"\n3,4\n");

    g_autoptr(SurveyCsv) csv = open_csv(data->str, data->len, FALSE, NULL);
    g_autoptr(GPtrArray) records = read_all(csv);
    assert_int_equal(records->len, 4);
    assert_int_equal(strlen(((char **)g_ptr_array_index(records, 1))[1]), size);
    assert_int_equal(strlen(((char **)g_ptr_array_index(records, 2))[1]), size);
    assert_record(records, 3, "3", "4", NULL);
    assert_int_equal(survey_csv_line(csv), 2 + size / 1000 + 2);
    g_string_free(data, TRUE);
}

/* ---- Errors ---------------------------------------------------------------------------------- */

static void expect_error(SurveyCsv *csv, int code, const char *prefix)
{
    g_autoptr(GError) error = NULL;
    char **fields;
    guint n;
    assert_false(survey_csv_next(csv, &fields, &n, &error));
    assert_non_null(error);
    assert_true(error->domain == SURVEY_ERROR);
    assert_int_equal(error->code, code);
    if (!g_str_has_prefix(error->message, prefix))
        fail_msg("\"%s\" does not start with \"%s\"", error->message, prefix);
}

static void test_csv__recovers_after_bad_record(void **state)
{
    static const char data[] = "a,b\n"
                               "1,\"x\"y,2\n" /* text after a closing quote */
                               "3,4\n"
                               "5,ab\"c\n" /* a quote inside an unquoted field is kept */
                               "\"6\",7\n"
                               "8,\"nul\0\n\",9\n" /* a NUL inside quotes: its record is followed */
                               "10,11\n";
    SurveyCsvOptions options = {0};
    for (int chunked = 0; chunked < 2; chunked++) {
        g_autoptr(SurveyCsv) csv = open_csv(data, sizeof data - 1, chunked, &options);
        char **fields;
        guint n;
        next_ok(csv, &fields, &n);
        expect_error(csv, SURVEY_ERROR_INVALID, "test.csv:2:6: text after the closing quote");
        next_ok(csv, &fields, &n);
        assert_int_equal(survey_csv_line(csv), 3);
        assert_string_equal(fields[0], "3");
        next_ok(csv, &fields, &n);
        assert_int_equal(survey_csv_line(csv), 4);
        assert_string_equal(fields[1], "ab\"c");
        next_ok(csv, &fields, &n);
        assert_int_equal(survey_csv_line(csv), 5);
        assert_string_equal(fields[0], "6");
        expect_error(csv, SURVEY_ERROR_INVALID, "test.csv:6:7: NUL byte");
        next_ok(csv, &fields, &n);
        assert_int_equal(survey_csv_line(csv), 8);
        assert_string_equal(fields[0], "10");
        g_autoptr(GError) error = NULL;
        assert_false(survey_csv_next(csv, &fields, &n, &error));
        assert_null(error);
    }
}

static void test_csv__recovers_after_limits(void **state)
{
    const char *data = "a,b\n"
                       "1,2,\"x\ny\",3\n" /* too many fields, then a quoted line break */
                       "4,5\n"
                       "6,\"0123456789\n0123\"\n" /* too long, with a line break after */
                       "7,8\n"
                       "9,10,\"open\n";
    SurveyCsvOptions options = {.max_field = 8, .max_fields = 2};
    for (int chunked = 0; chunked < 2; chunked++) {
        g_autoptr(SurveyCsv) csv = open_csv(data, -1, chunked, &options);
        char **fields;
        guint n;
        next_ok(csv, &fields, &n);
        expect_error(csv, SURVEY_ERROR_TOO_LARGE, "test.csv:2:5: more than 2 fields");
        next_ok(csv, &fields, &n);
        assert_int_equal(survey_csv_line(csv), 4);
        assert_string_equal(fields[0], "4");
        expect_error(csv, SURVEY_ERROR_TOO_LARGE, "test.csv:5:3: field longer than 8 bytes");
        next_ok(csv, &fields, &n);
        assert_int_equal(survey_csv_line(csv), 7);
        assert_string_equal(fields[1], "8");
        expect_error(csv, SURVEY_ERROR_TOO_LARGE, "test.csv:8:6: more than 2 fields");
        /* The rest of that record holds a quote that never closes. */
        expect_error(csv, SURVEY_ERROR_INVALID, "test.csv:8:6: unterminated quoted field");
        g_autoptr(GError) error = NULL;
        assert_false(survey_csv_next(csv, &fields, &n, &error));
        assert_null(error);
    }
}

/* An error between the CR and the LF of a line break inside quotes, or just after
 * the CR: the line count stays right. */
static void test_csv__recovers_inside_crlf(void **state)
{
    static const char too_long[] = "a\n\"x\r\ny\"\nb\n";
    static const char nul[] = "a\n\"\r\0\nz\"\nb\n";
    SurveyCsvOptions options = {.max_field = 2};
    for (int chunked = 0; chunked < 2; chunked++) {
        char **fields;
        guint n;
        g_autoptr(SurveyCsv) csv = open_csv(too_long, sizeof too_long - 1, chunked, &options);
        next_ok(csv, &fields, &n);
        expect_error(csv, SURVEY_ERROR_TOO_LARGE, "test.csv:2:1: field longer than 2 bytes");
        next_ok(csv, &fields, &n);
        assert_string_equal(fields[0], "b");
        assert_int_equal(survey_csv_line(csv), 4);

        g_autoptr(SurveyCsv) other = open_csv(nul, sizeof nul - 1, chunked, NULL);
        next_ok(other, &fields, &n);
        expect_error(other, SURVEY_ERROR_INVALID, "test.csv:3:1: NUL byte");
        next_ok(other, &fields, &n);
        assert_string_equal(fields[0], "b");
        assert_int_equal(survey_csv_line(other), 5);
    }
}

static void test_csv__unterminated_quote_ends_reading(void **state)
{
    g_autoptr(SurveyCsv) csv = open_csv("a,b\n1,\"x\n2,3\n4,5\n", -1, FALSE, NULL);
    char **fields;
    guint n;
    next_ok(csv, &fields, &n);
    expect_error(csv, SURVEY_ERROR_INVALID, "test.csv:2:3: unterminated quoted field");
    g_autoptr(GError) error = NULL;
    assert_false(survey_csv_next(csv, &fields, &n, &error));
    assert_null(error);
}

static void test_csv__unnamed_input(void **state)
{
    g_autoptr(GInputStream) in = g_memory_input_stream_new_from_data("\"x", 2, NULL);
    g_autoptr(SurveyCsv) csv = survey_csv_new(in, NULL, NULL);
    expect_error(csv, SURVEY_ERROR_INVALID, "<input>:1:1: unterminated quoted field");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv__spectrum),
        cmocka_unit_test(test_csv__invalid_cases),
        cmocka_unit_test(test_csv__skips_bom),
        cmocka_unit_test(test_csv__detects_semicolon),
        cmocka_unit_test(test_csv__detects_tab),
        cmocka_unit_test(test_csv__detects_comma_on_tie_or_none),
        cmocka_unit_test(test_csv__given_delimiter_is_kept),
        cmocka_unit_test(test_csv__line_ends),
        cmocka_unit_test(test_csv__crlf_inside_quotes_is_kept),
        cmocka_unit_test(test_csv__empty_file_has_no_record),
        cmocka_unit_test(test_csv__header_only),
        cmocka_unit_test(test_csv__quote_inside_unquoted_field_is_kept),
        cmocka_unit_test(test_csv__empty_fields),
        cmocka_unit_test(test_csv__quoted_field_spanning_lines),
        cmocka_unit_test(test_csv__tiny_chunks),
        cmocka_unit_test(test_csv__very_long_field),
        cmocka_unit_test(test_csv__recovers_after_bad_record),
        cmocka_unit_test(test_csv__recovers_after_limits),
        cmocka_unit_test(test_csv__recovers_inside_crlf),
        cmocka_unit_test(test_csv__unterminated_quote_ends_reading),
        cmocka_unit_test(test_csv__unnamed_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
