/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* text.c - folding, stop words, stemming and the features of a challenge's text. */
#include "engine/text.h"

#include <libstemmer.h>
#include <string.h>

#include "engine/error.h"
#include "engine/hash.h"

/* ---- Stop words -----------------------------------------------------------
 * Folded (no accents, lower case), as they appear after defis_text_fold. Based
 * on Snowball's French and English lists, with the French forms of être and
 * avoir, a few more determiners, prepositions and conjunctions, and the elided
 * forms that folding turns into words of their own (qu' -> "qu"). Words that
 * carry meaning in a challenge ("plus", "sans", "besoin") are kept. */

static const char *const french_stop_words[] = {
    "a",       "ai",      "aie",     "aient",     "aies",     "ait",     "alors",    "as",
    "au",      "aucun",   "aucune",  "aupres",    "aura",     "aurai",   "auraient", "aurais",
    "aurait",  "auras",   "aurez",   "auriez",    "aurions",  "aurons",  "auront",   "aussi",
    "autre",   "autres",  "aux",     "avaient",   "avais",    "avait",   "avec",     "avez",
    "aviez",   "avions",  "avoir",   "avons",     "ayant",    "ayante",  "ayantes",  "ayants",
    "ayez",    "ayons",   "c",       "ca",        "car",      "ce",      "ceci",     "cela",
    "celle",   "celles",  "celui",   "cependant", "ces",      "cet",     "cette",    "ceux",
    "chacun",  "chaque",  "chez",    "ci",        "comme",    "comment", "d",        "dans",
    "de",      "des",     "donc",    "dont",      "du",       "elle",    "elles",    "en",
    "entre",   "es",      "est",     "et",        "etaient",  "etais",   "etait",    "etant",
    "etante",  "etantes", "etants",  "ete",       "etee",     "etees",   "etes",     "etiez",
    "etions",  "etre",    "eu",      "eue",       "eues",     "eumes",   "eurent",   "eus",
    "eusse",   "eussent", "eusses",  "eussiez",   "eussions", "eut",     "eutes",    "eux",
    "fumes",   "furent",  "fus",     "fusse",     "fussent",  "fusses",  "fussiez",  "fussions",
    "fut",     "futes",   "ici",     "il",        "ils",      "j",       "je",       "jusqu",
    "jusque",  "l",       "la",      "le",        "les",      "leur",    "leurs",    "lorsqu",
    "lorsque", "lui",     "m",       "ma",        "mais",     "me",      "meme",     "memes",
    "mes",     "moi",     "mon",     "n",         "ne",       "ni",      "nos",      "notre",
    "nous",    "on",      "ont",     "or",        "ou",       "par",     "parce",    "pas",
    "peu",     "pour",    "puis",    "puisqu",    "puisque",  "qu",      "quand",    "que",
    "quel",    "quelle",  "quelles", "quels",     "qui",      "quoi",    "s",        "sa",
    "se",      "sera",    "serai",   "seraient",  "serais",   "serait",  "seras",    "serez",
    "seriez",  "serions", "serons",  "seront",    "ses",      "si",      "soi",      "soient",
    "sois",    "soit",    "sommes",  "son",       "sont",     "soyez",   "soyons",   "suis",
    "sur",     "t",       "ta",      "tant",      "te",       "tes",     "toi",      "ton",
    "tous",    "tout",    "toute",   "toutes",    "tres",     "tu",      "un",       "une",
    "unes",    "uns",     "vers",    "via",       "voici",    "voila",   "vos",      "votre",
    "vous",    "y",
};

