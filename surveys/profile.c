/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* profile.c - survey-tool profiles: loading and checking the .ini files, detection. */
#include "surveys/profile.h"

#include <string.h>

#include "surveys/error.h"

static const char *const field_names[SURVEY_FIELD_COUNT] = {
    "place", "challenge", "theme", "importance", "members", "votes", "respondent",
};

const char *survey_field_name(SurveyField field)
{
    g_return_val_if_fail(field < SURVEY_FIELD_COUNT, NULL);
    return field_names[field];
}

gboolean survey_field_parse(const char *name, SurveyField *field)
{
    for (int f = 0; f < SURVEY_FIELD_COUNT; f++)
        if (g_ascii_strcasecmp(name, field_names[f]) == 0) {
            *field = (SurveyField)f;
            return TRUE;
        }
    return FALSE;
}

void survey_profile_free(SurveyProfile *p)
{
    if (!p)
        return;
    g_free(p->name);
    g_free(p->tool);
    g_free(p->path);
    g_strfreev(p->detect);
    g_free(p->detect_first);
    g_free(p->skip_prefix);
    g_strfreev(p->missing);
    g_strfreev(p->ignore);
    g_strfreev(p->other);
    g_strfreev(p->selected);
    g_strfreev(p->html);
    for (int f = 0; f < SURVEY_FIELD_COUNT; f++)
        g_strfreev(p->fields[f]);
    g_free(p);
}

/* ---- Where each key sits ------------------------------------------------- */

/* GKeyFile keeps no line numbers: this scan finds them, and the first line
 * GKeyFile would refuse. Keys are "group\x1fkey" -> line. */
static GHashTable *scan_lines(const char *data, gsize length, guint *bad_line)
{
    GHashTable *lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autofree char *group = NULL;
    guint number = 0;
    *bad_line = 0;
    const char *p = data, *end = data + length;
    while (p < end) {
        const char *nl = memchr(p, '\n', (gsize)(end - p));
        const char *stop = nl ? nl : end;
        g_autofree char *line = g_strstrip(g_strndup(p, (gsize)(stop - p)));
        number++;
        if (!*line || *line == '#' || *line == ';') {
            /* blank or comment */
        } else if (*line == '[') {
            char *close = strchr(line, ']');
            if (!close && !*bad_line)
                *bad_line = number;
            g_free(group);
            group = close ? g_strndup(line + 1, (gsize)(close - line - 1)) : NULL;
        } else {
            char *eq = strchr(line, '=');
            if ((!eq || eq == line || !group) && !*bad_line)
                *bad_line = number;
            if (eq && group) {
                g_autofree char *key = g_strstrip(g_strndup(line, (gsize)(eq - line)));
                g_hash_table_insert(lines, g_strdup_printf("%s\x1f%s", group, key),
                                    GUINT_TO_POINTER(number));
            }
        }
        p = nl ? nl + 1 : end;
    }
    return lines;
}

typedef struct {
    GKeyFile *file;
    GHashTable *lines;
    const char *name;
    GError **error;
    gboolean failed;
} Loader;

static guint line_of(Loader *l, const char *group, const char *key)
{
    g_autofree char *k = g_strdup_printf("%s\x1f%s", group, key);
    return GPOINTER_TO_UINT(g_hash_table_lookup(l->lines, k));
}

static void fail(Loader *l, const char *group, const char *key, const char *format, ...)
    G_GNUC_PRINTF(4, 5);
static void fail(Loader *l, const char *group, const char *key, const char *format, ...)
{
    if (l->failed)
        return;
    l->failed = TRUE;
    va_list ap;
    va_start(ap, format);
    g_autofree char *message = g_strdup_vprintf(format, ap);
    va_end(ap);
    guint line = key ? line_of(l, group, key) : 0;
    if (line)
        g_set_error(l->error, SURVEY_ERROR, SURVEY_ERROR_INVALID, "%s:%u: %s", l->name, line,
                    message);
    else
        g_set_error(l->error, SURVEY_ERROR, SURVEY_ERROR_INVALID, "%s: %s", l->name, message);
}

static char *get_string(Loader *l, const char *group, const char *key)
{
    if (!g_key_file_has_key(l->file, group, key, NULL))
        return NULL;
    char *value = g_key_file_get_string(l->file, group, key, NULL);
    if (!value)
        fail(l, group, key, "%s: not a valid string (check the escapes)", key);
    return value ? g_strstrip(value) : NULL;
}

/* A list separated by ';' (write "\;" for a ';' inside an item), items trimmed,
 * empty ones dropped; case-folded when FOLD. NULL when the key is absent. */
