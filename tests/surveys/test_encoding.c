/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* test_encoding.c - tests of surveys/encoding.c: UTF-8 or Windows-1252, digest, limits. */
#include "helpers.h"

#include "surveys/encoding.h"
#include "surveys/error.h"

#include <string.h>

/* ---- A stream that hands out a fixed number of bytes at a time ------------------------------- */

typedef struct {
    GMemoryInputStream parent;
    gsize chunk;
} ChunkStream;

typedef struct {
    GMemoryInputStreamClass parent_class;
} ChunkStreamClass;

G_DEFINE_TYPE(ChunkStream, chunk_stream, G_TYPE_MEMORY_INPUT_STREAM)

static gssize chunk_stream_read(GInputStream *stream, void *buffer, gsize count,
                                GCancellable *cancellable, GError **error)
{
    ChunkStream *self = (ChunkStream *)stream;
    return G_INPUT_STREAM_CLASS(chunk_stream_parent_class)
        ->read_fn(stream, buffer, MIN(count, self->chunk), cancellable, error);
}

static void chunk_stream_class_init(ChunkStreamClass *klass)
{
    G_INPUT_STREAM_CLASS(klass)->read_fn = chunk_stream_read;
}

static void chunk_stream_init(ChunkStream *self)
{
    self->chunk = 1;
}

/* A stream over LENGTH bytes of DATA (-1: up to its NUL) handing out CHUNK bytes a
 * read at most (0: as many as asked). */
static GInputStream *stream_new(const char *data, gssize length, gsize chunk)
{
    gsize n = length < 0 ? strlen(data) : (gsize)length;
    GInputStream *stream = g_object_new(chunk_stream_get_type(), NULL);
    ((ChunkStream *)stream)->chunk = chunk ? chunk : G_MAXSIZE;
    g_memory_input_stream_add_data(G_MEMORY_INPUT_STREAM(stream), g_memdup2(data, n), n, g_free);
    return stream;
}

static void scan_ok(const char *data, gssize length, gsize chunk, SurveyScan *scan)
{
    g_autoptr(GInputStream) in = stream_new(data, length, chunk);
    g_autoptr(GError) error = NULL;
    if (!survey_encoding_scan(in, "test.csv", 0, scan, &error))
        fail_msg("unexpected error: %s", error->message);
}

static GError *scan_error(const char *data, gssize length, gsize chunk, guint64 max_size)
{
    g_autoptr(GInputStream) in = stream_new(data, length, chunk);
    SurveyScan scan;
    GError *error = NULL;
    assert_false(survey_encoding_scan(in, "test.csv", max_size, &scan, &error));
    assert_non_null(error);
    assert_true(error->domain == SURVEY_ERROR);
    return error;
}

/* ---- Tests ----------------------------------------------------------------------------------- */

static void test_encoding__utf8_detected(void **state)
{
    const char *data = "place,d\xC3\xA9"
                       "fi\nLa Fabrique,\xE2\x82\xAC \xF0\x9F\x98\x80\n";
    SurveyScan scan;
    scan_ok(data, -1, 0, &scan);
    assert_int_equal(scan.encoding, SURVEY_ENCODING_UTF8);
    assert_int_equal(scan.size, strlen(data));
    assert_false(scan.has_nul);
    assert_string_equal(survey_encoding_name(scan.encoding), "UTF-8");

    g_autoptr(GInputStream) in = stream_new(data, -1, 0);
    g_autoptr(GInputStream) utf8 = survey_encoding_utf8_stream(in, scan.encoding);
    assert_ptr_equal(utf8, in);
}

static void test_encoding__empty_file_is_utf8(void **state)
{
    SurveyScan scan;
    scan_ok("", 0, 0, &scan);
    assert_int_equal(scan.encoding, SURVEY_ENCODING_UTF8);
    assert_int_equal(scan.size, 0);
    g_autofree char *expected = g_compute_checksum_for_data(G_CHECKSUM_SHA256, NULL, 0);
    assert_string_equal(scan.sha256, expected);
}

