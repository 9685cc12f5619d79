/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* settings.c - the scoring settings: defaults, the .ini file, the canonical version. */
#include "engine/settings.h"

#include <math.h>
#include <string.h>

#include "engine/error.h"

#define Z_MAX 10.0
#define WEIGHT_MAX 1e6
#define MIN_REACH_MAX 1000000

static void compute_version(DefisScoreSettings *s);

static DefisScoreSettings *settings_new(void)
{
    DefisScoreSettings *s = g_new0(DefisScoreSettings, 1);
    s->z = DEFIS_SETTINGS_Z;
    s->importance = DEFIS_SETTINGS_IMPORTANCE;
    s->min_places = 1;
    s->min_networks = 1;
    s->default_weight = 1.0;
    s->recognised_users = DEFIS_SETTINGS_RECOGNISED_USERS;
    defis_dedup_settings_default(&s->dedup);
    s->weights = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return s;
}

DefisScoreSettings *defis_settings_new_default(void)
{
    DefisScoreSettings *s = settings_new();
    compute_version(s);
    return s;
}

void defis_settings_free(DefisScoreSettings *settings)
{
    if (!settings)
        return;
    g_hash_table_destroy(settings->weights);
    if (settings->lines)
        g_hash_table_destroy(settings->lines);
    g_free(settings->source);
    g_free(settings->version);
    g_free(settings);
}

double defis_settings_weight(const DefisScoreSettings *settings, const char *name)
{
    const double *w = name ? g_hash_table_lookup(settings->weights, name) : NULL;
    return w ? *w : settings->default_weight;
}

const char *defis_settings_version(const DefisScoreSettings *settings)
{
    return settings->version;
}

/* ---- Canonical form and version ------------------------------------------ */

static json_t *number(double value)
{
    /* Integral values print as integers so that "1" and "1.0" agree. */
    if (value == floor(value) && fabs(value) < 1e15)
        return json_integer((json_int_t)value);
    return json_real(value);
}

static json_t *canonical(const DefisScoreSettings *s)
{
    json_t *weights = json_object();
    json_object_set_new(weights, "default", number(s->default_weight));
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, s->weights);
    while (g_hash_table_iter_next(&iter, &key, &value))
        if (*(double *)value != s->default_weight)
            json_object_set_new(weights, key, number(*(double *)value));
    json_t *c = json_pack("{s:o, s:o, s:I, s:I, s:o}", "z", number(s->z), "importance",
                          number(s->importance), "min_places", (json_int_t)s->min_places,
                          "min_networks", (json_int_t)s->min_networks, "weights", weights);
    /* Only when set: the versions of settings without it stay what they were. */
    if (s->recognised_users != DEFIS_SETTINGS_RECOGNISED_USERS)
        json_object_set_new(c, "recognised_users", json_integer(s->recognised_users));
    return c;
}

static void compute_version(DefisScoreSettings *s)
{
    g_autoptr(json_t) c = canonical(s);
    /* Sorted keys, compact, shortest round-trip reals: one text per setting. */
    g_autofree char *text = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
    g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, text, -1);
    g_free(s->version);
    s->version = g_strndup(sum, 16);
}

json_t *defis_settings_to_json(const DefisScoreSettings *settings)
{
    json_t *c = canonical(settings);
    json_object_set_new(c, "version", json_string(settings->version));
    return c;
}

/* ---- The .ini file ------------------------------------------------------- */

static void set_error(GError **error, const char *name, int line, const char *group,
                      const char *key, const char *format, ...) G_GNUC_PRINTF(6, 7);

static void set_error(GError **error, const char *name, int line, const char *group,
                      const char *key, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *what = g_strdup_vprintf(format, ap);
    va_end(ap);
    GString *where = g_string_new(name);
    if (line > 0)
        g_string_append_printf(where, ":%d", line);
    if (group)
        g_string_append_printf(where, ": [%s]", group);
    if (key)
        g_string_append_printf(where, group ? " %s" : ": %s", key);
    g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID, "%s: %s", where->str, what);
    g_string_free(where, TRUE);
}

/* Walks the lines as GKeyFile reads them, to know the line of each key (GKeyFile
 * does not say) and to name the line of a syntax error. Fills LINES with
 * "group/key" -> line. */