static char **get_list(Loader *l, const char *group, const char *key, gboolean fold)
{
    if (!g_key_file_has_key(l->file, group, key, NULL))
        return NULL;
    gsize n = 0;
    g_auto(GStrv) raw = g_key_file_get_string_list(l->file, group, key, &n, NULL);
    if (!raw) {
        fail(l, group, key, "%s: not a valid list (items are separated by ';')", key);
        return NULL;
    }
    GPtrArray *out = g_ptr_array_new();
    for (gsize i = 0; i < n; i++) {
        char *item = g_strstrip(raw[i]);
        if (*item)
            g_ptr_array_add(out, fold ? g_utf8_casefold(item, -1) : g_strdup(item));
    }
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, FALSE);
}

static gboolean get_bool(Loader *l, const char *group, const char *key, gboolean absent)
{
    g_autofree char *value = get_string(l, group, key);
    if (!value)
        return absent;
    if (g_ascii_strcasecmp(value, "true") == 0 || g_ascii_strcasecmp(value, "yes") == 0)
        return TRUE;
    if (g_ascii_strcasecmp(value, "false") == 0 || g_ascii_strcasecmp(value, "no") == 0)
        return FALSE;
    fail(l, group, key, "%s: \"%s\" is not true or false", key, value);
    return absent;
}

static guint get_row(Loader *l, const char *group, const char *key, guint absent, guint min)
{
    g_autofree char *value = get_string(l, group, key);
    guint64 v = 0;
    if (!value)
        return absent;
    if (!g_ascii_string_to_unsigned(value, 10, min, 10, &v, NULL))
        fail(l, group, key, "%s: \"%s\" is not a row number from %u to 10", key, value, min);
    return (guint)v;
}

static gboolean valid_name(const char *name)
{
    if (!*name)
        return FALSE;
    for (const char *c = name; *c; c++)
        if (!(g_ascii_islower(*c) || g_ascii_isdigit(*c) || *c == '-'))
            return FALSE;
    return TRUE;
}

static const char *const profile_keys[] = {
    "name", "tool", "description", "detect", "detect_first", "header_row", "group_row",
    "skip_rows_starting_with", "delimiter", "missing", "ignore", "other", "selected",
    "option_separator", "option_brackets", "html", "formula_quote", "guess_challenges",
    "challenge", "place_fallback", "fold", "rules", NULL,
};

/* Every group and key must be known: a typo would silently change nothing. */
static void check_keys(Loader *l)
{
    g_auto(GStrv) groups = g_key_file_get_groups(l->file, NULL);
    for (char **g = groups; *g && !l->failed; g++) {
        gboolean fields = strcmp(*g, "fields") == 0;
        if (!fields && strcmp(*g, "profile") != 0) {
            fail(l, NULL, NULL, "unknown group [%s]: a profile has [profile] and [fields]", *g);
            break;
        }
        g_auto(GStrv) keys = g_key_file_get_keys(l->file, *g, NULL, NULL);
        for (char **k = keys; *k && !l->failed; k++) {
            SurveyField field;
            if (fields ? !survey_field_parse(*k, &field) : !g_strv_contains(profile_keys, *k)) {
                g_autofree char *known =
                    fields ? g_strjoinv(", ", (char **)field_names) : g_strjoinv(", ", (char **)profile_keys);
                fail(l, *g, *k, "unknown key \"%s\" in [%s] (known: %s)", *k, *g, known);
            }
        }
    }
}

static char parse_char(Loader *l, const char *key, gboolean allow_auto)
{
    g_autofree char *value = get_string(l, "profile", key);
    if (!value || (allow_auto && g_ascii_strcasecmp(value, "auto") == 0))
        return 0;
    if (g_ascii_strcasecmp(value, "tab") == 0 || strcmp(value, "\\t") == 0)
        return '\t';
    if (strlen(value) == 1 && strchr(allow_auto ? ",;" : "/_-:.", value[0]))
        return value[0];
    fail(l, "profile", key, "%s: \"%s\" is not one of %s", key, value,
         allow_auto ? "auto, \",\", \";\", tab" : "\"/\", \"_\", \"-\", \":\", \".\"");
    return 0;
}

