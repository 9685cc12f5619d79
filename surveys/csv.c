/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* csv.c - a streaming RFC 4180 reader over a fixed read buffer. */
#include "surveys/csv.h"

#include "surveys/error.h"

#include <string.h>

/* How the reader works.
 *
 * Bytes come through one fixed buffer, refilled only once all of it was consumed;
 * a sentinel NUL after the last byte ends every scan without a bounds check (a
 * real NUL is told from it by its place). A scan runs over the bytes that need no
 * attention (a table per state says which do), and each run is copied into the
 * record buffer at once. The record buffer, the field table and the pointer array
 * handed to the caller are kept from record to record, so a steady stream of
 * records allocates nothing.
 *
 * Lines are counted as the bytes go by (a line end outside quotes ends a record;
 * inside quotes it is counted too). Columns are not: counting characters would
 * cost a second look at every byte, and they are needed only to name a place in
 * an error or when asked. They are worked out from a field's start line and its
 * decoded content, which maps back to the source (a quoted field adds its quotes
 * and one quote per doubled quote; its line breaks are the source's).
 *
 * One leniency past RFC 4180: a quote inside a field that does not start with one
 * is kept as a character (`37°36'37.8"N`, `a 12" screen`), as spreadsheets and most
 * readers do; such fields are common in exports and read unambiguously. A field
 * that does start with a quote must end with one: text after the closing quote is
 * an error, since the writer meant a quoted field and got it wrong. */

#define BUFFER_SIZE (64 * 1024)
#define DEFAULT_FILENAME "<input>"

typedef enum {
    FIELD_START, /* before the first byte of a field */
    UNQUOTED,    /* inside a field that did not open with a quote */
    QUOTED,      /* inside a quoted field */
    QUOTE_SEEN,  /* just after a quote inside a quoted field: a closing or a doubled one */
} State;

/* What to do with the rest of a record an error was reported in, on the next call. */
typedef enum {
    SKIP_NONE,
    SKIP_RECORD, /* the record is well formed past the error: follow its quotes to its end */
    SKIP_LINE,   /* the quoting is broken: drop everything up to the next line end */
} Skip;

typedef struct {
    gsize offset; /* into the record buffer */
    guint64 line; /* where the field starts */
    gboolean quoted;
} FieldInfo;

struct SurveyCsv {
    GInputStream *in;
    char *filename;
    SurveyCsvOptions options;
    char delimiter;
    gboolean had_bom;
    gboolean started; /* BOM and delimiter dealt with */
    gboolean done;    /* nothing more can be read: end of input, I/O error, open quote */
    gboolean skip_lf; /* the last record ended with a CR: a LF right after it belongs to it */

    char *buf; /* BUFFER_SIZE bytes and the sentinel */
    gsize pos, end;
    guint8 unquoted_stop[256];
    guint8 quoted_stop[256];

    /* The current record: fields NUL-terminated one after the other in rec. */
    char *rec;
    gsize rec_len, rec_cap;
    FieldInfo *info;
    guint n_fields, info_cap;
    char **fields; /* n_fields + 1 pointers into rec, NULL-terminated */
    guint fields_cap;

    guint64 line;        /* where the next unread byte is */
    guint64 record_line; /* where the current record starts */

    /* The error recovery to run on the next call, from where the error was. */
    Skip skip;
    State skip_state;
    gboolean skip_quoted_cr;       /* in QUOTED, the last byte read was a CR */
    guint64 skip_col;              /* column of the next unread byte */
    guint64 quote_line, quote_col; /* where the open quote is, in SKIP_RECORD */
};

/* ---- Input ----------------------------------------------------------------------------------- */

static void set_io_error(SurveyCsv *csv, GError *cause, GError **error)
{
    g_set_error(error, SURVEY_ERROR, SURVEY_ERROR_IO, "%s: cannot read the file: %s", csv->filename,
                cause->message);
    g_error_free(cause);
    csv->done = TRUE;
}

/* Reads more bytes after the ones in the buffer, which must not be full. Returns the
 * count read, 0 at the end of input, -1 on error. */