static gboolean scan_lines(const char *data, gsize length, const char *name, GHashTable *lines,
                           GError **error)
{
    g_autofree char *copy = g_strndup(data, length);
    g_auto(GStrv) all = g_strsplit(copy, "\n", -1);
    g_autofree char *group = NULL;
    for (int i = 0; all[i]; i++) {
        int line = i + 1;
        g_autofree char *text = g_strstrip(g_strdup(all[i]));
        if (!*text || *text == '#')
            continue;
        if (*text == '[') {
            gsize len = strlen(text);
            if (len < 3 || text[len - 1] != ']') {
                set_error(error, name, line, NULL, NULL, "a group header is `[name]`");
                return FALSE;
            }
            g_free(group);
            group = g_strndup(text + 1, len - 2);
            continue;
        }
        char *eq = strchr(text, '=');
        if (!eq) {
            set_error(error, name, line, group, NULL,
                      "expected `key = value`, a `[group]` or a `# comment`");
            return FALSE;
        }
        *eq = '\0';
        g_strchomp(text);
        if (!*text) {
            set_error(error, name, line, group, NULL, "a key is missing before `=`");
            return FALSE;
        }
        if (!group) {
            set_error(error, name, line, NULL, text, "key outside any group: start with [score]");
            return FALSE;
        }
        g_autofree char *path = g_strdup_printf("%s/%s", group, text);
        if (g_hash_table_contains(lines, path)) {
            set_error(error, name, line, group, text, "repeated key (first on line %d)",
                      GPOINTER_TO_INT(g_hash_table_lookup(lines, path)));
            return FALSE;
        }
        g_hash_table_insert(lines, g_steal_pointer(&path), GINT_TO_POINTER(line));
    }
    return TRUE;
}

static int line_of(const DefisScoreSettings *s, const char *group, const char *key)
{
    g_autofree char *path = g_strdup_printf("%s/%s", group, key);
    return GPOINTER_TO_INT(g_hash_table_lookup(s->lines, path));
}

/* Reads GROUP/KEY as a finite number within [MIN, MAX] (MIN excluded when OPEN_MIN). */
static gboolean read_number(GKeyFile *file, DefisScoreSettings *s, const char *group,
                            const char *key, double min, gboolean open_min, double max,
                            gboolean integer, double *out, GError **error)
{
    const char *name = s->source;
    g_autofree char *value = g_key_file_get_value(file, group, key, NULL);
    g_strstrip(value);
    char *end = NULL;
    double v = g_ascii_strtod(value, &end);
    int line = line_of(s, group, key);
    if (!*value || *end || !isfinite(v)) {
        set_error(error, name, line, group, key, "\"%s\" is not a number", value);
        return FALSE;
    }
    if (integer && v != floor(v)) {
        set_error(error, name, line, group, key, "\"%s\" is not a whole number", value);
        return FALSE;
    }
    if (v < min || (open_min && v == min) || v > max) {
        set_error(error, name, line, group, key, "%s is out of range: expected %s %g and <= %g",
                  value, open_min ? ">" : ">=", min, max);
        return FALSE;
    }
    *out = v;
    return TRUE;
}

static gboolean read_score_group(GKeyFile *file, DefisScoreSettings *s, GError **error)
{
    g_auto(GStrv) keys = g_key_file_get_keys(file, "score", NULL, NULL);
    for (int i = 0; keys && keys[i]; i++) {
        const char *key = keys[i];
        double v = 0;
        gboolean ok;
        if (strcmp(key, "z") == 0) {
            ok = read_number(file, s, "score", key, 0, TRUE, Z_MAX, FALSE, &v, error);
            s->z = v;
        } else if (strcmp(key, "importance") == 0) {
            ok = read_number(file, s, "score", key, 0, FALSE, 1, FALSE, &v, error);
            s->importance = v;
        } else if (strcmp(key, "min_places") == 0) {
            ok = read_number(file, s, "score", key, 0, FALSE, MIN_REACH_MAX, TRUE, &v, error);
            s->min_places = (gint64)v;
        } else if (strcmp(key, "min_networks") == 0) {
            ok = read_number(file, s, "score", key, 0, FALSE, MIN_REACH_MAX, TRUE, &v, error);
            s->min_networks = (gint64)v;
        } else {
            set_error(error, s->source, line_of(s, "score", key), "score", key,
                      "unknown key: expected z, importance, min_places or min_networks");
            return FALSE;
        }
        if (!ok)
            return FALSE;
    }
    return TRUE;
}

static gboolean read_weights_group(GKeyFile *file, DefisScoreSettings *s, GError **error)
{
    g_auto(GStrv) keys = g_key_file_get_keys(file, "weights", NULL, NULL);
    for (int i = 0; keys && keys[i]; i++) {
        double v = 0;
        if (!read_number(file, s, "weights", keys[i], 0, FALSE, WEIGHT_MAX, FALSE, &v, error))
            return FALSE;
        if (strcmp(keys[i], "default") == 0)
            s->default_weight = v;
        else
            g_hash_table_insert(s->weights, g_strdup(keys[i]), g_memdup2(&v, sizeof v));
    }
    return TRUE;
}

static gboolean read_commons_group(GKeyFile *file, DefisScoreSettings *s, GError **error)
{
    g_auto(GStrv) keys = g_key_file_get_keys(file, "commons", NULL, NULL);
    for (int i = 0; keys && keys[i]; i++) {
        double v = 0;
        if (strcmp(keys[i], "recognised_users") != 0) {
            set_error(error, s->source, line_of(s, "commons", keys[i]), "commons", keys[i],
                      "unknown key: expected recognised_users");
            return FALSE;
        }
        if (!read_number(file, s, "commons", keys[i], 0, FALSE, MIN_REACH_MAX, TRUE, &v, error))
            return FALSE;
        s->recognised_users = (gint64)v;
    }
    return TRUE;
}