static void test_encoding__windows_1252_detected_and_converted(void **state)
{
    const char *data = "th\xE8me;d\xE9"
                       "fi\ncaf\xE9 \x80;\x9C"
                       "uvre \x93\x85\x94\n";
    SurveyScan scan;
    scan_ok(data, -1, 3, &scan);
    assert_int_equal(scan.encoding, SURVEY_ENCODING_WINDOWS_1252);
    assert_string_equal(survey_encoding_name(scan.encoding), "Windows-1252");

    g_autoptr(GInputStream) in = stream_new(data, -1, 3);
    g_autoptr(GInputStream) utf8 = survey_encoding_utf8_stream(in, scan.encoding);
    assert_non_null(utf8);
    g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable();
    g_autoptr(GError) error = NULL;
    assert_true(
        g_output_stream_splice(out, utf8, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error) >= 0);
    assert_null(error);
    GMemoryOutputStream *memory = G_MEMORY_OUTPUT_STREAM(out);
    g_autofree char *text = g_strndup(g_memory_output_stream_get_data(memory),
                                      g_memory_output_stream_get_data_size(memory));
    assert_string_equal(text, "th\xC3\xA8me;d\xC3\xA9"
                              "fi\ncaf\xC3\xA9 \xE2\x82\xAC;\xC5\x93"
                              "uvre \xE2\x80\x9C\xE2\x80\xA6\xE2\x80\x9D\n");
    assert_true(g_utf8_validate(text, -1, NULL));
}

static void test_encoding__invalid_in_both_names_the_place(void **state)
{
    /* 0xE9 is not UTF-8 here (a lead byte followed by ','), 0x81 not Windows-1252. */
    for (gsize chunk = 0; chunk < 4; chunk++) {
        g_autoptr(GError) error = scan_error("a,b\ncaf\xE9,\x81\n", -1, chunk, 0);
        assert_int_equal(error->code, SURVEY_ERROR_ENCODING);
        if (!g_str_has_prefix(error->message, "test.csv:2:6: byte 0x81 is not Windows-1252") ||
            !strstr(error->message, "2:4"))
            fail_msg("unexpected message: %s", error->message);
    }
}

static void test_encoding__undefined_byte_in_valid_utf8_is_fine(void **state)
{
    /* 0x81 and 0x8D as UTF-8 continuation bytes: Á and č. */
    SurveyScan scan;
    scan_ok("\xC3\x81\xC4\x8D\n", -1, 1, &scan);
    assert_int_equal(scan.encoding, SURVEY_ENCODING_UTF8);
}

static void test_encoding__undefined_byte_alone(void **state)
{
    /* Valid UTF-8 up to a lone 0x9D: both checks fail on the same byte. CRLF counts once. */
    g_autoptr(GError) error = scan_error("a\r\nb\r\n\xC3\xA9t\xC3\xA9 \x9D\n", -1, 0, 0);
    assert_int_equal(error->code, SURVEY_ERROR_ENCODING);
    if (!g_str_has_prefix(error->message, "test.csv:3:5: byte 0x9D"))
        fail_msg("unexpected message: %s", error->message);
}

