/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cli.c - what the subcommands of `defis` share. */
#include "api/cli.h"

#include <stdio.h>
#include <string.h>

DefisStore *api_cli_open(ApiCli *cli)
{
    GError *error = NULL;
    DefisStore *store = defis_store_open(cli->db_path, DEFIS_STORE_READWRITE, &error);
    if (!store)
        api_cli_fail(error);
    return store;
}

int api_cli_fail(GError *error)
{
    fprintf(stderr, "defis: %s\n", error ? error->message : "failed");
    g_clear_error(&error);
    return API_EXIT_FAIL;
}

gboolean api_cli_parse(GOptionContext *context, int *argc, char ***argv)
{
    GError *error = NULL;
    if (g_option_context_parse(context, argc, argv, &error))
        return TRUE;
    fprintf(stderr, "defis %s: %s\nTry `defis %s --help`.\n", (*argv)[0], error->message,
            (*argv)[0]);
    g_error_free(error);
    return FALSE;
}

int api_cli_usage(const char *command, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *message = g_strdup_vprintf(format, ap);
    va_end(ap);
    fprintf(stderr, "defis %s: %s\nTry `defis %s --help`.\n", command, message, command);
    return API_EXIT_USAGE;
}

GOptionContext *api_cli_context(const char *command, const char *parameters, const char *summary,
                                const GOptionEntry *entries)
{
    GOptionContext *context = g_option_context_new(parameters);
    g_option_context_set_summary(context, summary);
    if (entries)
        g_option_context_add_main_entries(context, entries, NULL);
    return context;
}

gboolean api_cli_format(const char *command, const char *name, unsigned allowed, ApiFormat *format)
{
    static const char *const names[] = {"table", "json", "csv", "text"};
    if (!name)
        return TRUE;
    g_autoptr(GString) known = g_string_new(NULL);
    for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
        if (!(allowed & (1u << i)))
            continue;
        if (strcmp(name, names[i]) == 0) {
            *format = (ApiFormat)i;
            return TRUE;
        }
        g_string_append_printf(known, "%s%s", known->len ? ", " : "", names[i]);
    }
    api_cli_usage(command, "unknown format \"%s\": use %s", name, known->str);
    return FALSE;
}

gboolean api_cli_settings(const char *path, DefisScoreSettings **settings)
{
    GError *error = NULL;
    if (path && !(*settings = defis_settings_load(path, &error))) {
        api_cli_fail(error);
        return FALSE;
    }
    return TRUE;
}

void api_csv_field(GString *out, const char *text)
{
    if (!text)
        return;
    if (!strpbrk(text, ",;\"\r\n\t") && text[0] != ' ') {
        g_string_append(out, text);
        return;
    }
    g_string_append_c(out, '"');
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            g_string_append_c(out, '"');
        g_string_append_c(out, *p);
    }
    g_string_append_c(out, '"');
}

void api_print_json(json_t *value)
{
    json_dumpf(value, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
}

char *api_cli_clip(const char *text, glong width)
{
    g_autofree char *flat = g_strdup(text ? text : "");
    for (char *p = flat; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    if (g_utf8_strlen(flat, -1) <= width)
        return g_steal_pointer(&flat);
    g_autofree char *cut = g_utf8_substring(flat, 0, width - 1);
    return g_strconcat(cut, "…", NULL);
}
