/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* encoding.c - tells UTF-8 from Windows-1252 in one pass, and converts the latter. */
#include "surveys/encoding.h"

#include "surveys/error.h"

#include <string.h>

#define BUFFER_SIZE (64 * 1024)

/* Lines and columns are not counted byte by byte: a place is needed only for an
 * error. Each buffer's line breaks are counted in one tight pass, and where the
 * last line of a buffer starts is remembered; the place of a byte is worked out
 * from these when it is needed. Line ends are LF, CRLF or a lone CR, as for the
 * CSV reader; columns count characters as UTF-8 does (bytes 0x80-0xBF add none). */

typedef struct {
    guint64 line;     /* line of the buffer's first byte */
    guint64 column;   /* column of the buffer's first byte */
    gboolean prev_cr; /* the byte before the buffer was a CR */
} Place;

typedef struct {
    guint64 line, column;
} Position;

/* Line breaks in S[0..N), a LF right after a CR not counted again. */
static guint64 count_breaks(const guchar *s, gsize n, gboolean prev_cr)
{
    const guchar *end = s + n;
    guint64 breaks = 0;
    for (const guchar *p = s; (p = memchr(p, '\n', end - p)); p++)
        breaks++;
    for (const guchar *p = s; (p = memchr(p, '\r', end - p)); p++)
        breaks += p + 1 == end || p[1] != '\n'; /* a CRLF's LF was counted already */
    if (n > 0 && prev_cr && s[0] == '\n')
        breaks--;
    return breaks;
}

static guint64 count_chars(const guchar *s, gsize n)
{
    guint64 chars = 0;
    for (gsize i = 0; i < n; i++)
        chars += (s[i] & 0xC0) != 0x80;
    return chars;
}

/* Where S[OFFSET] is, S being a buffer that starts at PLACE. */
static Position position_at(const Place *place, const guchar *s, gsize offset)
{
    Position at = {place->line + count_breaks(s, offset, place->prev_cr), place->column};
    gsize i = offset;
    while (i > 0 && s[i - 1] != '\r' && s[i - 1] != '\n')
        i--;
    if (i > 0)
        at.column = 1;
    at.column += count_chars(s + i, offset - i);
    return at;
}

/* Moves PLACE past the N bytes of buffer S. */
static void advance(Place *place, const guchar *s, gsize n)
{
    if (n == 0)
        return;
    Position end = position_at(place, s, n);
    *place = (Place){end.line, end.column, s[n - 1] == '\r'};
}

/* Bytes that Windows-1252 leaves undefined. */
static inline gboolean undefined_in_1252(guchar c)
{
    return c == 0x81 || c == 0x8D || c == 0x8F || c == 0x90 || c == 0x9D;
}

static inline gboolean ascii8(const guchar *s)
{
    guint64 word;
    memcpy(&word, s, 8);
    return (word & G_GUINT64_CONSTANT(0x8080808080808080)) == 0;
}

/* The offset of the first byte of S[0..N) undefined in Windows-1252, or N. */
static gsize check_1252(const guchar *s, gsize n)
{
    gsize i = 0;
    while (i < n) {
        if (i + 8 <= n && ascii8(s + i))
            i += 8;
        else if (undefined_in_1252(s[i]))
            return i;
        else
            i++;
    }
    return n;
}

/* A UTF-8 validator that can stop anywhere and go on with the next buffer. */
typedef struct {
    guint need;    /* continuation bytes still expected */
    guchar lo, hi; /* the range the next continuation byte must fall in */
    gssize lead;   /* offset of the open sequence's first byte; negative: an earlier buffer */
} Utf8State;

/* Checks S[0..N) on from STATE, and looks for bytes undefined in Windows-1252 on
 * the way. Stops at the first invalid UTF-8 and returns the offset where it stopped,
 * with *BAD the offset of the first byte of the invalid sequence (negative: it
 * opened in an earlier buffer); returns N when all is valid so far (a sequence may
 * be left open at the end, in STATE). *UNDEFINED is set to the offset of the first
 * byte undefined in Windows-1252 up to where it stopped, and left alone if none is. */
static gsize check_utf8(Utf8State *state, const guchar *s, gsize n, gssize *bad, gsize *undefined)
{
    gsize i = 0;
    while (i < n) {
        if (state->need == 0 && i + 8 <= n && ascii8(s + i)) {
            i += 8;
            continue;
        }
        guchar c = s[i];
        if (c < 0x80 && state->need == 0) {
            i++;
            continue;
        }
        if (G_UNLIKELY(c <= 0x9D && undefined_in_1252(c)) && *undefined == n)
            *undefined = i;
        if (state->need == 0) {
            state->lead = i;
            state->lo = 0x80;
            state->hi = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                state->need = 1;
            } else if (c >= 0xE0 && c <= 0xEF) {
                state->need = 2;
                if (c == 0xE0)
                    state->lo = 0xA0; /* no overlong forms */
                else if (c == 0xED)
                    state->hi = 0x9F; /* no surrogates */
            } else if (c >= 0xF0 && c <= 0xF4) {
                state->need = 3;
                if (c == 0xF0)
                    state->lo = 0x90;
                else if (c == 0xF4)
                    state->hi = 0x8F; /* nothing past U+10FFFF */
            } else {
                *bad = i;
                return i;
            }
        } else {
            if (c < state->lo || c > state->hi) {
                *bad = state->lead;
                return i;
            }
            state->lo = 0x80;
            state->hi = 0xBF;
            state->need--;
        }
        i++;
    }
    return n;
}

