/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* main.c - the `defis` command: global options, then one subcommand from the table. */
#include <locale.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <string.h>

#include "api/cli.h"
#include "engine/journal.h"

static char *db_path;
static gboolean show_version;

static const GOptionEntry global_entries[] = {
    {"db", 0, 0, G_OPTION_ARG_FILENAME, &db_path,
     "Database file (default: $DEFIS_DB, else ./defis.db)", "PATH"},
    {"version", 0, 0, G_OPTION_ARG_NONE, &show_version, "Print the version and exit", NULL},
    {NULL},
};

static const ApiCommand *find_command(const char *name)
{
    for (const ApiCommand *c = api_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

static char *commands_help(void)
{
    GString *help = g_string_new("Commands:\n");
    for (const ApiCommand *c = api_commands; c->name; c++)
        g_string_append_printf(help, "  %-12s %s\n", c->name, c->summary);
    g_string_append(help, "\nRun `defis COMMAND --help` for the options of a command.");
    return g_string_free(help, FALSE);
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
#ifdef __GLIBC__
    /* The tables of a large import (frequencies, filter, twins) grow by
     * reallocation: from 256 KiB up they get pages of their own, handed back
     * when freed. glibc would otherwise raise this threshold after each free
     * and carve the next, larger table out of the heap, which keeps every
     * high-water mark (1M-row import: 80 -> 75 MiB resident). */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
    g_autoptr(GOptionContext) context = g_option_context_new("COMMAND [ARG…]");
    g_option_context_set_summary(context,
                                 "Collect the challenges third-places face, deduplicate them, "
                                 "rank them and freeze shortlists for co-funding campaigns.");
    g_autofree char *help = commands_help();
    g_option_context_set_description(context, help);
    g_option_context_add_main_entries(context, global_entries, NULL);
    /* Options after the command belong to the command. */
    g_option_context_set_strict_posix(context, TRUE);
    GError *error = NULL;
    if (!g_option_context_parse(context, &argc, &argv, &error)) {
        fprintf(stderr, "defis: %s\nTry `defis --help`.\n", error->message);
        g_error_free(error);
        return API_EXIT_USAGE;
    }
    if (show_version) {
        printf("defis %s\n", DEFIS_VERSION);
        return API_EXIT_OK;
    }
    if (argc < 2) {
        fprintf(stderr, "defis: no command given\n%s\n", help);
        return API_EXIT_USAGE;
    }
    const ApiCommand *command = find_command(argv[1]);
    if (!command) {
        fprintf(stderr, "defis: unknown command \"%s\"\n%s\n", argv[1], help);
        return API_EXIT_USAGE;
    }

    ApiCli cli = {
        .db_path = db_path ? db_path : g_getenv("DEFIS_DB") ? g_getenv("DEFIS_DB") : "defis.db",
        .actor = defis_journal_cli_actor(),
    };
    /* --help of a command then reads "defis COMMAND [OPTION…]". */
    g_autofree char *prgname = g_strdup_printf("defis %s", command->name);
    g_set_prgname(prgname);
    int status = command->run(&cli, argc - 1, argv + 1);
    g_free(cli.actor);
    g_free(db_path);
    return status;
}