static const char *const english_stop_words[] = {
    "a",      "about",  "above", "after", "again",   "against",  "all",        "am",
    "an",     "and",    "any",   "are",   "as",      "at",       "be",         "because",
    "been",   "before", "being", "below", "between", "both",     "but",        "by",
    "can",    "could",  "did",   "do",    "does",    "doing",    "down",       "during",
    "each",   "few",    "for",   "from",  "further", "had",      "has",        "have",
    "having", "he",     "her",   "here",  "hers",    "herself",  "him",        "himself",
    "his",    "how",    "i",     "if",    "in",      "into",     "is",         "it",
    "its",    "itself", "just",  "me",    "more",    "most",     "my",         "myself",
    "no",     "nor",    "not",   "now",   "of",      "off",      "on",         "once",
    "only",   "or",     "other", "ought", "our",     "ours",     "ourselves",  "out",
    "over",   "own",    "same",  "she",   "should",  "so",       "some",       "such",
    "than",   "that",   "the",   "their", "theirs",  "them",     "themselves", "then",
    "there",  "these",  "they",  "this",  "those",   "through",  "to",         "too",
    "under",  "until",  "up",    "very",  "was",     "we",       "were",       "what",
    "when",   "where",  "which", "while", "who",     "whom",     "why",        "will",
    "with",   "would",  "you",   "your",  "yours",   "yourself", "yourselves",
};

enum {
    STOP_FRENCH = 1 << DEFIS_LANGUAGE_FRENCH,
    STOP_ENGLISH = 1 << DEFIS_LANGUAGE_ENGLISH,
};

struct DefisText {
    DefisTextOptions options;
    struct sb_stemmer *stemmer[2]; /* indexed by DefisLanguage */
    GHashTable *stop_words;        /* folded word (static) -> STOP_* flags */
};

/* ---- Folding --------------------------------------------------------------- */

/* For each ASCII byte: its lower-case form if it is a letter or a digit, else 0. */
static const char ascii_fold[128] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4', ['5'] = '5', ['6'] = '6',
    ['7'] = '7', ['8'] = '8', ['9'] = '9', ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd',
    ['e'] = 'e', ['f'] = 'f', ['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k',
    ['l'] = 'l', ['m'] = 'm', ['n'] = 'n', ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r',
    ['s'] = 's', ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y',
    ['z'] = 'z', ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f',
    ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l', ['M'] = 'm',
    ['N'] = 'n', ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't',
    ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y', ['Z'] = 'z',
};

/* Letters that NFKD leaves whole but that a reader takes for a letter plus a
 * mark or for two letters. Returns their spelling, or NULL. */
static const char *spelled_letter(gunichar c)
{
    switch (c) {
    case 0x00C6: /* Æ */
    case 0x00E6: /* æ */
        return "ae";
    case 0x0152: /* Œ */
    case 0x0153: /* œ */
        return "oe";
    case 0x00DF: /* ß */
    case 0x1E9E: /* ẞ */
        return "ss";
    case 0x00D8: /* Ø */
    case 0x00F8: /* ø */
        return "o";
    case 0x0110: /* Đ */
    case 0x0111: /* đ */
        return "d";
    case 0x0141: /* Ł */
    case 0x0142: /* ł */
        return "l";
    case 0x0131: /* ı */
        return "i";
    default:
        return NULL;
    }
}

typedef struct {
    GString *out;
    gboolean pending_space;
} FoldState;

static inline void fold_emit(FoldState *state, const char *bytes, gsize n)
{
    if (state->pending_space) {
        g_string_append_c(state->out, ' ');
        state->pending_space = FALSE;
    }
    if (n == 1)
        g_string_append_c(state->out, bytes[0]);
    else
        g_string_append_len(state->out, bytes, n);
}

static inline void fold_separate(FoldState *state)
{
    state->pending_space = state->out->len > 0;
}

/* Folds one character that is not a combining mark of its own. NFKD is done
 * character by character (g_unichar_fully_decompose): canonical reordering,
 * the only other step of NFKD, only moves combining marks, which are dropped. */
