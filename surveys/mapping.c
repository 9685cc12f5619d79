/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* mapping.c - which columns of one export give which canonical field: canonical
 * names, profile globs, --map options, and guesses from a sample of rows. */
#include "surveys/mapping.h"

#include <string.h>

#include "surveys/error.h"
#include "surveys/sink.h"

gboolean survey_map_parse(const char *spec, SurveyMap *map, GError **error)
{
    const char *eq = strchr(spec, '=');
    g_autofree char *name = eq ? g_strstrip(g_strndup(spec, (gsize)(eq - spec))) : NULL;
    if (!eq || !survey_field_parse(name, &map->field) || !eq[1]) {
        g_set_error(error, SURVEY_ERROR, SURVEY_ERROR_INVALID,
                    "--map \"%s\": write FIELD=COLUMN, FIELD one of place, challenge, theme, "
                    "importance, members, votes, respondent; COLUMN a header text, a code or a "
                    "1-based column number",
                    spec);
        return FALSE;
    }
    map->column = g_strdup(eq + 1);
    return TRUE;
}

void survey_mapping_clear(SurveyMapping *m)
{
    g_strfreev(m->names);
    g_strfreev(m->keys);
    if (m->groups) {
        for (guint i = 0; i < m->ncols; i++)
            g_free(m->groups[i]);
        g_free(m->groups);
    }
    g_free(m->kinds);
    g_free(m->html);
    if (m->slots)
        g_array_unref(m->slots);
    if (m->theme_options)
        g_array_unref(m->theme_options);
    if (m->notes)
        g_ptr_array_unref(m->notes);
    memset(m, 0, sizeof *m);
}

gboolean survey_mapping_missing(const SurveyMapping *m, const char *value)
{
    for (char **v = m->profile->missing; v && *v; v++)
        if (g_ascii_strcasecmp(*v, value) == 0)
            return TRUE;
    return FALSE;
}

/* ---- Resolution state ---------------------------------------------------- */

typedef struct {
    SurveyMapping *m;
    char **folded;     /* case-folded names */
    GPtrArray *sample; /* of char ** */
    gboolean *taken;
    SurveyMappingProblem problem;
    void *data;
    gboolean ok;
} Resolver;

static void add_note(SurveyMapping *m, const char *format, ...) G_GNUC_PRINTF(2, 3);
static void add_note(SurveyMapping *m, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_ptr_array_add(m->notes, g_strdup_vprintf(format, ap));
    va_end(ap);
}

static void report(Resolver *r, guint column, const char *field, const char *format, ...)
    G_GNUC_PRINTF(4, 5);
static void report(Resolver *r, guint column, const char *field, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *message = g_strdup_vprintf(format, ap);
    va_end(ap);
    r->problem(r->data, column, field, message);
    r->ok = FALSE;
}

static SurveySlot *slot_for(SurveyMapping *m, guint number)
{
    for (guint i = 0; i < m->slots->len; i++) {
        SurveySlot *s = &g_array_index(m->slots, SurveySlot, i);
        if (s->number == number)
            return s;
    }
    SurveySlot s = {-1, -1, -1, number};
    g_array_append_val(m->slots, s);
    return &g_array_index(m->slots, SurveySlot, m->slots->len - 1);
}

static int compare_slots(gconstpointer a, gconstpointer b)
{
    const SurveySlot *x = a, *y = b;
    return (x->number > y->number) - (x->number < y->number);
}

static void set_single(SurveyColumns *c, int column)
{
    c->col[0] = column;
    c->n = 1;
}

/* A sampled value of COLUMN, or NULL when it says nothing (empty or missing). */
static const char *sampled(Resolver *r, guint row, guint column)
{
    const char *v = ((char **)g_ptr_array_index(r->sample, row))[column];
    return survey_has_text(v) && !survey_mapping_missing(r->m, g_strstrip((char *)v)) ? v : NULL;
}

/* Whether every sampled value of COLUMN is an integer (and there is one). */
static gboolean sample_is_int(Resolver *r, guint column, gint64 min, gint64 max)
{
    guint seen = 0;
    for (guint i = 0; i < r->sample->len; i++) {
        const char *v = sampled(r, i, column);
        gint64 x;
        if (!v)
            continue;
        if (!survey_parse_int(v, min, max, &x))
            return FALSE;
        seen++;
    }
    return seen > 0;
}

