/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cli_export.c - `defis export mentions`: every mention, streamed. */
#include <stdio.h>
#include <string.h>

#include "api/commands.h"
#include "engine/rank.h"

typedef struct {
    ApiFormat format;
    GString *line;
    gboolean first;
} Export;

static gboolean write_mention(const DefisMentionOut *m, gpointer data, GError **error)
{
    Export *ex = data;
    GString *out = ex->line;
    g_string_truncate(out, 0);
    if (ex->format == API_FORMAT_CSV) {
        g_string_append_printf(out, "%" G_GINT64_FORMAT ",", m->id);
        api_csv_field(out, m->network);
        g_string_append_c(out, ',');
        api_csv_field(out, m->place);
        g_string_append_c(out, ',');
        api_csv_field(out, m->text);
        g_string_append_printf(out, ",%" G_GINT64_FORMAT ",", m->challenge_id);
        api_csv_field(out, m->theme);
        g_string_append_c(out, ',');
        if (m->importance)
            g_string_append_printf(out, "%" G_GINT64_FORMAT, m->importance);
        g_string_append_c(out, ',');
        if (m->members >= 0)
            g_string_append_printf(out, "%" G_GINT64_FORMAT, m->members);
        g_string_append_c(out, ',');
        if (m->votes >= 0)
            g_string_append_printf(out, "%" G_GINT64_FORMAT, m->votes);
        g_string_append_printf(out, ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "\n", m->survey_id,
                               m->line);
    } else {
        g_autoptr(json_t) item = defis_rank_mention_json(m);
        g_autofree char *text = json_dumps(item, JSON_COMPACT | JSON_PRESERVE_ORDER);
        g_string_append_printf(out, "%s\n  %s", ex->first ? "" : ",", text);
        ex->first = FALSE;
    }
    fwrite(out->str, 1, out->len, stdout);
    return TRUE;
}

int api_cli_export(ApiCli *cli, int argc, char **argv)
{
    g_autofree char *format_name = NULL;
    const GOptionEntry entries[] = {
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "csv (default) or json", "FORMAT"},
        {NULL},
    };
    g_autoptr(GOptionContext) context =
        api_cli_context("export", "mentions",
                        "Export every mention with its network, place, original text and "
                        "challenge.",
                        entries);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    if (argc != 2 || strcmp(argv[1], "mentions") != 0)
        return api_cli_usage("export", "expected `export mentions`");
    Export ex = {.format = API_FORMAT_CSV, .line = g_string_new(NULL), .first = TRUE};
    if (!api_cli_format("export", format_name, API_FORMATS_JSON_CSV, &ex.format)) {
        g_string_free(ex.line, TRUE);
        return API_EXIT_USAGE;
    }
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store) {
        g_string_free(ex.line, TRUE);
        return API_EXIT_FAIL;
    }
    if (ex.format == API_FORMAT_CSV)
        fputs("mention_id,network,place,text,challenge_id,theme,importance,members,votes,"
              "survey_id,line\n",
              stdout);
    else
        fputs("{\"mentions\": [", stdout);
    GError *error = NULL;
    gboolean ok = defis_rank_each_mention(store, 0, write_mention, &ex, &error);
    if (ex.format == API_FORMAT_JSON)
        fputs(ex.first ? "]}\n" : "\n]}\n", stdout);
    g_string_free(ex.line, TRUE);
    return ok ? API_EXIT_OK : api_cli_fail(error);
}