static void fold_char(FoldState *state, gunichar c)
{
    const char *spelled = spelled_letter(c);
    if (spelled) {
        fold_emit(state, spelled, strlen(spelled));
        return;
    }
    gunichar parts[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
    gsize n = g_unichar_fully_decompose(c, TRUE, parts, G_N_ELEMENTS(parts));
    for (gsize i = 0; i < n; i++) {
        gunichar part = parts[i];
        if (part < 0x80) {
            char folded = ascii_fold[part];
            if (folded)
                fold_emit(state, &folded, 1);
            else
                fold_separate(state);
        } else if (g_unichar_ismark(part)) {
            continue;
        } else if ((spelled = spelled_letter(part))) {
            fold_emit(state, spelled, strlen(spelled));
        } else if (g_unichar_isalnum(part)) {
            gunichar lower = g_unichar_tolower(part);
            if (lower == 0x03C2) /* final sigma folds to sigma */
                lower = 0x03C3;
            char utf8[6];
            fold_emit(state, utf8, g_unichar_to_utf8(lower, utf8));
        } else {
            fold_separate(state);
        }
    }
}

/* The folds of U+0080..U+00FF (Latin-1: most accented French letters), made once
 * by fold_char itself so that the shortcut cannot disagree with it. An entry is
 * "" for a separator. */
typedef struct {
    char bytes[4];
    guint8 length;
} Latin1Fold;

static const Latin1Fold *latin1_folds(void)
{
    static Latin1Fold table[0x80];
    static gsize ready = 0;
    if (g_once_init_enter(&ready)) {
        for (gunichar c = 0x80; c <= 0xFF; c++) {
            FoldState state = {g_string_new(NULL), FALSE};
            fold_char(&state, c);
            g_assert(state.out->len < sizeof table[0].bytes);
            memcpy(table[c - 0x80].bytes, state.out->str, state.out->len);
            table[c - 0x80].length = (guint8)state.out->len;
            g_string_free(state.out, TRUE);
        }
        g_once_init_leave(&ready, 1);
    }
    return table;
}

/* The general path, from byte START of TEXT on; PREFIX holds the fold of the
 * ASCII prefix already done. */
static char *fold_unicode(const char *text, gsize len, gsize start, const char *prefix,
                          gsize prefix_len, gboolean pending_space)
{
    FoldState state = {g_string_sized_new(len + 16), pending_space};
    const Latin1Fold *latin1 = latin1_folds();
    g_string_append_len(state.out, prefix, prefix_len);
    const char *p = text + start;
    const char *end = text + len;
    while (p < end) {
        guchar byte = (guchar)*p;
        if (byte < 0x80) {
            char folded = ascii_fold[byte];
            if (folded)
                fold_emit(&state, &folded, 1);
            else
                fold_separate(&state);
            p++;
            continue;
        }
        if ((byte == 0xC2 || byte == 0xC3) && p + 1 < end && ((guchar)p[1] & 0xC0) == 0x80) {
            const Latin1Fold *folded = &latin1[((byte & 0x03) << 6 | ((guchar)p[1] & 0x3F)) - 0x80];
            if (folded->length)
                fold_emit(&state, folded->bytes, folded->length);
            else
                fold_separate(&state);
            p += 2;
            continue;
        }
        gunichar c = g_utf8_get_char_validated(p, end - p);
        if (c == (gunichar)-1 || c == (gunichar)-2) {
            fold_separate(&state); /* an invalid byte separates words */
            p++;
            continue;
        }
        fold_char(&state, c);
        p = g_utf8_next_char(p);
    }
    return g_string_free(state.out, FALSE);
}

char *defis_text_fold(const char *text, gssize len)
{
    g_return_val_if_fail(text != NULL || len == 0, NULL);
    gsize n = len < 0 ? strlen(text) : (gsize)len;
    char *out = g_malloc(n + 1);
    char *o = out;
    gboolean pending_space = FALSE;
    for (gsize i = 0; i < n; i++) {
        guchar byte = (guchar)text[i];
        if (G_UNLIKELY(byte >= 0x80)) {
            char *folded = fold_unicode(text, n, i, out, o - out, pending_space);
            g_free(out);
            return folded;
        }
        char folded = ascii_fold[byte];
        if (folded) {
            if (pending_space) {
                *o++ = ' ';
                pending_space = FALSE;
            }
            *o++ = folded;
        } else {
            pending_space = o != out;
        }
    }
    *o = '\0';
    return out;
}

/* ---- The pipeline object --------------------------------------------------- */

static void add_stop_words(GHashTable *table, const char *const *words, gsize n, guint flag)
{
    for (gsize i = 0; i < n; i++) {
        guint flags = GPOINTER_TO_UINT(g_hash_table_lookup(table, words[i]));
        g_hash_table_insert(table, (gpointer)words[i], GUINT_TO_POINTER(flags | flag));
    }
}

DefisText *defis_text_new(const DefisTextOptions *options, GError **error)
{
    DefisTextOptions chosen = options ? *options : DEFIS_TEXT_OPTIONS_DEFAULT;
    if (chosen.ngram > 16) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                    "character n-grams of %u characters are too long (16 at most)", chosen.ngram);
        return NULL;
    }
    DefisText *text = g_new0(DefisText, 1);
    text->options = chosen;
    text->stemmer[DEFIS_LANGUAGE_FRENCH] = sb_stemmer_new("french", NULL);
    text->stemmer[DEFIS_LANGUAGE_ENGLISH] = sb_stemmer_new("english", NULL);
    if (!text->stemmer[DEFIS_LANGUAGE_FRENCH] || !text->stemmer[DEFIS_LANGUAGE_ENGLISH]) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                    "libstemmer has no French or no English stemmer");
        defis_text_free(text);
        return NULL;
    }
    text->stop_words = g_hash_table_new(g_str_hash, g_str_equal);
    add_stop_words(text->stop_words, french_stop_words, G_N_ELEMENTS(french_stop_words),
                   STOP_FRENCH);
    add_stop_words(text->stop_words, english_stop_words, G_N_ELEMENTS(english_stop_words),
                   STOP_ENGLISH);
    return text;
}