/* Whether every sampled value of COLUMN means "chosen" or "not chosen". */
static gboolean sample_is_option(Resolver *r, guint column)
{
    for (guint i = 0; i < r->sample->len; i++) {
        const char *v = sampled(r, i, column);
        if (!v || strcmp(v, "0") == 0)
            continue;
        g_autofree char *f = g_utf8_casefold(v, -1);
        if (!g_strv_contains((const char *const *)r->m->profile->selected, f))
            return FALSE;
    }
    return r->m->profile->selected != NULL;
}

/* Looks like a date, a time, a number or an identifier: nothing a person wrote. */
static gboolean mechanical(const char *v)
{
    for (const char *c = v; *c; c++)
        if (!(g_ascii_isdigit(*c) || strchr("-:/.T+Z, ", *c)))
            return FALSE;
    return TRUE;
}

/* Free text: sampled values, most with a space, some of them long. */
static gboolean sample_is_text(Resolver *r, guint column, gboolean longish)
{
    guint seen = 0, spaced = 0;
    glong total = 0;
    for (guint i = 0; i < r->sample->len; i++) {
        const char *v = sampled(r, i, column);
        if (!v)
            continue;
        if (mechanical(v))
            return FALSE;
        seen++;
        spaced += strchr(g_strstrip((char *)v), ' ') != NULL;
        total += g_utf8_strlen(v, -1);
    }
    if (!seen)
        return FALSE;
    return !longish || (spaced * 2 >= seen && total / seen >= 12);
}

/* ---- Column kinds -------------------------------------------------------- */

static void classify(Resolver *r, char **groups)
{
    SurveyMapping *m = r->m;
    const SurveyProfile *p = m->profile;
    m->groups = g_new0(char *, m->ncols);
    char *group = NULL; /* the group row cell spanning to the right */
    for (guint i = 0; i < m->ncols; i++) {
        const char *name = m->names[i];
        if (survey_globs_match(p->ignore, name, r->folded[i])) {
            m->kinds[i] = SURVEY_COLUMN_IGNORED;
            continue;
        }
        if (survey_globs_match(p->other, name, r->folded[i])) {
            m->kinds[i] = SURVEY_COLUMN_OTHER;
            continue;
        }
        if (groups) {
            const char *cell = i < g_strv_length(groups) ? g_strstrip(groups[i]) : "";
            if (*cell)
                group = (char *)cell;
            if (group && sample_is_option(r, i)) {
                m->kinds[i] = SURVEY_COLUMN_OPTION;
                m->groups[i] = g_strdup(group);
            } else {
                group = NULL;
            }
            continue;
        }
        const char *open = p->option_brackets ? strchr(name, '[') : NULL;
        if (open && open > name && g_str_has_suffix(name, "]")) {
            m->kinds[i] = SURVEY_COLUMN_OPTION;
            m->groups[i] = g_strstrip(g_strndup(name, (gsize)(open - name)));
            continue;
        }
        const char *sep = p->option_separator ? strrchr(name, p->option_separator) : NULL;
        if (sep && sep > name && sep[1] && sample_is_option(r, i)) {
            g_autofree char *question = g_strndup(name, (gsize)(sep - name));
            gboolean summary = FALSE, sibling = FALSE;
            for (guint j = 0; j < m->ncols; j++) {
                summary |= strcmp(m->names[j], question) == 0;
                sibling |= j != i && g_str_has_prefix(m->names[j], question) &&
                           m->names[j][sep - name] == p->option_separator;
            }
            if (summary || sibling) {
                m->kinds[i] = SURVEY_COLUMN_OPTION;
                m->groups[i] = g_steal_pointer(&question);
            }
        }
    }
}

/* ---- Column references (--map) ------------------------------------------- */

/* The columns REF names: its header text, its 1-based number, its code (the
 * text before ". " of "Q1. Question"), its last path segment ("group/q"), or a
 * part of one header only. Several columns: ambiguous. */
