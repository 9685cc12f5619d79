/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* gen_survey.c - a large, realistic canonical CSV survey for the import benchmark.
 *
 * Texts are real French answers of the Grand Débat (ECO_01.jsonl.gz). Rows draw
 * them with repeats following a Zipf law (a few texts very often, most rarely),
 * then vary them the way places write the same thing: case, accents,
 * punctuation, apostrophes, the odd typo. Rows are spread over places, each with
 * a fixed member count. The output is the same for the same --seed and data.
 *
 *   bench_gen_survey [--rows N] [--skip K] [--seed S] [--out FILE] [--data PATH]
 *
 * --skip K writes the N rows that follow the first K of the same survey: the
 * next answers of the same places (same member counts), for a further import.
 */
#include <errno.h>
#include <gio/gio.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_ROWS 1000000
#define DEFAULT_PLACES 3000
#define DEFAULT_MAX_TEXT 300 /* characters, cut at a word boundary */
#define MIN_TEXT 8           /* characters: shorter answers ("non", "rien") are skipped */

/* The ten need categories of DESIGN.md, written the way a survey tool exports them. */
static const char *const themes[] = {
    "outils de gestion", "ressources juridiques",      "ressources humaines",
    "formation",         "animation de communautés",   "documentation",
    "financement",       "gouvernance",                "communication",
    "relations aux collectivités",
};

/* ---- Reading the answers ------------------------------------------------- */

/* Copies TEXT without surrounding blanks, cut to at most MAX characters at the
 * last blank before the limit. Returns NULL when too little is left. */
static char *clean_text(const char *text, guint max)
{
    g_autofree char *copy = g_strstrip(g_strdup(text));
    glong chars = g_utf8_strlen(copy, -1);
    if (chars < MIN_TEXT)
        return NULL;
    if (chars <= (glong)max)
        return g_steal_pointer(&copy);
    char *end = g_utf8_offset_to_pointer(copy, max);
    char *cut = end;
    while (cut > copy && !g_ascii_isspace(*cut))
        cut--;
    if (cut == copy) /* one very long word: cut inside it, on a character boundary */
        cut = end;
    while (cut > copy && (g_ascii_isspace(cut[-1]) || cut[-1] == ',' || cut[-1] == ';'))
        cut--;
    *cut = '\0';
    return g_utf8_strlen(copy, -1) >= MIN_TEXT ? g_steal_pointer(&copy) : NULL;
}

/* Reads the "text" of every line of the gzip'd JSON Lines file PATH into TEXTS,
 * streaming: the file is never held whole in memory. */
static gboolean load_texts(const char *path, guint max, GPtrArray *texts, GError **error)
{
    g_autoptr(GFile) file = g_file_new_for_path(path);
    g_autoptr(GFileInputStream) raw = g_file_read(file, NULL, error);
    if (!raw) {
        g_prefix_error(error, "%s: ", path);
        return FALSE;
    }
    g_autoptr(GZlibDecompressor) gunzip = g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP);
    g_autoptr(GInputStream) plain =
        g_converter_input_stream_new(G_INPUT_STREAM(raw), G_CONVERTER(gunzip));
    g_autoptr(GDataInputStream) lines = g_data_input_stream_new(plain);
    g_data_input_stream_set_newline_type(lines, G_DATA_STREAM_NEWLINE_TYPE_LF);
    g_buffered_input_stream_set_buffer_size(G_BUFFERED_INPUT_STREAM(lines), 1 << 16);

    guint64 number = 0;
    for (;;) {
        gsize len = 0;
        GError *local = NULL;
        g_autofree char *line = g_data_input_stream_read_line(lines, &len, NULL, &local);
        if (!line) {
            if (local) {
                g_propagate_prefixed_error(error, local, "%s: ", path);
                return FALSE;
            }
            break;
        }
        number++;
        if (len == 0)
            continue;
        json_error_t jerr;
        json_t *doc = json_loadb(line, len, 0, &jerr);
        if (!doc) {
            g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s:%" G_GUINT64_FORMAT ": %s",
                        path, number, jerr.text);
            return FALSE;
        }
        const char *text = json_string_value(json_object_get(doc, "text"));
        char *kept = text ? clean_text(text, max) : NULL;
        if (kept)
            g_ptr_array_add(texts, kept);
        json_decref(doc);
    }
    if (texts->len == 0) {
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: no usable text", path);
        return FALSE;
    }
    return TRUE;
}

