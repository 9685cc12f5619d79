/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cli_network.c - `defis network add|list`. */
#include <stdio.h>
#include <string.h>

#include "api/commands.h"
#include "engine/network.h"

static int network_add(ApiCli *cli, int argc, char **argv)
{
    g_autofree char *region = NULL;
    const GOptionEntry entries[] = {
        {"region", 'r', 0, G_OPTION_ARG_STRING, &region, "Region of the network", "REGION"},
        {NULL},
    };
    g_autoptr(GOptionContext) context =
        api_cli_context("network add", "NAME", "Add a local network.", entries);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    if (argc != 2)
        return api_cli_usage("network add", "give exactly one NAME");
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    GError *error = NULL;
    gint64 id = defis_network_add(store, argv[1], region, cli->actor, &error);
    if (!id)
        return api_cli_fail(error);
    printf("network %" G_GINT64_FORMAT " \"%s\" added\n", id, argv[1]);
    return API_EXIT_OK;
}

static int network_list(ApiCli *cli, int argc, char **argv)
{
    g_autofree char *format_name = NULL;
    const GOptionEntry entries[] = {
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "table (default) or json", "FORMAT"},
        {NULL},
    };
    g_autoptr(GOptionContext) context =
        api_cli_context("network list", "", "List the local networks.", entries);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    ApiFormat format = API_FORMAT_TABLE;
    if (!api_cli_format("network list", format_name, API_FORMATS_TABLE_JSON, &format))
        return API_EXIT_USAGE;
    if (argc != 1)
        return api_cli_usage("network list", "no arguments expected");
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    GError *error = NULL;
    g_autoptr(json_t) list = defis_network_list(store, &error);
    if (!list)
        return api_cli_fail(error);
    if (format == API_FORMAT_JSON) {
        g_autoptr(json_t) out = json_pack("{s:O}", "networks", list);
        api_print_json(out);
        return API_EXIT_OK;
    }
    printf("%-4s %-30s %-24s %7s %7s %9s\n", "ID", "NAME", "REGION", "SURVEYS", "PLACES",
           "MENTIONS");
    size_t i;
    json_t *n;
    json_array_foreach(list, i, n)
    {
        g_autofree char *name = api_cli_clip(json_string_value(json_object_get(n, "name")), 30);
        g_autofree char *region = api_cli_clip(json_string_value(json_object_get(n, "region")), 24);
        printf("%-4" JSON_INTEGER_FORMAT " %-30s %-24s %7" JSON_INTEGER_FORMAT
               " %7" JSON_INTEGER_FORMAT " %9" JSON_INTEGER_FORMAT "\n",
               json_integer_value(json_object_get(n, "id")), name, region,
               json_integer_value(json_object_get(n, "surveys")),
               json_integer_value(json_object_get(n, "places")),
               json_integer_value(json_object_get(n, "mentions")));
    }
    if (json_array_size(list) == 0)
        printf("(no network yet: add one with `defis network add NAME`)\n");
    return API_EXIT_OK;
}

int api_cli_network(ApiCli *cli, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "add") == 0)
        return network_add(cli, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "list") == 0)
        return network_list(cli, argc - 1, argv + 1);
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("Usage:\n  defis network add NAME [--region REGION]\n"
               "  defis network list [--format table|json]\n\n"
               "Add or list the local networks that own surveys.\n");
        return API_EXIT_OK;
    }
    return api_cli_usage("network", "expected `add` or `list`");
}