static GArray *find_columns(Resolver *r, const char *ref)
{
    SurveyMapping *m = r->m;
    GArray *found = g_array_new(FALSE, FALSE, sizeof(int));
    g_autofree char *trimmed = g_strstrip(g_strdup(ref));
    g_autofree char *f = g_utf8_casefold(trimmed, -1);
    gsize len = strlen(f);
    for (int step = 0; step < 5 && found->len == 0; step++) {
        for (guint i = 0; i < m->ncols; i++) {
            const char *name = r->folded[i];
            gboolean hit = FALSE;
            guint64 number;
            switch (step) {
            case 0:
                hit = strcmp(name, f) == 0;
                break;
            case 1:
                hit = g_ascii_string_to_unsigned(f, 10, 1, m->ncols, &number, NULL) &&
                      number == i + 1;
                break;
            case 2:
                hit = strncmp(name, f, len) == 0 && (name[len] == '.' || name[len] == ':') &&
                      (name[len + 1] == ' ' || name[len + 1] == 0);
                break;
            case 3:
                hit = strlen(name) > len &&
                      strcmp(name + strlen(name) - len, f) == 0 &&
                      strchr("/-", name[strlen(name) - len - 1]);
                break;
            default:
                hit = strstr(name, f) != NULL;
            }
            if (hit) {
                int column = (int)i;
                g_array_append_val(found, column);
            }
        }
        if (step == 1 && found->len)
            break;
    }
    return found;
}

static char *listed(SurveyMapping *m, GArray *columns, guint max)
{
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < columns->len && i < max; i++) {
        int c = g_array_index(columns, int, i);
        g_string_append_printf(out, "%s\"%s\" (column %d)", i ? ", " : "", m->names[c], c + 1);
    }
    if (columns->len > max)
        g_string_append_printf(out, "… and %u more", columns->len - max);
    return g_string_free(out, FALSE);
}

/* The options of the multi-select question named REF, or NULL. */
static GArray *find_group(SurveyMapping *m, const char *ref)
{
    GArray *options = NULL;
    for (guint i = 0; i < m->ncols; i++) {
        if (!m->groups[i] || g_utf8_collate(m->groups[i], ref) != 0)
            continue;
        if (!options)
            options = g_array_new(FALSE, FALSE, sizeof(int));
        int c = (int)i;
        g_array_append_val(options, c);
    }
    return options;
}

static void apply_map(Resolver *r, const SurveyMap *map)
{
    SurveyMapping *m = r->m;
    const char *field = survey_field_name(map->field);
    if (map->field == SURVEY_FIELD_THEME) {
        GArray *options = find_group(m, map->column);
        if (options) {
            g_clear_pointer(&m->theme_options, g_array_unref);
            m->theme_options = options;
            m->field[SURVEY_FIELD_THEME].n = 0;
            return;
        }
    }
    g_autoptr(GArray) found = find_columns(r, map->column);
    if (found->len != 1) {
        g_autofree char *all = g_strjoinv("\", \"", m->names);
        g_autofree char *which = listed(m, found, 8);
        if (found->len == 0)
            report(r, G_MAXUINT, field,
                   "--map %s=%s: no column is \"%s\" (the header has \"%s\"): give the header "
                   "text, the code or the column number",
                   field, map->column, map->column, all);
        else
            report(r, G_MAXUINT, field,
                   "--map %s=%s: several columns fit (%s): give the whole header text or the "
                   "column number",
                   field, map->column, which);
        return;
    }
    int c = g_array_index(found, int, 0);
    r->taken[c] = TRUE;
    if (map->field == SURVEY_FIELD_CHALLENGE) {
        SurveySlot *s = slot_for(m, m->slots->len + 1);
        s->challenge = c;
    } else {
        set_single(&m->field[map->field], c);
        if (map->field == SURVEY_FIELD_THEME)
            g_clear_pointer(&m->theme_options, g_array_unref);
    }
}

/* ---- The canonical header ------------------------------------------------ */

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

static void set_canonical(Resolver *r, int *column, guint index, const char *name)
{
    if (*column >= 0) {
        report(r, index, name, "column \"%s\" appears twice (columns %d and %u): keep one", name,
               *column + 1, index + 1);
        return;
    }
    *column = (int)index;
}