static gssize fill_more(SurveyCsv *csv, GError **error)
{
    GError *cause = NULL;
    gssize n =
        g_input_stream_read(csv->in, csv->buf + csv->end, BUFFER_SIZE - csv->end, NULL, &cause);
    if (n < 0) {
        set_io_error(csv, cause, error);
        return -1;
    }
    csv->end += n;
    csv->buf[csv->end] = '\0';
    return n;
}

/* Starts the buffer anew once every byte in it was consumed. Same returns as fill_more. */
static gssize refill(SurveyCsv *csv, GError **error)
{
    g_assert(csv->pos == csv->end);
    csv->pos = csv->end = 0;
    return fill_more(csv, error);
}

/* ---- Positions ------------------------------------------------------------------------------- */

/* Moves *LINE and *COLUMN from a field's start over its opening quote (if QUOTED) and
 * over the source of its first N decoded bytes S. */
static void walk_field(const char *s, gsize n, gboolean quoted, guint64 *line, guint64 *column)
{
    if (quoted)
        (*column)++;
    for (gsize i = 0; i < n; i++) {
        guchar c = s[i];
        if (c == '"' && quoted) {
            *column += 2;
        } else if (c == '\r' || (c == '\n' && (i == 0 || s[i - 1] != '\r'))) {
            (*line)++;
            *column = 1;
        } else if (c != '\n' && (c & 0xC0) != 0x80) {
            (*column)++;
        }
    }
}

/* Where field INDEX of the current record starts. */
static void field_start(const SurveyCsv *csv, guint index, guint64 *line, guint64 *column)
{
    *line = csv->record_line;
    *column = 1;
    for (guint i = 0; i < index; i++) {
        const FieldInfo *f = &csv->info[i];
        const char *s = csv->rec + f->offset;
        walk_field(s, strlen(s), f->quoted, line, column);
        *column += f->quoted ? 2 : 1; /* closing quote, delimiter */
    }
    if (index < csv->n_fields)
        *line = csv->info[index].line;
}

/* Where the next source byte of the last field of the current record is, with
 * everything read so far of that field in the record buffer. */
static void field_cursor(const SurveyCsv *csv, guint64 *line, guint64 *column)
{
    g_assert(csv->n_fields > 0);
    const FieldInfo *f = &csv->info[csv->n_fields - 1];
    field_start(csv, csv->n_fields - 1, line, column);
    walk_field(csv->rec + f->offset, csv->rec_len - f->offset, f->quoted, line, column);
}

static void set_error(SurveyCsv *csv, GError **error, int code, guint64 line, guint64 column,
                      const char *format, ...) G_GNUC_PRINTF(6, 7);

static void set_error(SurveyCsv *csv, GError **error, int code, guint64 line, guint64 column,
                      const char *format, ...)
{
    va_list args;
    va_start(args, format);
    g_autofree char *what = g_strdup_vprintf(format, args);
    va_end(args);
    g_set_error(error, SURVEY_ERROR, code, "%s:%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT ": %s",
                csv->filename, line, column, what);
}

/* ---- Record buffer --------------------------------------------------------------------------- */

static void reserve(SurveyCsv *csv, gsize more)
{
    if (G_LIKELY(csv->rec_cap - csv->rec_len >= more))
        return;
    gsize cap = csv->rec_cap;
    while (cap - csv->rec_len < more)
        cap *= 2;
    csv->rec = g_realloc(csv->rec, cap);
    csv->rec_cap = cap;
}

static inline void append(SurveyCsv *csv, const char *bytes, gsize n)
{
    reserve(csv, n);
    memcpy(csv->rec + csv->rec_len, bytes, n);
    csv->rec_len += n;
}

static void begin_field(SurveyCsv *csv, gboolean quoted)
{
    if (G_UNLIKELY(csv->n_fields == csv->info_cap)) {
        csv->info_cap *= 2;
        csv->info = g_renew(FieldInfo, csv->info, csv->info_cap);
    }
    csv->info[csv->n_fields++] = (FieldInfo){csv->rec_len, csv->line, quoted};
}

static inline void end_field(SurveyCsv *csv)
{
    reserve(csv, 1);
    csv->rec[csv->rec_len++] = '\0';
}