void defis_text_free(DefisText *text)
{
    if (!text)
        return;
    for (gsize i = 0; i < G_N_ELEMENTS(text->stemmer); i++)
        if (text->stemmer[i])
            sb_stemmer_delete(text->stemmer[i]);
    if (text->stop_words)
        g_hash_table_unref(text->stop_words);
    g_free(text);
}

/* ---- Words ------------------------------------------------------------------ */

/* The words of a folded text: FOLDED is cut in place at its spaces. */
typedef struct {
    char *folded;
    GPtrArray *words; /* borrowed pointers into folded */
    DefisLanguage language;
} Words;

static void words_clear(Words *words)
{
    g_free(words->folded);
    if (words->words)
        g_ptr_array_unref(words->words);
}

static guint stop_flags(DefisText *text, const char *word)
{
    return GPOINTER_TO_UINT(g_hash_table_lookup(text->stop_words, word));
}

static DefisLanguage guess_language(DefisText *text, GPtrArray *words)
{
    gsize french = 0, english = 0;
    for (guint i = 0; i < words->len; i++) {
        guint flags = stop_flags(text, words->pdata[i]);
        if (flags == STOP_FRENCH)
            french++;
        else if (flags == STOP_ENGLISH)
            english++;
    }
    return english > french ? DEFIS_LANGUAGE_ENGLISH : DEFIS_LANGUAGE_FRENCH;
}

static gboolean is_single_letter(const char *word)
{
    return word[0] != '\0' && word[1] == '\0' && !g_ascii_isdigit(word[0]);
}

/* Folds INPUT, splits it into words, guesses its language and keeps in
 * WORDS->words the content words: no single letter, no stop word. */
static void split_content_words(DefisText *text, const char *input, gssize len, Words *words)
{
    words->folded = defis_text_fold(input, len);
    GPtrArray *all = g_ptr_array_new();
    for (char *p = words->folded; *p;) {
        char *space = strchr(p, ' ');
        g_ptr_array_add(all, p);
        if (!space)
            break;
        *space = '\0';
        p = space + 1;
    }
    words->language = guess_language(text, all);
    guint flag = 1u << words->language;
    words->words = g_ptr_array_sized_new(all->len);
    for (guint i = 0; i < all->len; i++) {
        const char *word = all->pdata[i];
        if (is_single_letter(word) || (stop_flags(text, word) & flag))
            continue;
        g_ptr_array_add(words->words, (gpointer)word);
    }
    g_ptr_array_unref(all);
}

DefisLanguage defis_text_language(DefisText *text, const char *input, gssize len)
{
    g_return_val_if_fail(text != NULL, DEFIS_LANGUAGE_FRENCH);
    Words words = {0};
    split_content_words(text, input, len, &words);
    DefisLanguage language = words.language;
    words_clear(&words);
    return language;
}

/* Stems WORD with the stemmer of LANGUAGE. Returns a pointer into the stemmer's
 * buffer, valid until its next use; *LENGTH is its length. */