static void canonical_names(Resolver *r)
{
    SurveyMapping *m = r->m;
    int single[SURVEY_FIELD_COUNT];
    for (int f = 0; f < SURVEY_FIELD_COUNT; f++)
        single[f] = -1;
    static const SurveyField plain[] = {SURVEY_FIELD_PLACE, SURVEY_FIELD_THEME,
                                        SURVEY_FIELD_IMPORTANCE, SURVEY_FIELD_MEMBERS,
                                        SURVEY_FIELD_VOTES};
    for (guint i = 0; i < m->ncols; i++) {
        const char *name = m->names[i];
        guint number;
        gboolean known = FALSE;
        for (guint k = 0; k < G_N_ELEMENTS(plain) && !known; k++)
            if (g_ascii_strcasecmp(name, survey_field_name(plain[k])) == 0) {
                set_canonical(r, &single[plain[k]], i, survey_field_name(plain[k]));
                known = TRUE;
            }
        if (known)
            continue;
        if (g_ascii_strcasecmp(name, "challenge") == 0)
            set_canonical(r, &slot_for(m, 0)->challenge, i, "challenge");
        else if (numbered(name, "challenge", &number))
            set_canonical(r, &slot_for(m, number)->challenge, i, name);
        else if (numbered(name, "theme", &number))
            set_canonical(r, &slot_for(m, number)->theme, i, name);
        else if (numbered(name, "importance", &number))
            set_canonical(r, &slot_for(m, number)->importance, i, name);
    }
    for (int f = 0; f < SURVEY_FIELD_COUNT; f++)
        if (single[f] >= 0) {
            set_single(&m->field[f], single[f]);
            r->taken[single[f]] = TRUE;
        }
}

/* ---- Profile globs and guesses ------------------------------------------- */

/* What a field glob is matched against: the whole folded name, or for an XML
 * path with groups ("besoins/defi_principal", no space in it) its last part, so
 * that a group's name does not make every question in it look alike. */
static const char *glob_subject(Resolver *r, guint i)
{
    const char *f = r->folded[i];
    char sep = r->m->profile->option_separator;
    const char *last = sep ? strrchr(f, sep) : NULL;
    return last && !strchr(f, ' ') && last[1] ? last + 1 : f;
}

/* Fills FIELD from the first profile glob that matches a free column; every
 * column of that glob is an alternative (title/fr, title/en). */
static void profile_field(Resolver *r, SurveyField field)
{
    SurveyMapping *m = r->m;
    for (char **g = m->profile->fields[field]; g && *g && m->field[field].n == 0; g++) {
        if (field == SURVEY_FIELD_THEME && !m->theme_options) {
            for (guint i = 0; i < m->ncols && !m->theme_options; i++) {
                g_autofree char *folded = m->groups[i] ? g_utf8_casefold(m->groups[i], -1) : NULL;
                if (folded && g_pattern_match_simple(*g, folded))
                    m->theme_options = find_group(m, m->groups[i]);
            }
            if (m->theme_options)
                return;
        }
        for (guint i = 0; i < m->ncols; i++) {
            SurveyColumns *c = &m->field[field];
            if (r->taken[i] || m->kinds[i] == SURVEY_COLUMN_OPTION ||
                c->n == SURVEY_MAX_ALTERNATIVES || !g_pattern_match_simple(*g, glob_subject(r, i)))
                continue;
            c->col[c->n++] = (int)i;
            r->taken[i] = TRUE;
        }
    }
}

static void profile_challenges(Resolver *r)
{
    SurveyMapping *m = r->m;
    for (char **g = m->profile->fields[SURVEY_FIELD_CHALLENGE]; g && *g; g++) {
        for (guint i = 0; i < m->ncols; i++) {
            if (r->taken[i] || m->kinds[i] == SURVEY_COLUMN_OPTION ||
                !g_pattern_match_simple(*g, glob_subject(r, i)))
                continue;
            slot_for(m, m->slots->len + 1)->challenge = (int)i;
            r->taken[i] = TRUE;
        }
        if (m->profile->challenge_first && m->slots->len)
            break;
    }
}

/* The plain columns no field took, that read as free text. */
static GArray *free_text(Resolver *r, gboolean longish, gboolean include_taken)
{
    SurveyMapping *m = r->m;
    GArray *out = g_array_new(FALSE, FALSE, sizeof(int));
    for (guint i = 0; i < m->ncols; i++) {
        if ((r->taken[i] && !include_taken) || m->kinds[i] != SURVEY_COLUMN_PLAIN ||
            !sample_is_text(r, i, longish))
            continue;
        int c = (int)i;
        g_array_append_val(out, c);
    }
    return out;
}