static SurveyProfile *load(Loader *l)
{
    g_autoptr(SurveyProfile) p = g_new0(SurveyProfile, 1);
    check_keys(l);
    p->name = get_string(l, "profile", "name");
    if (!l->failed && !p->name)
        fail(l, NULL, NULL, "[profile] needs a name");
    else if (!l->failed && !valid_name(p->name))
        fail(l, "profile", "name", "name \"%s\": use lowercase letters, digits and '-'",
             p->name);
    p->tool = get_string(l, "profile", "tool");
    p->detect = get_list(l, "profile", "detect", TRUE);
    p->detect_first = get_string(l, "profile", "detect_first");
    if (p->detect_first) {
        char *folded = g_utf8_casefold(p->detect_first, -1);
        g_free(p->detect_first);
        p->detect_first = folded;
    }
    p->header_row = get_row(l, "profile", "header_row", 1, 1);
    p->group_row = get_row(l, "profile", "group_row", 0, 0);
    if (!l->failed && p->group_row && p->group_row >= p->header_row)
        fail(l, "profile", "group_row", "group_row must come before header_row (%u)",
             p->header_row);
    p->skip_prefix = get_string(l, "profile", "skip_rows_starting_with");
    p->delimiter = parse_char(l, "delimiter", TRUE);
    p->missing = get_list(l, "profile", "missing", TRUE);
    p->ignore = get_list(l, "profile", "ignore", TRUE);
    p->other = get_list(l, "profile", "other", TRUE);
    p->selected = get_list(l, "profile", "selected", TRUE);
    p->option_separator = parse_char(l, "option_separator", FALSE);
    p->option_brackets = get_bool(l, "profile", "option_brackets", FALSE);
    p->html = get_list(l, "profile", "html", TRUE);
    p->formula_quote = get_bool(l, "profile", "formula_quote", FALSE);
    p->guess_challenges = get_bool(l, "profile", "guess_challenges", FALSE);
    p->place_fallback = get_bool(l, "profile", "place_fallback", FALSE);
    p->fold = get_bool(l, "profile", "fold", FALSE);
    g_autofree char *mode = get_string(l, "profile", "challenge");
    if (mode && strcmp(mode, "first") == 0)
        p->challenge_first = TRUE;
    else if (mode && strcmp(mode, "each") != 0)
        fail(l, "profile", "challenge",
             "challenge: \"%s\" is not \"each\" (every challenge column is a mention) or "
             "\"first\" (the first non-empty one, as for translations)",
             mode);
    g_autofree char *rules = get_string(l, "profile", "rules");
    if (rules && strcmp(rules, "canonical") == 0)
        p->canonical = TRUE;
    else if (rules)
        fail(l, "profile", "rules", "rules: \"%s\" is unknown (only \"canonical\")", rules);
    for (int f = 0; f < SURVEY_FIELD_COUNT; f++)
        p->fields[f] = get_list(l, "fields", field_names[f], TRUE);
    if (!l->failed && !p->canonical && !p->detect && !p->detect_first)
        fail(l, NULL, NULL, "[profile] needs detect or detect_first, to be recognised");
    if ((p->fold || p->place_fallback) && !p->fields[SURVEY_FIELD_RESPONDENT])
        fail(l, "profile", p->fold ? "fold" : "place_fallback",
             "%s needs [fields] respondent", p->fold ? "fold" : "place_fallback");
    if (l->failed)
        return NULL;
    if (!p->tool)
        p->tool = g_strdup(p->name);
    return g_steal_pointer(&p);
}

SurveyProfile *survey_profile_load_data(const char *data, gssize length, const char *name,
                                        GError **error)
{
    gsize size = length < 0 ? strlen(data) : (gsize)length;
    guint bad_line = 0;
    g_autoptr(GHashTable) lines = scan_lines(data, size, &bad_line);
    g_autoptr(GKeyFile) file = g_key_file_new();
    GError *local = NULL;
    if (bad_line || !g_key_file_load_from_data(file, data, size, G_KEY_FILE_NONE, &local)) {
        if (bad_line)
            g_set_error(error, SURVEY_ERROR, SURVEY_ERROR_INVALID,
                        "%s:%u: not a [group] nor a key = value line%s", name, bad_line,
                        local ? "" : " (or a key before any [group])");
        else
            g_set_error(error, SURVEY_ERROR, SURVEY_ERROR_INVALID, "%s: %s", name,
                        local->message);
        g_clear_error(&local);
        return NULL;
    }
    Loader l = {.file = file, .lines = lines, .name = name, .error = error};
    return load(&l);
}

SurveyProfile *survey_profile_load_file(const char *path, GError **error)
{
    g_autofree char *data = NULL;
    gsize length = 0;
    GError *local = NULL;
    if (!g_file_get_contents(path, &data, &length, &local)) {
        g_set_error(error, SURVEY_ERROR, SURVEY_ERROR_IO, "%s: cannot read the profile: %s",
                    path, local->message);
        g_error_free(local);
        return NULL;
    }
    SurveyProfile *p = survey_profile_load_data(data, (gssize)length, path, error);
    if (p)
        p->path = g_strdup(path);
    return p;
}

/* ---- The shipped profiles ------------------------------------------------ */

/* The canonical profile, for a binary that finds no profile folder. */
static const char canonical_ini[] = "[profile]\n"
                                    "name = canonical\n"
                                    "tool = canonical CSV\n"
                                    "rules = canonical\n"
                                    "detect = place; challenge|challenge_*\n";