/* ---- Drawing ------------------------------------------------------------- */

/* P(rank r) is proportional to 1 / r^S, r = 1..N; CDF[r-1] = P(rank <= r). */
static double *zipf_cdf(guint n, double s)
{
    double *cdf = g_new(double, n);
    double sum = 0;
    for (guint r = 0; r < n; r++) {
        sum += 1.0 / pow(r + 1, s);
        cdf[r] = sum;
    }
    for (guint r = 0; r < n; r++)
        cdf[r] /= sum;
    return cdf;
}

static guint zipf_draw(const double *cdf, guint n, GRand *rand)
{
    double u = g_rand_double(rand);
    guint lo = 0, hi = n - 1;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        if (cdf[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static gboolean chance(GRand *rand, double p)
{
    return g_rand_double(rand) < p;
}

/* ---- Writing a text the way another place would ------------------------- */

/* Drops combining marks after canonical decomposition: "épargné" -> "epargne". */
static void strip_accents(GString *s)
{
    g_autofree char *nfd = g_utf8_normalize(s->str, s->len, G_NORMALIZE_NFD);
    if (!nfd)
        return;
    g_string_truncate(s, 0);
    for (const char *p = nfd; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_type(c) != G_UNICODE_NON_SPACING_MARK)
            g_string_append_unichar(s, c);
    }
    g_autofree char *nfc = g_utf8_normalize(s->str, s->len, G_NORMALIZE_NFC);
    if (nfc)
        g_string_assign(s, nfc);
}

static void change_case(GString *s, GRand *rand)
{
    double u = g_rand_double(rand);
    g_autofree char *out = NULL;
    if (u < 0.6) {
        out = g_utf8_strdown(s->str, s->len);
    } else if (u < 0.8) {
        out = g_utf8_strup(s->str, s->len);
    } else { /* flip the first letter's case only */
        gunichar c = g_utf8_get_char(s->str);
        gunichar flipped = g_unichar_isupper(c) ? g_unichar_tolower(c) : g_unichar_toupper(c);
        const char *rest = g_utf8_next_char(s->str);
        char head[8] = {0};
        g_unichar_to_utf8(flipped, head);
        out = g_strconcat(head, rest, NULL);
    }
    g_string_assign(s, out);
}

/* Replaces every FROM with TO. */
static void replace_all(GString *s, const char *from, const char *to)
{
    g_string_replace(s, from, to, 0);
}

static void change_punctuation(GString *s, GRand *rand)
{
    switch (g_rand_int_range(rand, 0, 6)) {
    case 0: /* drop the final punctuation (ASCII bytes only: never cut a character) */
        while (s->len && strchr(".!?; ", s->str[s->len - 1]) && s->str[s->len - 1])
            g_string_truncate(s, s->len - 1);
        break;
    case 1:
        g_string_append(s, g_rand_boolean(rand) ? " !" : "...");
        break;
    case 2: /* typographic apostrophes, or back to straight ones */
        if (strchr(s->str, '\''))
            replace_all(s, "'", "’");
        else
            replace_all(s, "’", "'");
        break;
    case 3:
        replace_all(s, ",", "");
        break;
    case 4:
        replace_all(s, " ", "  ");
        break;
    default: /* quotes around the whole answer, as some tools export them */
        g_string_prepend(s, "\"");
        g_string_append(s, "\"");
        break;
    }
}

/* One typo on an ASCII letter, so the text stays valid UTF-8: swap it with the
 * next letter, or drop it. */
static void add_typo(GString *s, GRand *rand)
{
    if (s->len < 4)
        return;
    for (int attempt = 0; attempt < 8; attempt++) {
        gsize i = (gsize)g_rand_int_range(rand, 0, (gint32)s->len - 1);
        if (!g_ascii_isalpha(s->str[i]) || !g_ascii_isalpha(s->str[i + 1]))
            continue;
        if (g_rand_boolean(rand)) {
            char c = s->str[i];
            s->str[i] = s->str[i + 1];
            s->str[i + 1] = c;
        } else {
            g_string_erase(s, (gssize)i, 1);
        }
        return;
    }
}

/* TEXT as one more place writes it, into OUT. Most rows keep it as it is. */
static void vary_text(GString *out, const char *text, GRand *rand)
{
    g_string_assign(out, text);
    if (chance(rand, 0.15))
        change_case(out, rand);
    if (chance(rand, 0.12))
        strip_accents(out);
    if (chance(rand, 0.20))
        change_punctuation(out, rand);
    if (chance(rand, 0.06))
        add_typo(out, rand);
    if (chance(rand, 0.01))
        add_typo(out, rand);
    g_assert(g_utf8_validate_len(out->str, out->len, NULL));
}

/* ---- CSV ----------------------------------------------------------------- */

/* Writes FIELD per RFC 4180: quoted, with quotes doubled, when it holds a
 * delimiter, a quote, a line break or surrounding blanks. */
static void csv_field(GString *line, const char *field)
{
    gsize n = strlen(field);
    gboolean quote = n && (g_ascii_isspace(field[0]) || g_ascii_isspace(field[n - 1]));
    if (!quote && strpbrk(field, ",\"\r\n"))
        quote = TRUE;
    if (!quote) {
        g_string_append_len(line, field, (gssize)n);
        return;
    }
    g_string_append_c(line, '"');
    for (const char *p = field; *p; p++) {
        if (*p == '"')
            g_string_append_c(line, '"');
        g_string_append_c(line, *p);
    }
    g_string_append_c(line, '"');
}

/* ---- Places -------------------------------------------------------------- */

typedef struct {
    char name[16];
    gint64 members; /* -1: the place did not say */
} Place;

static Place *make_places(guint n, GRand *rand)
{
    Place *places = g_new(Place, n);
    for (guint i = 0; i < n; i++) {
        g_snprintf(places[i].name, sizeof places[i].name, "Lieu %04u", i + 1);
        /* Log-uniform from 5 to 5,000 people; one place in ten leaves it empty. */
        places[i].members =
            chance(rand, 0.1) ? -1 : (gint64)round(5.0 * pow(1000.0, g_rand_double(rand)));
    }
    return places;
}

/* ---- Main ---------------------------------------------------------------- */

/* The default data file: ../shared/data/… beside the source root, found from
 * where this file was compiled (CMake passes absolute source paths). */
static char *default_data_path(void)
{
    const char *shared = g_getenv("DEFIS_SHARED_DATA");
    if (shared)
        return g_build_filename(shared, "granddebat", "ECO_01.jsonl.gz", NULL);
    g_autofree char *dir = g_path_get_dirname(__FILE__);
    g_autofree char *root = g_build_filename(dir, "..", "..", NULL);
    return g_build_filename(root, "..", "shared", "data", "granddebat", "ECO_01.jsonl.gz", NULL);
}

int main(int argc, char **argv)
{
    gint64 rows = DEFAULT_ROWS;
    gint64 skip = 0;
    gint seed = 42;
    gint nplaces = DEFAULT_PLACES;
    gint max_text = DEFAULT_MAX_TEXT;
    double zipf = 1.0;
    g_autofree char *out_path = NULL;
    g_autofree char *data_path = NULL;
    GOptionEntry entries[] = {
        {"rows", 'n', 0, G_OPTION_ARG_INT64, &rows, "Rows to write (default 1000000)", "N"},
        {"skip", 'k', 0, G_OPTION_ARG_INT64, &skip, "Rows drawn but not written first", "K"},
        {"seed", 's', 0, G_OPTION_ARG_INT, &seed, "Random seed (default 42)", "S"},
        {"out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, "Output file (default stdout)", "FILE"},
        {"data", 'd', 0, G_OPTION_ARG_FILENAME, &data_path,
         "Gzip'd JSON Lines of answers (default ../shared/data/granddebat/ECO_01.jsonl.gz)",
         "PATH"},
        {"places", 'p', 0, G_OPTION_ARG_INT, &nplaces, "Places (default 3000)", "N"},
        {"max-text", 0, 0, G_OPTION_ARG_INT, &max_text, "Longest text in characters (300)", "N"},
        {"zipf", 0, 0, G_OPTION_ARG_DOUBLE, &zipf, "Zipf exponent of repeats (default 1.0)", "S"},
        {NULL},
    };
    g_autoptr(GOptionContext) context =
        g_option_context_new("- write a realistic canonical CSV survey");
    g_option_context_add_main_entries(context, entries, NULL);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(context, &argc, &argv, &error)) {
        g_printerr("bench_gen_survey: %s\n", error->message);
        return 2;
    }
    if (rows < 0 || skip < 0 || nplaces < 1 || nplaces > 9999 || max_text < MIN_TEXT || zipf < 0) {
        g_printerr("bench_gen_survey: --rows >= 0, --skip >= 0, --places 1..9999, --max-text >= %d, "
                   "--zipf >= 0\n",
                   MIN_TEXT);
        return 2;
    }
    if (!data_path)
        data_path = default_data_path();

    g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func(g_free);
    if (!load_texts(data_path, (guint)max_text, texts, &error)) {
        g_printerr("bench_gen_survey: %s\n", error->message);
        return 1;
    }

    GRand *rand = g_rand_new_with_seed((guint32)seed);
    /* Which text has which popularity: a shuffle, so the most repeated ones are
     * not simply the first lines of the file. */
    guint ntexts = texts->len;
    guint *by_rank = g_new(guint, ntexts);
    for (guint i = 0; i < ntexts; i++)
        by_rank[i] = i;
    for (guint i = ntexts - 1; i > 0; i--) {
        guint j = (guint)g_rand_int_range(rand, 0, (gint32)i + 1);
        guint t = by_rank[i];
        by_rank[i] = by_rank[j];
        by_rank[j] = t;
    }
    double *cdf = zipf_cdf(ntexts, zipf);
    Place *places = make_places((guint)nplaces, rand);

    FILE *out = stdout;
    if (out_path && !(out = fopen(out_path, "wb"))) {
        g_printerr("bench_gen_survey: %s: %s\n", out_path, g_strerror(errno));
        return 1;
    }
    static char buffer[1 << 20];
    setvbuf(out, buffer, _IOFBF, sizeof buffer);

    g_autoptr(GString) line = g_string_sized_new(1024);
    g_autoptr(GString) text = g_string_sized_new(1024);
    guint64 bytes = 0;
    guint8 *drawn = g_new0(guint8, ntexts);
    guint distinct = 0;
    g_string_assign(line, "place,challenge,theme,importance,members\r\n");
    fwrite(line->str, 1, line->len, out);
    bytes += line->len;
    for (gint64 r = 0; r < skip + rows; r++) {
        guint index = by_rank[zipf_draw(cdf, ntexts, rand)];
        if (!drawn[index]) {
            drawn[index] = 1;
            distinct++;
        }
        const Place *place = &places[g_rand_int_range(rand, 0, nplaces)];
        vary_text(text, g_ptr_array_index(texts, index), rand);

        g_string_truncate(line, 0);
        csv_field(line, place->name);
        g_string_append_c(line, ',');
        csv_field(line, text->str);
        g_string_append_c(line, ',');
        /* A text keeps its theme; some places leave it empty or write it in capitals. */
        if (!chance(rand, 0.08)) {
            const char *theme = themes[index % G_N_ELEMENTS(themes)];
            if (chance(rand, 0.05)) {
                g_autofree char *upper = g_utf8_strup(theme, -1);
                csv_field(line, upper);
            } else {
                csv_field(line, theme);
            }
        }
        g_string_append_c(line, ',');
        if (!chance(rand, 0.05))
            g_string_append_printf(line, "%d", g_rand_int_range(rand, 1, 6));
        g_string_append_c(line, ',');
        if (place->members >= 0)
            g_string_append_printf(line, "%" G_GINT64_FORMAT, place->members);
        g_string_append(line, "\r\n");
        if (r < skip)
            continue;
        if (fwrite(line->str, 1, line->len, out) != line->len)
            break;
        bytes += line->len;
    }
    if (fflush(out) != 0 || ferror(out) || (out != stdout && fclose(out) != 0)) {
        g_printerr("bench_gen_survey: %s: %s\n", out_path ? out_path : "stdout",
                   g_strerror(errno));
        return 1;
    }
    g_printerr("bench_gen_survey: %" G_GINT64_FORMAT " rows, %u distinct texts of %u, "
               "%d places, %" G_GUINT64_FORMAT " bytes, seed %d\n",
               rows, distinct, ntexts, nplaces, bytes, seed);

    g_free(drawn);
    g_free(places);
    g_free(cdf);
    g_free(by_rank);
    g_rand_free(rand);
    return 0;
}