/* A guessed numeric field whose sample does not parse is dropped, with a note. */
static void check_numeric(Resolver *r, SurveyField field, gint64 min, gint64 max)
{
    SurveyMapping *m = r->m;
    SurveyColumns *c = &m->field[field];
    if (!m->guessed[field] || c->n == 0 || sample_is_int(r, (guint)c->col[0], min, max))
        return;
    add_note(m,
             "%s: column \"%s\" fits by its name but does not hold whole numbers from "
             "%" G_GINT64_FORMAT " to %" G_GINT64_FORMAT ": not used",
             survey_field_name(field), m->names[c->col[0]], min, max);
    r->taken[c->col[0]] = FALSE;
    c->n = 0;
}

static void tool_fields(Resolver *r, const SurveyMap *maps, guint n_maps)
{
    SurveyMapping *m = r->m;
    gboolean mapped[SURVEY_FIELD_COUNT] = {FALSE};
    for (guint i = 0; i < n_maps; i++)
        mapped[maps[i].field] = TRUE;
    static const SurveyField order[] = {SURVEY_FIELD_PLACE,   SURVEY_FIELD_RESPONDENT,
                                        SURVEY_FIELD_VOTES,   SURVEY_FIELD_MEMBERS,
                                        SURVEY_FIELD_IMPORTANCE, SURVEY_FIELD_THEME};
    for (guint k = 0; k < G_N_ELEMENTS(order); k++) {
        SurveyField f = order[k];
        if (mapped[f])
            continue;
        profile_field(r, f);
        m->guessed[f] = m->field[f].n > 0 || (f == SURVEY_FIELD_THEME && m->theme_options);
    }
    /* Challenges last: "Thème du défi" is a theme before it is a challenge. */
    if (!mapped[SURVEY_FIELD_CHALLENGE])
        profile_challenges(r);
    check_numeric(r, SURVEY_FIELD_IMPORTANCE, 1, 5);
    check_numeric(r, SURVEY_FIELD_MEMBERS, 0, G_MAXINT32);
    check_numeric(r, SURVEY_FIELD_VOTES, 0, G_MAXINT32);

    if (m->slots->len == 0 && m->profile->guess_challenges) {
        g_autoptr(GArray) text = free_text(r, TRUE, FALSE);
        for (guint i = 0; i < text->len; i++) {
            int c = g_array_index(text, int, i);
            slot_for(m, m->slots->len + 1)->challenge = c;
            r->taken[c] = TRUE;
        }
        if (text->len) {
            g_autofree char *which = listed(m, text, 8);
            m->guessed[SURVEY_FIELD_CHALLENGE] = TRUE;
            add_note(m,
                     "challenge: no question is named as one; the free-text questions are taken: "
                     "%s (choose with --map challenge=COLUMN, once per column)",
                     which);
        }
    } else if (m->slots->len && !mapped[SURVEY_FIELD_CHALLENGE]) {
        m->guessed[SURVEY_FIELD_CHALLENGE] = TRUE;
    }
}

static void check_required(Resolver *r)
{
    SurveyMapping *m = r->m;
    const char *name = m->profile->name;
    if (m->slots->len == 0) {
        g_autoptr(GArray) text = free_text(r, FALSE, FALSE);
        g_autofree char *which = listed(m, text, 8);
        report(r, G_MAXUINT, "challenge",
               "no column holds the challenges (profile %s): add --map challenge=COLUMN, once per "
               "column of free-text challenges; %s%s",
               name, text->len ? "free-text questions found: " : "no free-text question found",
               which);
    }
    if (m->field[SURVEY_FIELD_PLACE].n)
        return;
    if (m->profile->place_fallback && m->field[SURVEY_FIELD_RESPONDENT].n) {
        add_note(m, "place: no column names the place; each respondent stands in (\"%s #%s\")",
                 m->profile->tool, m->names[m->field[SURVEY_FIELD_RESPONDENT].col[0]]);
        return;
    }
    g_autoptr(GArray) text = free_text(r, FALSE, TRUE);
    g_autofree char *which = listed(m, text, 8);
    report(r, G_MAXUINT, "place",
           "no column gives the place that answered (profile %s cannot know which question "
           "holds it): add --map place=COLUMN; %s%s",
           name, text->len ? "candidates: " : "no text column found", which);
}