/* Points the caller's array at the fields of the finished record. */
static void publish(SurveyCsv *csv, char ***fields, guint *n)
{
    if (csv->fields_cap < csv->n_fields + 1) {
        csv->fields_cap = MAX(csv->fields_cap * 2, csv->n_fields + 1);
        csv->fields = g_renew(char *, csv->fields, csv->fields_cap);
    }
    for (guint i = 0; i < csv->n_fields; i++)
        csv->fields[i] = csv->rec + csv->info[i].offset;
    csv->fields[csv->n_fields] = NULL;
    *fields = csv->fields;
    *n = csv->n_fields;
}

/* ---- Start: BOM and delimiter ---------------------------------------------------------------- */

/* Reads until the buffer holds at least N bytes or the input ends. */
static gboolean fill_to(SurveyCsv *csv, gsize n, GError **error)
{
    while (csv->end < n) {
        gssize got = fill_more(csv, error);
        if (got < 0)
            return FALSE;
        if (got == 0)
            break;
    }
    return TRUE;
}

/* Counts ',' ';' and TAB outside quotes in the first record (as far as the buffer
 * holds it) and takes the most frequent, ',' when none is or on a tie with it. A
 * quote opens a quoted field only at the start of a field, as in read_record; a
 * field starts after any of the candidates. */
static gboolean detect_delimiter(SurveyCsv *csv, GError **error)
{
    static const char candidates[] = {',', ';', '\t'};
    guint counts[G_N_ELEMENTS(candidates)] = {0};
    State state = FIELD_START;
    gsize i = csv->pos;

    for (;;) {
        for (; i < csv->end; i++) {
            char c = csv->buf[i];
            if (state == QUOTED) {
                if (c == '"')
                    state = QUOTE_SEEN;
                continue;
            }
            if (c == '"' && state != UNQUOTED) {
                state = QUOTED; /* an opening or a doubled quote */
                continue;
            }
            if (c == '\n' || c == '\r')
                goto decide;
            state = UNQUOTED;
            for (guint k = 0; k < G_N_ELEMENTS(candidates); k++) {
                if (c == candidates[k]) {
                    counts[k]++;
                    state = FIELD_START;
                }
            }
        }
        if (csv->end == BUFFER_SIZE)
            break; /* a first record longer than the buffer: what was seen will do */
        gssize got = fill_more(csv, error);
        if (got < 0)
            return FALSE;
        if (got == 0)
            break;
    }
decide:
    csv->delimiter = candidates[0];
    guint best = counts[0];
    for (guint k = 1; k < G_N_ELEMENTS(candidates); k++) {
        if (counts[k] > best) {
            best = counts[k];
            csv->delimiter = candidates[k];
        }
    }
    return TRUE;
}

static gboolean start(SurveyCsv *csv, GError **error)
{
    if (!fill_to(csv, 3, error))
        return FALSE;
    if (csv->end >= 3 && memcmp(csv->buf, "\xEF\xBB\xBF", 3) == 0) {
        csv->had_bom = TRUE;
        csv->pos = 3;
    }
    if (csv->delimiter == 0 && !detect_delimiter(csv, error))
        return FALSE;

    memset(csv->unquoted_stop, 0, sizeof csv->unquoted_stop);
    memset(csv->quoted_stop, 0, sizeof csv->quoted_stop);
    static const guchar line_ends[] = {'\r', '\n', '\0'};
    for (guint k = 0; k < G_N_ELEMENTS(line_ends); k++)
        csv->unquoted_stop[line_ends[k]] = csv->quoted_stop[line_ends[k]] = 1;
    csv->unquoted_stop[(guchar)csv->delimiter] = 1;
    csv->quoted_stop['"'] = 1;
    csv->started = TRUE;
    return TRUE;
}

/* ---- Error recovery -------------------------------------------------------------------------- */

/* Drops the rest of the record an error was reported in (see Skip). Follows its
 * quotes and counts lines and columns as it goes, so that an open quote left at
 * the end of input is reported where it opened. Returns FALSE with ERROR set on
 * such a quote or an I/O error, FALSE without ERROR at the end of input. */