static gboolean set_read_error(GError *cause, const char *filename, GError **error)
{
    g_set_error(error, SURVEY_ERROR, SURVEY_ERROR_IO, "%s: cannot read the file: %s", filename,
                cause->message);
    g_error_free(cause);
    return FALSE;
}

gboolean survey_encoding_scan(GInputStream *in, const char *filename, guint64 max_size,
                              SurveyScan *scan, GError **error)
{
    g_return_val_if_fail(G_IS_INPUT_STREAM(in), FALSE);
    g_return_val_if_fail(scan != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    if (!filename)
        filename = "<input>";
    memset(scan, 0, sizeof *scan);
    g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA256);
    g_autofree guchar *buf = g_malloc(BUFFER_SIZE);
    Place place = {1, 1, FALSE};
    Utf8State utf8 = {0};
    Position lead_at = {0}; /* where a UTF-8 sequence left open by the last buffer started */
    gboolean utf8_ok = TRUE, cp1252_ok = TRUE;
    Position utf8_bad = {0};   /* the first invalid UTF-8 sequence */
    Position cp1252_bad = {0}; /* the first byte undefined in Windows-1252 */
    guchar cp1252_byte = 0;

    for (;;) {
        GError *cause = NULL;
        gssize got = g_input_stream_read(in, buf, BUFFER_SIZE, NULL, &cause);
        if (got < 0)
            return set_read_error(cause, filename, error);
        if (got == 0)
            break;
        gsize n = got;
        scan->size += n;
        if (max_size && scan->size > max_size) {
            g_set_error(error, SURVEY_ERROR, SURVEY_ERROR_TOO_LARGE,
                        "%s: larger than %" G_GUINT64_FORMAT " bytes; split the file, or "
                        "raise the size limit",
                        filename, max_size);
            return FALSE;
        }
        g_checksum_update(checksum, buf, n);
        if (!scan->has_nul && memchr(buf, '\0', n))
            scan->has_nul = TRUE;

        /* Past the first invalid UTF-8, only Windows-1252 is left to check. */
        gsize undefined = n;
        if (utf8_ok) {
            gssize bad;
            gsize stop = check_utf8(&utf8, buf, n, &bad, &undefined);
            if (stop < n) {
                utf8_ok = FALSE;
                utf8_bad = bad < 0 ? lead_at : position_at(&place, buf, bad);
                if (cp1252_ok && undefined == n)
                    undefined = stop + check_1252(buf + stop, n - stop);
            } else if (utf8.need > 0) {
                if (utf8.lead >= 0)
                    lead_at = position_at(&place, buf, utf8.lead);
                utf8.lead -= (gssize)n; /* counted from the start of the next buffer */
            }
        } else if (cp1252_ok) {
            undefined = check_1252(buf, n);
        }
        if (cp1252_ok && undefined < n) {
            cp1252_ok = FALSE;
            cp1252_byte = buf[undefined];
            cp1252_bad = position_at(&place, buf, undefined);
        }
        if (!utf8_ok && !cp1252_ok)
            break;
        advance(&place, buf, n);
    }

    if (utf8_ok && utf8.need > 0) {
        utf8_ok = FALSE; /* a sequence cut short by the end of the file */
        utf8_bad = lead_at;
    }
    if (!utf8_ok && !cp1252_ok) {
        g_set_error(error, SURVEY_ERROR, SURVEY_ERROR_ENCODING,
                    "%s:%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT ": byte 0x%02X is not "
                    "Windows-1252, and the file is not UTF-8 either (its first invalid UTF-8 "
                    "is at %" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT "); save the file as UTF-8",
                    filename, cp1252_bad.line, cp1252_bad.column, cp1252_byte, utf8_bad.line,
                    utf8_bad.column);
        return FALSE;
    }

    scan->encoding = utf8_ok ? SURVEY_ENCODING_UTF8 : SURVEY_ENCODING_WINDOWS_1252;
    g_strlcpy(scan->sha256, g_checksum_get_string(checksum), sizeof scan->sha256);
    return TRUE;
}

GInputStream *survey_encoding_utf8_stream(GInputStream *in, SurveyEncoding encoding)
{
    g_return_val_if_fail(G_IS_INPUT_STREAM(in), NULL);

    if (encoding == SURVEY_ENCODING_UTF8)
        return g_object_ref(in);

    g_autoptr(GError) error = NULL;
    g_autoptr(GCharsetConverter) converter =
        g_charset_converter_new("UTF-8", "WINDOWS-1252", &error);
    if (!converter) {
        /* Every iconv we build on knows Windows-1252: this is a broken system. */
        g_critical("cannot convert from Windows-1252: %s", error->message);
        return NULL;
    }
    return g_converter_input_stream_new(in, G_CONVERTER(converter));
}

const char *survey_encoding_name(SurveyEncoding encoding)
{
    switch (encoding) {
    case SURVEY_ENCODING_UTF8:
        return "UTF-8";
    case SURVEY_ENCODING_WINDOWS_1252:
        return "Windows-1252";
    }
    return "unknown";
}