gboolean survey_mapping_resolve(SurveyMapping *m, const SurveyProfile *profile, char **names,
                                guint n, char **groups, GPtrArray *sample, const SurveyMap *maps,
                                guint n_maps, SurveyMappingProblem problem, void *data)
{
    memset(m, 0, sizeof *m);
    m->profile = profile;
    m->ncols = n;
    m->names = g_new0(char *, n + 1);
    m->keys = g_new0(char *, n + 1);
    m->kinds = g_new0(guint8, n);
    m->slots = g_array_new(FALSE, FALSE, sizeof(SurveySlot));
    m->notes = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) folded = g_ptr_array_new_with_free_func(g_free);
    g_autofree gboolean *taken = g_new0(gboolean, n);
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < n; i++) {
        char *name = g_strstrip(g_strdup(names[i]));
        m->names[i] = name;
        g_ptr_array_add(folded, g_utf8_casefold(name, -1));
    }
    Resolver r = {.m = m, .folded = (char **)folded->pdata, .sample = sample, .taken = taken,
                  .problem = problem, .data = data, .ok = TRUE};
    if (profile->canonical)
        m->groups = g_new0(char *, n);
    else
        classify(&r, groups);
    for (guint i = 0; i < n; i++) {
        /* Option columns under a group row are named by their question. */
        const char *name = m->names[i];
        g_autofree char *long_name =
            groups && m->groups[i] ? g_strdup_printf("%s: %s", m->groups[i], name) : NULL;
        if (long_name)
            name = long_name;
        m->keys[i] = g_hash_table_contains(seen, name)
                         ? g_strdup_printf("%s (column %u)", name, i + 1)
                         : g_strdup(name);
        g_hash_table_add(seen, m->keys[i]);
    }

    if (profile->canonical)
        canonical_names(&r);
    gboolean mapped_challenge = FALSE;
    for (guint i = 0; i < n_maps; i++) {
        if (maps[i].field == SURVEY_FIELD_CHALLENGE && !mapped_challenge) {
            mapped_challenge = TRUE;
            for (guint s = 0; s < m->slots->len; s++)
                r.taken[g_array_index(m->slots, SurveySlot, s).challenge] = FALSE;
            g_array_set_size(m->slots, 0);
        }
        apply_map(&r, &maps[i]);
    }
    if (!r.ok)
        return FALSE;

    if (profile->canonical) {
        g_autofree char *all = g_strjoinv("\", \"", m->names);
        if (m->field[SURVEY_FIELD_PLACE].n == 0)
            report(&r, 0, "place",
                   "missing column \"place\" (the header has \"%s\"): name the column that "
                   "identifies the answering place \"place\", or add --map place=COLUMN",
                   all);
        for (guint i = 0; i < m->slots->len; i++) {
            SurveySlot *s = &g_array_index(m->slots, SurveySlot, i);
            if (s->challenge < 0)
                report(&r, 0, "challenge", "column theme_%u or importance_%u has no challenge_%u",
                       s->number, s->number, s->number);
        }
        if (m->slots->len == 0)
            report(&r, 0, "challenge",
                   "missing column \"challenge\" (the header has \"%s\"): name the column of "
                   "free-text challenges \"challenge\", or challenge_1, challenge_2… for one "
                   "column per challenge, or add --map challenge=COLUMN",
                   all);
    } else {
        tool_fields(&r, maps, n_maps);
        check_required(&r);
        m->html = g_new0(guint8, n);
        m->transform = profile->missing || profile->formula_quote || profile->html;
        for (guint i = 0; i < n; i++)
            m->html[i] = survey_globs_match(profile->html, m->names[i], r.folded[i]);
    }
    if (profile->canonical)
        g_array_sort(m->slots, compare_slots);
    return r.ok;
}

/* ---- For people ---------------------------------------------------------- */

static json_t *column_json(const SurveyMapping *m, int c)
{
    g_autofree char *text = g_strdup_printf("%s (column %d)", m->keys[c], c + 1);
    return json_string(text);
}