static gboolean skip_rest(SurveyCsv *csv, GError **error)
{
    Skip skip = csv->skip;
    State state = csv->skip_state;
    gboolean quoted_cr = csv->skip_quoted_cr;
    guint64 column = csv->skip_col;
    csv->skip = SKIP_NONE;

    for (;;) {
        if (csv->pos == csv->end) {
            gssize got = refill(csv, error);
            if (got < 0)
                return FALSE;
            if (got == 0) {
                csv->done = TRUE;
                if (skip == SKIP_RECORD && state == QUOTED) {
                    set_error(csv, error, SURVEY_ERROR_INVALID, csv->quote_line, csv->quote_col,
                              "unterminated quoted field (its quote opens here); close it with "
                              "a quote, and double every quote inside it");
                }
                return FALSE;
            }
        }
        guchar c = csv->buf[csv->pos++];
        if (skip == SKIP_LINE || state != QUOTED) {
            if (c == '\r' || c == '\n') {
                csv->line++;
                csv->skip_lf = c == '\r';
                return TRUE;
            }
            if (skip == SKIP_RECORD) {
                if (c == '"' && state == FIELD_START) {
                    state = QUOTED;
                    csv->quote_line = csv->line;
                    csv->quote_col = column;
                } else if (c == '"' && state == QUOTE_SEEN) {
                    state = QUOTED; /* a doubled quote */
                } else if ((guchar)c == (guchar)csv->delimiter) {
                    state = FIELD_START;
                } else if (state == QUOTE_SEEN) {
                    skip = SKIP_LINE;
                } else {
                    state = UNQUOTED;
                }
            }
        } else if (c == '"') {
            state = QUOTE_SEEN;
        } else if (c == '\r' || (c == '\n' && !quoted_cr)) {
            csv->line++;
            column = 0;
        } else if (c == '\n') {
            column--; /* the LF of a CRLF, counted with the CR */
        }
        quoted_cr = c == '\r';
        if ((c & 0xC0) != 0x80)
            column++;
    }
}

/* Sets up recovery after an error at the next unread byte, found in STATE. */
static void plan_skip(SurveyCsv *csv, Skip skip, State state, guint64 column)
{
    csv->skip = skip;
    csv->skip_state = state;
    csv->skip_col = column;
    /* Inside quotes, the bytes read are all in the record buffer. */
    csv->skip_quoted_cr = state == QUOTED && csv->rec_len > csv->info[csv->n_fields - 1].offset &&
                          csv->rec[csv->rec_len - 1] == '\r';
    if (state == QUOTED || state == QUOTE_SEEN)
        field_start(csv, csv->n_fields - 1, &csv->quote_line, &csv->quote_col);
}

/* ---- Records --------------------------------------------------------------------------------- */

static void too_large(SurveyCsv *csv, State state, GError **error)
{
    guint64 line, column, start_line, start_column;
    field_start(csv, csv->n_fields - 1, &start_line, &start_column);
    field_cursor(csv, &line, &column);
    if (state == QUOTE_SEEN)
        column++; /* the quote just read */
    set_error(csv, error, SURVEY_ERROR_TOO_LARGE, start_line, start_column,
              "field longer than %" G_GSIZE_FORMAT " bytes; shorten it, or check that its "
              "quotes are closed",
              csv->options.max_field);
    plan_skip(csv, SKIP_RECORD, state, column);
}

/* Appends N bytes to the current field unless that passes the field limit. */
static inline gboolean append_checked(SurveyCsv *csv, const char *bytes, gsize n, State state,
                                      GError **error)
{
    if (csv->options.max_field &&
        csv->rec_len - csv->info[csv->n_fields - 1].offset + n > csv->options.max_field) {
        too_large(csv, state, error);
        return FALSE;
    }
    append(csv, bytes, n);
    return TRUE;
}

/* The byte at the read position is a NUL, seen in STATE. */
static void nul_byte(SurveyCsv *csv, State state, GError **error)
{
    guint64 line = csv->line, column = 1;
    if (state == FIELD_START)
        field_start(csv, csv->n_fields, &line, &column);
    else
        field_cursor(csv, &line, &column);
    if (state == QUOTE_SEEN)
        column++;
    set_error(csv, error, SURVEY_ERROR_INVALID, line, column,
              "NUL byte; this is not a text file (if it is UTF-16, save it as UTF-8)");
    csv->pos++;
    plan_skip(csv, SKIP_RECORD, state == QUOTE_SEEN ? UNQUOTED : state, column + 1);
    csv->skip_quoted_cr = FALSE; /* the NUL came after any CR */
}