static const char *stem(DefisText *text, DefisLanguage language, const char *word, int *length)
{
    struct sb_stemmer *stemmer = text->stemmer[language];
    const sb_symbol *stemmed = sb_stemmer_stem(stemmer, (const sb_symbol *)word, (int)strlen(word));
    if (!stemmed) { /* out of memory inside libstemmer: keep the word whole */
        *length = (int)strlen(word);
        return word;
    }
    *length = sb_stemmer_length(stemmer);
    return (const char *)stemmed;
}

char **defis_text_terms(DefisText *text, const char *input, gssize len, DefisLanguage *language)
{
    g_return_val_if_fail(text != NULL, NULL);
    Words words = {0};
    split_content_words(text, input, len, &words);
    char **terms = g_new(char *, words.words->len + 1);
    for (guint i = 0; i < words.words->len; i++) {
        int length;
        const char *stemmed = stem(text, words.language, words.words->pdata[i], &length);
        terms[i] = g_strndup(stemmed, length);
    }
    terms[words.words->len] = NULL;
    if (language)
        *language = words.language;
    words_clear(&words);
    return terms;
}

/* ---- Features --------------------------------------------------------------- */

static inline guint64 make_feature(DefisFeatureKind kind, guint64 hash)
{
    return ((guint64)kind << 62) | (hash >> 2);
}

static const guint64 kind_seed[DEFIS_FEATURE_KINDS] = {
    G_GUINT64_CONSTANT(0x9e3779b97f4a7c15),
    G_GUINT64_CONSTANT(0xbf58476d1ce4e5b9),
    G_GUINT64_CONSTANT(0x94d049bb133111eb),
};

static void add_ngrams(GArray *features, const char *words, gsize n_bytes, guint ngram)
{
    /* Offsets of the first ngram + 1 character starts, as a sliding window. */
    gsize starts[17];
    guint have = 0;
    const char *p = words;
    const char *end = words + n_bytes;
    gboolean added = FALSE;
    while (p <= end) {
        if (have == ngram + 1) {
            memmove(starts, starts + 1, ngram * sizeof *starts);
            have--;
        }
        starts[have++] = p - words;
        if (have == ngram + 1) {
            guint64 h = defis_hash_bytes(words + starts[0], starts[ngram] - starts[0],
                                         kind_seed[DEFIS_FEATURE_NGRAM]);
            guint64 feature = make_feature(DEFIS_FEATURE_NGRAM, h);
            g_array_append_val(features, feature);
            added = TRUE;
        }
        if (p == end)
            break;
        p = g_utf8_next_char(p);
    }
    if (!added && n_bytes > 0) { /* shorter than one n-gram: the whole is one */
        guint64 h = defis_hash_bytes(words, n_bytes, kind_seed[DEFIS_FEATURE_NGRAM]);
        guint64 feature = make_feature(DEFIS_FEATURE_NGRAM, h);
        g_array_append_val(features, feature);
    }
}

/* Sorts the N values of A ascending: quicksort (median of three) down to runs
 * of 16, then one insertion pass. A text has a few hundred features, sorted
 * for every new wording: inline comparisons, unlike qsort's callback, halve
 * the time. */