static void test_encoding__multibyte_split_across_reads(void **state)
{
    const char *data = "\xC3\xA9\xE2\x82\xAC\xF0\x9D\x84\x9E"
                       "a\xF4\x8F\xBF\xBF\n";
    for (gsize chunk = 1; chunk <= 5; chunk++) {
        SurveyScan scan;
        scan_ok(data, -1, chunk, &scan);
        assert_int_equal(scan.encoding, SURVEY_ENCODING_UTF8);
    }

    /* A character split by the scanner's own 64 KiB buffer. */
    gsize size = 64 * 1024 + 16;
    g_autofree char *big = g_malloc(size);
    memset(big, 'x', size);
    memcpy(big + 64 * 1024 - 2, "\xF0\x9F\x98\x80", 4);
    SurveyScan scan;
    scan_ok(big, size, 0, &scan);
    assert_int_equal(scan.encoding, SURVEY_ENCODING_UTF8);

    /* A broken sequence split across reads is reported where it starts. */
    for (gsize chunk = 1; chunk <= 3; chunk++) {
        g_autoptr(GError) error = scan_error("ok\n\xE2\x82X\x81", -1, chunk, 0);
        if (!g_str_has_prefix(error->message, "test.csv:2:3: byte 0x81") ||
            !strstr(error->message, "UTF-8 is at 2:1"))
            fail_msg("chunk %zu: unexpected message: %s", chunk, error->message);
    }
}

static void test_encoding__invalid_utf8_forms(void **state)
{
    /* Each is invalid UTF-8 (overlong, surrogate, past U+10FFFF, cut short) but
     * Windows-1252. */
    static const char *inputs[] = {"\xC0\xAF",         "\xE0\x80\xAF",     "\xED\xA0\x80",
                                   "\xF4\xA0\x80\x80", "\xF5\x80\x80\x80", "ab\xE2\x82"};
    for (guint i = 0; i < G_N_ELEMENTS(inputs); i++) {
        for (gsize chunk = 0; chunk < 3; chunk++) {
            SurveyScan scan;
            scan_ok(inputs[i], -1, chunk, &scan);
            assert_int_equal(scan.encoding, SURVEY_ENCODING_WINDOWS_1252);
        }
    }
}

static void test_encoding__sha256_matches(void **state)
{
    gsize size = 200 * 1024 + 8; /* whole characters */
    g_autofree char *data = g_malloc(size);
    for (gsize i = 0; i < size; i++)
        data[i] = "abc,\"\n\xC3\xA9"[i % 8];
    g_autofree char *expected =
        g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *)data, size);
    for (gsize chunk = 0; chunk < 1000; chunk += 999) {
        SurveyScan scan;
        scan_ok(data, size, chunk, &scan);
        assert_string_equal(scan.sha256, expected);
        assert_int_equal(scan.size, size);
        assert_int_equal(scan.encoding, SURVEY_ENCODING_UTF8);
    }
}

static void test_encoding__size_cap(void **state)
{
    SurveyScan scan;
    g_autoptr(GInputStream) in = stream_new("0123456789", -1, 3);
    g_autoptr(GError) none = NULL;
    assert_true(survey_encoding_scan(in, "test.csv", 10, &scan, &none));
    assert_int_equal(scan.size, 10);

    g_autoptr(GError) error = scan_error("0123456789A", -1, 3, 10);
    assert_int_equal(error->code, SURVEY_ERROR_TOO_LARGE);
    assert_true(g_str_has_prefix(error->message, "test.csv: larger than 10 bytes"));
}

static void test_encoding__has_nul(void **state)
{
    SurveyScan scan;
    scan_ok("a,b\n\0,c\n", 8, 0, &scan);
    assert_true(scan.has_nul);
    assert_int_equal(scan.encoding, SURVEY_ENCODING_UTF8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encoding__utf8_detected),
        cmocka_unit_test(test_encoding__empty_file_is_utf8),
        cmocka_unit_test(test_encoding__windows_1252_detected_and_converted),
        cmocka_unit_test(test_encoding__invalid_in_both_names_the_place),
        cmocka_unit_test(test_encoding__undefined_byte_in_valid_utf8_is_fine),
        cmocka_unit_test(test_encoding__undefined_byte_alone),
        cmocka_unit_test(test_encoding__multibyte_split_across_reads),
        cmocka_unit_test(test_encoding__invalid_utf8_forms),
        cmocka_unit_test(test_encoding__sha256_matches),
        cmocka_unit_test(test_encoding__size_cap),
        cmocka_unit_test(test_encoding__has_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