/* The next field would be one past the limit. */
static void too_many_fields(SurveyCsv *csv, GError **error)
{
    guint64 line, column;
    field_start(csv, csv->n_fields, &line, &column);
    set_error(csv, error, SURVEY_ERROR_TOO_LARGE, line, column,
              "more than %u fields in a record; check the delimiter, and quote the fields "
              "that hold it",
              csv->options.max_fields);
    if (!csv->done)
        plan_skip(csv, SKIP_RECORD, FIELD_START, column);
}

/* Reads one record in full. Returns 1 with a record, 0 at the end of input, -1 on error. */
static int read_record(SurveyCsv *csv, GError **error)
{
    csv->rec_len = 0;
    csv->n_fields = 0;
    for (;;) {
        if (csv->pos == csv->end) {
            gssize got = refill(csv, error);
            if (got <= 0) {
                csv->done = TRUE;
                return (int)got;
            }
        }
        if (!csv->skip_lf)
            break;
        csv->skip_lf = FALSE;
        if (csv->buf[csv->pos] == '\n')
            csv->pos++;
    }
    csv->record_line = csv->line;

    const guchar delimiter = csv->delimiter;
    const guint max_fields = csv->options.max_fields;
    State state = FIELD_START;
    gboolean quoted_cr = FALSE;
    for (;;) {
        if (csv->pos == csv->end) {
            gssize got = refill(csv, error);
            if (got < 0)
                return -1;
            if (got == 0)
                goto end_of_input;
        }
        const char *p = csv->buf + csv->pos;
        const char *q = p;
        guchar c;
        switch (state) {
        case FIELD_START:
            if (G_UNLIKELY(max_fields && csv->n_fields == max_fields))
                goto too_many_fields;
            if (*p == '"') {
                begin_field(csv, TRUE);
                csv->pos++;
                state = QUOTED;
                quoted_cr = FALSE;
            } else {
                begin_field(csv, FALSE);
                state = UNQUOTED;
            }
            break;

        case UNQUOTED:
            while (!csv->unquoted_stop[(guchar)*q])
                q++;
            if (q > p && !append_checked(csv, p, q - p, UNQUOTED, error))
                return -1;
            csv->pos = q - csv->buf;
            if (csv->pos == csv->end)
                break;
            c = *q;
            if (c == delimiter) {
                csv->pos++;
                end_field(csv);
                state = FIELD_START;
            } else if (c == '\n' || c == '\r') {
                csv->pos++;
                goto end_of_line;
            } else {
                nul_byte(csv, UNQUOTED, error);
                return -1;
            }
            break;

        case QUOTED:
            while (!csv->quoted_stop[(guchar)*q])
                q++;
            if (q > p) {
                if (!append_checked(csv, p, q - p, QUOTED, error))
                    return -1;
                quoted_cr = FALSE;
            }
            csv->pos = q - csv->buf;
            if (csv->pos == csv->end)
                break;
            c = *q;
            if (c == '"') {
                csv->pos++;
                state = QUOTE_SEEN;
            } else if (c == '\n' || c == '\r') {
                if (!append_checked(csv, q, 1, QUOTED, error))
                    return -1;
                csv->pos++;
                if (c == '\r' || !quoted_cr)
                    csv->line++;
                quoted_cr = c == '\r';
            } else {
                nul_byte(csv, QUOTED, error);
                return -1;
            }
            break;

        case QUOTE_SEEN:
            c = *p;
            if (c == '"') {
                if (!append_checked(csv, p, 1, QUOTE_SEEN, error))
                    return -1;
                csv->pos++;
                state = QUOTED;
                quoted_cr = FALSE;
            } else if (c == delimiter) {
                csv->pos++;
                end_field(csv);
                state = FIELD_START;
            } else if (c == '\n' || c == '\r') {
                csv->pos++;
                goto end_of_line;
            } else if (c == '\0') {
                nul_byte(csv, QUOTE_SEEN, error);
                return -1;
            } else {
                guint64 line, column;
                field_cursor(csv, &line, &column);
                column++; /* the closing quote */
                set_error(csv, error, SURVEY_ERROR_INVALID, line, column,
                          "text after the closing quote of a field; put the whole field in "
                          "quotes and double the quotes inside it (\"\")");
                csv->skip = SKIP_LINE;
                return -1;
            }
            break;
        }
    }

end_of_line:
    /* The byte before the read position is the CR or LF that ends the record. */
    end_field(csv);
    csv->line++;
    csv->skip_lf = csv->buf[csv->pos - 1] == '\r';
    return 1;

end_of_input:
    csv->done = TRUE;
    if (state == QUOTED) {
        guint64 line, column;
        field_start(csv, csv->n_fields - 1, &line, &column);
        set_error(csv, error, SURVEY_ERROR_INVALID, line, column,
                  "unterminated quoted field (its quote opens here); close it with a quote, "
                  "and double every quote inside it");
        return -1;
    }
    if (state == FIELD_START) {
        /* The record ends with a delimiter: one more, empty, field. */
        if (max_fields && csv->n_fields == max_fields)
            goto too_many_fields;
        begin_field(csv, FALSE);
    }
    end_field(csv);
    return 1;

too_many_fields:
    too_many_fields(csv, error);
    return -1;
}