static void sort_u64(guint64 *a, gsize n)
{
    gsize stack[2 * 64], top = 0; /* the larger side is pushed: depth ≤ log2(n) */
    gsize lo = 0, hi = n;
    for (;;) {
        while (hi - lo > 16) {
            gsize mid = lo + (hi - lo) / 2;
            guint64 x = a[lo], y = a[mid], z = a[hi - 1];
            guint64 pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
            gsize i = lo, j = hi - 1;
            for (;;) {
                while (a[i] < pivot)
                    i++;
                while (a[j] > pivot)
                    j--;
                if (i >= j)
                    break;
                guint64 t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
            /* [lo, j] <= pivot <= [j + 1, hi) */
            if (j + 1 - lo < hi - (j + 1)) {
                stack[top++] = j + 1;
                stack[top++] = hi;
                hi = j + 1;
            } else {
                stack[top++] = lo;
                stack[top++] = j + 1;
                lo = j + 1;
            }
        }
        if (top == 0)
            break;
        hi = stack[--top];
        lo = stack[--top];
    }
    for (gsize i = 1; i < n; i++) {
        guint64 v = a[i];
        gsize k = i;
        while (k > 0 && a[k - 1] > v) {
            a[k] = a[k - 1];
            k--;
        }
        a[k] = v;
    }
}

/* Sorts and removes repeats in place, then counts kinds. Takes HASHES. */
static DefisFeatures *features_take(guint64 *hashes, gsize n)
{
    gsize sorted = 1; /* stored features come sorted already: spare the sort */
    while (sorted < n && hashes[sorted - 1] <= hashes[sorted])
        sorted++;
    if (sorted < n)
        sort_u64(hashes, n);
    gsize unique = 0;
    for (gsize i = 0; i < n; i++)
        if (unique == 0 || hashes[unique - 1] != hashes[i])
            hashes[unique++] = hashes[i];
    DefisFeatures *features = g_new0(DefisFeatures, 1);
    features->hashes = hashes;
    features->n = unique;
    for (gsize i = 0; i < unique; i++)
        features->count[MIN(defis_feature_kind(hashes[i]), DEFIS_FEATURE_NGRAM)]++;
    return features;
}

DefisFeatures *defis_text_features(DefisText *text, const char *input, gssize len)
{
    g_return_val_if_fail(text != NULL, NULL);
    Words words = {0};
    split_content_words(text, input, len, &words);
    guint n_words = words.words->len;
    GArray *features = g_array_sized_new(FALSE, FALSE, sizeof(guint64), 4 * n_words + 8);

    guint64 previous = 0;
    for (guint i = 0; i < n_words; i++) {
        const char *word = words.words->pdata[i];
        int length;
        const char *stemmed = stem(text, words.language, word, &length);
        guint64 term = defis_hash_bytes(stemmed, length, kind_seed[DEFIS_FEATURE_WORD]);
        guint64 feature = make_feature(DEFIS_FEATURE_WORD, term);
        g_array_append_val(features, feature);
        if (text->options.pairs && i > 0 && term != previous) {
            guint64 lo = MIN(previous, term), hi = MAX(previous, term);
            guint64 pair = defis_hash_mix64(lo * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15) ^ hi ^
                                            kind_seed[DEFIS_FEATURE_PAIR]);
            feature = make_feature(DEFIS_FEATURE_PAIR, pair);
            g_array_append_val(features, feature);
        }
        previous = term;
    }
    /* N-grams of each word on its own, " word " with its boundaries marked, so
     * that word order changes nothing (PAIR features see adjacency). */
    if (text->options.ngram > 0) {
        GString *padded = g_string_new(NULL);
        for (guint i = 0; i < n_words; i++) {
            g_string_assign(padded, " ");
            g_string_append(padded, words.words->pdata[i]);
            g_string_append_c(padded, ' ');
            add_ngrams(features, padded->str, padded->len, text->options.ngram);
        }
        g_string_free(padded, TRUE);
    }
    words_clear(&words);

    gsize n = features->len;
    return features_take((guint64 *)g_array_free(features, FALSE), n);
}

DefisFeatures *defis_features_take(guint64 *hashes, gsize n)
{
    g_return_val_if_fail(hashes != NULL, NULL);
    return features_take(hashes, n);
}

DefisFeatures *defis_features_new(const guint64 *hashes, gsize n)
{
    g_return_val_if_fail(hashes != NULL || n == 0, NULL);
    return features_take(g_memdup2(hashes, n * sizeof *hashes), n);
}

DefisFeatures *defis_features_packed(const DefisFeatures *features)
{
    g_return_val_if_fail(features != NULL, NULL);
    guint64 *hashes = g_new(guint64, MAX(features->n, 1));
    for (gsize i = 0; i < features->n; i++)
        hashes[i] = defis_feature_unpack(defis_feature_pack(features->hashes[i]));
    return features_take(hashes, features->n);
}

void defis_features_free(DefisFeatures *features)
{
    if (!features)
        return;
    g_free(features->hashes);
    g_free(features->weights);
    g_free(features);
}