static char *profiles_dir(void)
{
    const char *env = g_getenv("DEFIS_PROFILES_DIR");
    if (env && g_file_test(env, G_FILE_TEST_IS_DIR))
        return g_strdup(env);
#ifdef DEFIS_PROFILES_DIR
    if (g_file_test(DEFIS_PROFILES_DIR, G_FILE_TEST_IS_DIR))
        return g_strdup(DEFIS_PROFILES_DIR);
#endif
    g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
    if (exe) {
        g_autofree char *bin = g_path_get_dirname(exe);
        char *dir = g_build_filename(bin, "..", "share", "defis", "profiles", NULL);
        if (g_file_test(dir, G_FILE_TEST_IS_DIR))
            return dir;
        g_free(dir);
    }
    return NULL;
}

static int by_name(gconstpointer a, gconstpointer b)
{
    const SurveyProfile *x = *(SurveyProfile *const *)a, *y = *(SurveyProfile *const *)b;
    if (x->canonical != y->canonical)
        return x->canonical ? -1 : 1;
    return strcmp(x->name, y->name);
}

static GPtrArray *load_builtin(GError **error)
{
    g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func((GDestroyNotify)survey_profile_free);
    g_autofree char *dir = profiles_dir();
    GDir *d = dir ? g_dir_open(dir, 0, NULL) : NULL;
    const char *entry;
    while (d && (entry = g_dir_read_name(d))) {
        if (!g_str_has_suffix(entry, ".ini"))
            continue;
        g_autofree char *path = g_build_filename(dir, entry, NULL);
        SurveyProfile *p = survey_profile_load_file(path, error);
        if (!p) {
            g_dir_close(d);
            return NULL;
        }
        if (survey_profiles_find(all, p->name)) {
            g_set_error(error, SURVEY_ERROR, SURVEY_ERROR_INVALID,
                        "%s: a second profile named \"%s\"", path, p->name);
            survey_profile_free(p);
            g_dir_close(d);
            return NULL;
        }
        g_ptr_array_add(all, p);
    }
    if (d)
        g_dir_close(d);
    if (!survey_profiles_find(all, "canonical"))
        g_ptr_array_add(all, survey_profile_load_data(canonical_ini, -1, "canonical", NULL));
    g_ptr_array_sort(all, by_name);
    return g_steal_pointer(&all);
}

const GPtrArray *survey_profiles_builtin(GError **error)
{
    static GMutex lock;
    static GPtrArray *profiles;
    static char *failure;
    g_mutex_lock(&lock);
    if (!profiles && !failure) {
        GError *local = NULL;
        profiles = load_builtin(&local);
        if (!profiles)
            failure = g_strdup(local->message);
        g_clear_error(&local);
    }
    g_mutex_unlock(&lock);
    if (!profiles)
        g_set_error(error, SURVEY_ERROR, SURVEY_ERROR_INVALID, "%s", failure);
    return profiles;
}

const SurveyProfile *survey_profiles_find(const GPtrArray *profiles, const char *name)
{
    for (guint i = 0; profiles && i < profiles->len; i++) {
        const SurveyProfile *p = g_ptr_array_index(profiles, i);
        if (strcmp(p->name, name) == 0)
            return p;
    }
    return NULL;
}

/* ---- Detection ----------------------------------------------------------- */

gboolean survey_globs_match(char **globs, const char *name, const char *folded)
{
    if (!globs)
        return FALSE;
    g_autofree char *own = folded ? NULL : g_utf8_casefold(name, -1);
    const char *f = folded ? folded : own;
    for (char **g = globs; *g; g++)
        if (g_pattern_match_simple(*g, f))
            return TRUE;
    return FALSE;
}

/* Whether one alternative of TERM ("a|b*|c") matches FOLDED. */
static gboolean term_matches(const char *term, const char *folded)
{
    g_auto(GStrv) alternatives = g_strsplit(term, "|", -1);
    for (char **a = alternatives; *a; a++) {
        g_strstrip(*a);
        if (**a && g_pattern_match_simple(*a, folded))
            return TRUE;
    }
    return FALSE;
}

guint survey_profile_score(const SurveyProfile *profile, char **names, guint n)
{
    if (n == 0)
        return 0;
    g_autoptr(GPtrArray) folded = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < n; i++) {
        g_autofree char *trimmed = g_strstrip(g_strdup(names[i]));
        g_ptr_array_add(folded, g_utf8_casefold(trimmed, -1));
    }
    guint score = 0;
    if (profile->detect_first) {
        if (!term_matches(profile->detect_first, g_ptr_array_index(folded, 0)))
            return 0;
        score++;
    }
    for (char **t = profile->detect; t && *t; t++) {
        gboolean found = FALSE;
        for (guint i = 0; i < n && !found; i++)
            found = term_matches(*t, g_ptr_array_index(folded, i));
        if (!found)
            return 0;
        score++;
    }
    return score;
}