/* ---- Public API ------------------------------------------------------------------------------ */

SurveyCsv *survey_csv_new(GInputStream *in, const char *filename, const SurveyCsvOptions *options)
{
    g_return_val_if_fail(G_IS_INPUT_STREAM(in), NULL);
    g_return_val_if_fail(!options || (options->delimiter != '"' && options->delimiter != '\r' &&
                                      options->delimiter != '\n'),
                         NULL);

    SurveyCsv *csv = g_new0(SurveyCsv, 1);
    csv->in = g_object_ref(in);
    csv->filename = g_strdup(filename ? filename : DEFAULT_FILENAME);
    if (options)
        csv->options = *options;
    csv->delimiter = csv->options.delimiter;
    csv->buf = g_malloc(BUFFER_SIZE + 1);
    csv->buf[0] = '\0';
    csv->rec_cap = 4096;
    csv->rec = g_malloc(csv->rec_cap);
    csv->info_cap = 16;
    csv->info = g_new(FieldInfo, csv->info_cap);
    csv->line = 1;
    csv->record_line = 1;
    return csv;
}

void survey_csv_free(SurveyCsv *csv)
{
    if (!csv)
        return;
    g_object_unref(csv->in);
    g_free(csv->filename);
    g_free(csv->buf);
    g_free(csv->rec);
    g_free(csv->info);
    g_free(csv->fields);
    g_free(csv);
}

gboolean survey_csv_next(SurveyCsv *csv, char ***fields, guint *n, GError **error)
{
    g_return_val_if_fail(csv != NULL && fields != NULL && n != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

    *fields = NULL;
    *n = 0;
    if (csv->done)
        return FALSE;
    if (!csv->started && !start(csv, error)) {
        csv->done = TRUE;
        return FALSE;
    }
    if (csv->skip != SKIP_NONE && !skip_rest(csv, error))
        return FALSE;
    if (read_record(csv, error) <= 0)
        return FALSE;
    publish(csv, fields, n);
    return TRUE;
}

guint64 survey_csv_line(const SurveyCsv *csv)
{
    g_return_val_if_fail(csv != NULL, 0);
    return csv->record_line;
}

void survey_csv_field_position(const SurveyCsv *csv, guint index, guint64 *line, guint64 *column)
{
    g_return_if_fail(csv != NULL && line != NULL && column != NULL);
    g_return_if_fail(index < csv->n_fields);
    field_start(csv, index, line, column);
}

char survey_csv_delimiter(const SurveyCsv *csv)
{
    g_return_val_if_fail(csv != NULL, 0);
    return csv->delimiter;
}

gboolean survey_csv_had_bom(const SurveyCsv *csv)
{
    g_return_val_if_fail(csv != NULL, FALSE);
    return csv->had_bom;
}