json_t *survey_mapping_to_json(const SurveyMapping *m)
{
    json_t *out = json_object();
    for (int f = 0; f < SURVEY_FIELD_COUNT; f++) {
        json_t *list = json_array();
        if (f == SURVEY_FIELD_CHALLENGE) {
            for (guint i = 0; i < m->slots->len; i++) {
                int c = g_array_index(m->slots, SurveySlot, i).challenge;
                if (c >= 0)
                    json_array_append_new(list, column_json(m, c));
            }
        } else if (f == SURVEY_FIELD_THEME && m->theme_options) {
            for (guint i = 0; i < m->theme_options->len; i++)
                json_array_append_new(list,
                                      column_json(m, g_array_index(m->theme_options, int, i)));
        } else {
            for (guint i = 0; i < m->field[f].n; i++)
                json_array_append_new(list, column_json(m, m->field[f].col[i]));
        }
        json_object_set_new(out, survey_field_name((SurveyField)f), list);
    }
    json_t *guessed = json_array();
    for (int f = 0; f < SURVEY_FIELD_COUNT; f++)
        if (m->guessed[f])
            json_array_append_new(guessed, json_string(survey_field_name((SurveyField)f)));
    json_object_set_new(out, "guessed", guessed);
    guint ignored = 0, options = 0;
    for (guint i = 0; i < m->ncols; i++) {
        ignored += m->kinds[i] == SURVEY_COLUMN_IGNORED;
        options += m->kinds[i] == SURVEY_COLUMN_OPTION;
    }
    json_object_set_new(out, "columns", json_integer(m->ncols));
    json_object_set_new(out, "ignored", json_integer(ignored));
    json_object_set_new(out, "options", json_integer(options));
    json_t *notes = json_array();
    for (guint i = 0; m->notes && i < m->notes->len; i++)
        json_array_append_new(notes, json_string(g_ptr_array_index(m->notes, i)));
    json_object_set_new(out, "notes", notes);
    return out;
}

/* ---- HTML to text -------------------------------------------------------- */

static const struct {
    const char *name;
    const char *text;
} entities[] = {
    {"amp;", "&"},  {"lt;", "<"},  {"gt;", ">"},  {"quot;", "\""}, {"apos;", "'"},
    {"#39;", "'"},  {"nbsp;", " "}, {"rsquo;", "’"}, {"laquo;", "«"}, {"raquo;", "»"},
    {"eacute;", "é"}, {"egrave;", "è"}, {"agrave;", "à"}, {"ccedil;", "ç"},
};

void survey_html_to_text(char *text)
{
    char *out = text;
    const char *p = text;
    while (*p) {
        if (*p == '<') {
            const char *close = strchr(p, '>');
            if (!close) {
                *out++ = *p++;
                continue;
            }
            g_autofree char *tag = g_ascii_strdown(p + 1, close - p - 1);
            if (g_str_has_prefix(tag, "br") || g_str_has_prefix(tag, "/p") ||
                g_str_has_prefix(tag, "/li") || g_str_has_prefix(tag, "/div") ||
                g_str_has_prefix(tag, "/h"))
                *out++ = '\n';
            p = close + 1;
            continue;
        }
        if (*p == '&') {
            gboolean done = FALSE;
            for (guint i = 0; i < G_N_ELEMENTS(entities) && !done; i++) {
                gsize n = strlen(entities[i].name);
                if (strncmp(p + 1, entities[i].name, n) == 0 && strlen(entities[i].text) <= n) {
                    gsize t = strlen(entities[i].text);
                    memmove(out, entities[i].text, t);
                    out += t;
                    p += 1 + n;
                    done = TRUE;
                }
            }
            if (!done && p[1] == '#') {
                char *end = NULL;
                gboolean hex = p[2] == 'x' || p[2] == 'X';
                guint64 code = g_ascii_strtoull(p + (hex ? 3 : 2), &end, hex ? 16 : 10);
                if (end && *end == ';' && code > 0 && code < 0x110000 &&
                    g_unichar_validate((gunichar)code)) {
                    char buf[6];
                    gint t = g_unichar_to_utf8((gunichar)code, buf);
                    if ((const char *)end + 1 - p >= t) {
                        memcpy(out, buf, (gsize)t);
                        out += t;
                        p = end + 1;
                        done = TRUE;
                    }
                }
            }
            if (done)
                continue;
        }
        *out++ = *p++;
    }
    *out = 0;
    /* Trailing line breaks of the last paragraph say nothing. */
    while (out > text && (out[-1] == '\n' || out[-1] == ' '))
        *--out = 0;
}