double defis_features_jaccard(const DefisFeatures *a, const DefisFeatures *b)
{
    g_return_val_if_fail(a != NULL && b != NULL, 0.0);
    gsize i = 0, j = 0, common = 0;
    while (i < a->n && j < b->n) {
        if (a->hashes[i] < b->hashes[j]) {
            i++;
        } else if (a->hashes[i] > b->hashes[j]) {
            j++;
        } else {
            common++;
            i++;
            j++;
        }
    }
    gsize all = a->n + b->n - common;
    return all ? (double)common / (double)all : 0.0;
}

void defis_features_weigh(DefisFeatures *features, DefisFeatureWeightFunc weight,
                          gpointer user_data)
{
    g_return_if_fail(features != NULL && weight != NULL);
    g_free(features->weights);
    features->weights = g_new(double, MAX(features->n, 1));
    for (gsize i = 0; i < features->n; i++)
        features->weights[i] = weight(features->hashes[i], user_data);
}

/* Adds to *COMMON and *ALL the weights of the shared features and of all the
 * features of two sorted, weighed runs (AH, AW, AN) and (BH, BW, BN) of one kind,
 * in the order defis_features_similarity's general loop would: the same sums
 * to the last bit, kept in registers. */
static void merge_weighed(const guint64 *ah, const double *aw, gsize an, const guint64 *bh,
                          const double *bw, gsize bn, double *common, double *all)
{
    double c = *common, t = *all;
    gsize i = 0, j = 0;
    while (i < an && j < bn) {
        if (ah[i] < bh[j]) {
            t += aw[i++];
        } else if (ah[i] > bh[j]) {
            t += bw[j++];
        } else {
            double w = (aw[i++] + bw[j++]) / 2;
            t += w;
            c += w;
        }
    }
    while (i < an)
        t += aw[i++];
    while (j < bn)
        t += bw[j++];
    *common = c;
    *all = t;
}

double defis_features_similarity(const DefisFeatures *a, const DefisFeatures *b,
                                 const DefisSimilarity *similarity)
{
    g_return_val_if_fail(a != NULL && b != NULL, 0.0);
    DefisSimilarity chosen = similarity ? *similarity : DEFIS_SIMILARITY_DEFAULT;
    double common[DEFIS_FEATURE_KINDS] = {0}, all[DEFIS_FEATURE_KINDS] = {0};
    gsize i = 0, j = 0;
    if (a->weights && b->weights) { /* both weighed (the deduplication): kind by kind */
        for (int k = 0; k < DEFIS_FEATURE_KINDS; k++) {
            merge_weighed(a->hashes + i, a->weights + i, a->count[k], b->hashes + j, b->weights + j,
                          b->count[k], &common[k], &all[k]);
            i += a->count[k];
            j += b->count[k];
        }
    }
    while (i < a->n || j < b->n) {
        guint64 feature;
        gboolean shared = FALSE;
        double w = -1.0;
        if (j >= b->n || (i < a->n && a->hashes[i] < b->hashes[j])) {
            if (a->weights)
                w = a->weights[i];
            feature = a->hashes[i++];
        } else if (i >= a->n || a->hashes[i] > b->hashes[j]) {
            if (b->weights)
                w = b->weights[j];
            feature = b->hashes[j++];
        } else {
            if (a->weights && b->weights)
                w = (a->weights[i] + b->weights[j]) / 2;
            feature = a->hashes[i];
            shared = TRUE;
            i++;
            j++;
        }
        DefisFeatureKind kind = MIN(defis_feature_kind(feature), DEFIS_FEATURE_NGRAM);
        if (w < 0)
            w = chosen.weight ? chosen.weight(feature, chosen.user_data) : 1.0;
        all[kind] += w;
        if (shared)
            common[kind] += w;
    }
    double sum = 0.0, weights = 0.0;
    for (int k = 0; k < DEFIS_FEATURE_KINDS; k++) {
        if (all[k] <= 0.0 || chosen.kind_weight[k] <= 0.0)
            continue;
        sum += chosen.kind_weight[k] * (common[k] / all[k]);
        weights += chosen.kind_weight[k];
    }
    return weights > 0.0 ? sum / weights : 0.0;
}