static gboolean read_dedup_group(GKeyFile *file, DefisScoreSettings *s, GError **error)
{
    static const struct {
        const char *key;
        double min, max;
        gboolean integer;
    } keys[] = {
        {"threshold", 0.01, 1, FALSE},     {"review_margin", 0, 1, FALSE},
        {"max_representatives", 1, 64, TRUE}, {"max_candidates", 1, 10000, TRUE},
        {"word_weight", 0, 100, FALSE},    {"pair_weight", 0, 100, FALSE},
        {"ngram_weight", 0, 100, FALSE},
    };
    DefisDedupSettings *d = &s->dedup;
    double *targets[] = {&d->threshold,    &d->review_margin, NULL,           NULL,
                         &d->word_weight, &d->pair_weight,   &d->ngram_weight};
    g_auto(GStrv) names = g_key_file_get_keys(file, "dedup", NULL, NULL);
    for (int i = 0; names && names[i]; i++) {
        guint k = 0;
        while (k < G_N_ELEMENTS(keys) && strcmp(keys[k].key, names[i]) != 0)
            k++;
        if (k == G_N_ELEMENTS(keys)) {
            set_error(error, s->source, line_of(s, "dedup", names[i]), "dedup", names[i],
                      "unknown key: expected threshold, review_margin, max_representatives, "
                      "max_candidates, word_weight, pair_weight or ngram_weight");
            return FALSE;
        }
        double v = 0;
        if (!read_number(file, s, "dedup", names[i], keys[k].min, FALSE, keys[k].max,
                         keys[k].integer, &v, error))
            return FALSE;
        if (targets[k])
            *targets[k] = v;
        else if (k == 2)
            d->max_reps = (guint)v;
        else
            d->max_candidates = (guint)v;
    }
    if (d->word_weight + d->pair_weight + d->ngram_weight <= 0) {
        set_error(error, s->source, line_of(s, "dedup", "word_weight"), "dedup", NULL,
                  "the kind weights must not all be 0");
        return FALSE;
    }
    return TRUE;
}

DefisScoreSettings *defis_settings_parse(const char *data, gssize length, const char *name,
                                         GError **error)
{
    g_return_val_if_fail(data != NULL && name != NULL, NULL);
    gsize len = length < 0 ? strlen(data) : (gsize)length;
    g_autoptr(DefisScoreSettings) s = settings_new();
    s->source = g_strdup(name);
    s->lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (!g_utf8_validate(data, len, NULL) || memchr(data, '\0', len)) {
        set_error(error, name, 0, NULL, NULL, "not a UTF-8 text file");
        return NULL;
    }
    if (!scan_lines(data, len, name, s->lines, error))
        return NULL;
    g_autoptr(GKeyFile) file = g_key_file_new();
    GError *local = NULL;
    if (!g_key_file_load_from_data(file, data, len, G_KEY_FILE_NONE, &local)) {
        set_error(error, name, 0, NULL, NULL, "%s", local->message);
        g_error_free(local);
        return NULL;
    }
    g_auto(GStrv) groups = g_key_file_get_groups(file, NULL);
    for (int i = 0; groups[i]; i++) {
        if (strcmp(groups[i], "score") != 0 && strcmp(groups[i], "weights") != 0 &&
            strcmp(groups[i], "commons") != 0 && strcmp(groups[i], "dedup") != 0) {
            g_auto(GStrv) keys = g_key_file_get_keys(file, groups[i], NULL, NULL);
            int line = keys && keys[0] ? line_of(s, groups[i], keys[0]) : 0;
            set_error(error, name, line, groups[i], NULL,
                      "unknown group: expected [score], [weights], [commons] or [dedup]");
            return NULL;
        }
    }
    if (!read_score_group(file, s, error) || !read_weights_group(file, s, error) ||
        !read_commons_group(file, s, error) || !read_dedup_group(file, s, error))
        return NULL;
    compute_version(s);
    return g_steal_pointer(&s);
}

DefisScoreSettings *defis_settings_load(const char *path, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    g_autofree char *data = NULL;
    gsize length = 0;
    GError *local = NULL;
    if (!g_file_get_contents(path, &data, &length, &local)) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND, "cannot read settings %s: %s",
                    path, local->message);
        g_error_free(local);
        return NULL;
    }
    return defis_settings_parse(data, (gssize)length, path, error);
}

gboolean defis_settings_check_networks(const DefisScoreSettings *settings,
                                       gboolean (*known)(const char *name, gpointer data),
                                       gpointer data, GError **error)
{
    GHashTableIter iter;
    gpointer key;
    g_hash_table_iter_init(&iter, settings->weights);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        if (!known(key, data)) {
            set_error(error, settings->source ? settings->source : "settings",
                      settings->lines ? line_of(settings, "weights", key) : 0, "weights", key,
                      "no network of that name (see `defis network list`)");
            return FALSE;
        }
    }
    return TRUE;
}
