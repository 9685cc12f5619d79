/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cli_token.c - `defis token create|list|revoke`: the bearer tokens of the service. */
#include <stdio.h>
#include <string.h>

#include "api/commands.h"
#include "engine/token.h"

static int token_create(ApiCli *cli, int argc, char **argv)
{
    g_autofree char *role_name = NULL, *network = NULL, *label = NULL;
    gboolean json = FALSE;
    const GOptionEntry entries[] = {
        {"role", 'r', 0, G_OPTION_ARG_STRING, &role_name, "network, lead or campaign", "ROLE"},
        {"network", 'n', 0, G_OPTION_ARG_STRING, &network, "The network a network token acts for",
         "NAME"},
        {"label", 'l', 0, G_OPTION_ARG_STRING, &label, "A note: who holds the token", "LABEL"},
        {"json", 0, 0, G_OPTION_ARG_NONE, &json, "Print {id, role, network, label, token}", NULL},
        {NULL},
    };
    g_autoptr(GOptionContext) context = api_cli_context(
        "token create", "",
        "Create a bearer token and print it, this once: only its SHA-256 is stored.\n"
        "Roles: network (uploads for its own network, reads rankings), lead (everything),\n"
        "campaign (reads rankings and shortlists, creates shortlists).",
        entries);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    if (argc != 1)
        return api_cli_usage("token create", "no arguments expected");
    DefisRole role;
    if (!role_name || !defis_role_parse(role_name, &role))
        return api_cli_usage("token create", "--role must be network, lead or campaign");
    if ((role == DEFIS_ROLE_NETWORK) != (network != NULL))
        return api_cli_usage("token create", role == DEFIS_ROLE_NETWORK
                                                 ? "a network token needs --network NAME"
                                                 : "--network goes with --role network only");
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    GError *error = NULL;
    gint64 id = 0;
    g_autofree char *secret =
        defis_token_create(store, role, network, label, cli->actor, &id, &error);
    if (!secret)
        return api_cli_fail(error);
    if (json) {
        g_autoptr(json_t) out =
            json_pack("{s:I, s:s, s:s?, s:s?, s:s}", "id", (json_int_t)id, "role", role_name,
                      "network", network, "label", label, "token", secret);
        api_print_json(out);
    } else {
        printf("%s\n", secret);
        fprintf(stderr,
                "token %" G_GINT64_FORMAT " (%s%s%s) created; it is shown this once: "
                "keep it safe\n",
                id, role_name, network ? ", " : "", network ? network : "");
    }
    return API_EXIT_OK;
}

static int token_list(ApiCli *cli, int argc, char **argv)
{
    g_autofree char *format_name = NULL;
    const GOptionEntry entries[] = {
        {"format", 'f', 0, G_OPTION_ARG_STRING, &format_name, "table (default) or json", "FORMAT"},
        {NULL},
    };
    g_autoptr(GOptionContext) context =
        api_cli_context("token list", "", "List the tokens (never their secrets).", entries);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    ApiFormat format = API_FORMAT_TABLE;
    if (!api_cli_format("token list", format_name, API_FORMATS_TABLE_JSON, &format))
        return API_EXIT_USAGE;
    if (argc != 1)
        return api_cli_usage("token list", "no arguments expected");
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    GError *error = NULL;
    g_autoptr(json_t) list = defis_token_list(store, &error);
    if (!list)
        return api_cli_fail(error);
    if (format == API_FORMAT_JSON) {
        g_autoptr(json_t) out = json_pack("{s:O}", "tokens", list);
        api_print_json(out);
        return API_EXIT_OK;
    }
    printf("%-4s %-8s %-20s %-20s %-24s %s\n", "ID", "ROLE", "NETWORK", "LABEL", "CREATED",
           "REVOKED");
    size_t i;
    json_t *t;
    json_array_foreach(list, i, t)
    {
        g_autofree char *network =
            api_cli_clip(json_string_value(json_object_get(t, "network")), 20);
        g_autofree char *label = api_cli_clip(json_string_value(json_object_get(t, "label")), 20);
        const char *revoked = json_string_value(json_object_get(t, "revoked_at"));
        printf("%-4" JSON_INTEGER_FORMAT " %-8s %-20s %-20s %-24s %s\n",
               json_integer_value(json_object_get(t, "id")),
               json_string_value(json_object_get(t, "role")), network, label,
               json_string_value(json_object_get(t, "created_at")), revoked ? revoked : "-");
    }
    if (json_array_size(list) == 0)
        printf("(no token yet: create one with `defis token create --role lead`)\n");
    return API_EXIT_OK;
}

static int token_revoke(ApiCli *cli, int argc, char **argv)
{
    g_autoptr(GOptionContext) context =
        api_cli_context("token revoke", "ID", "Revoke a token: it stops working at once.", NULL);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    gint64 id = 0;
    if (argc != 2 || !g_ascii_string_to_signed(argv[1], 10, 1, G_MAXINT64, &id, NULL))
        return api_cli_usage("token revoke", "give one token ID (see `defis token list`)");
    g_autoptr(DefisStore) store = api_cli_open(cli);
    if (!store)
        return API_EXIT_FAIL;
    GError *error = NULL;
    if (!defis_token_revoke(store, id, cli->actor, &error))
        return api_cli_fail(error);
    printf("token %" G_GINT64_FORMAT " revoked\n", id);
    return API_EXIT_OK;
}

int api_cli_token(ApiCli *cli, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "create") == 0)
        return token_create(cli, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "list") == 0)
        return token_list(cli, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "revoke") == 0)
        return token_revoke(cli, argc - 1, argv + 1);
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("Usage:\n"
               "  defis token create --role network --network NAME [--label L] [--json]\n"
               "  defis token create --role lead|campaign [--label L] [--json]\n"
               "  defis token list [--format table|json]\n"
               "  defis token revoke ID\n\n"
               "Bearer tokens for `defis serve`. A token is printed once; only its SHA-256 "
               "is stored.\n");
        return API_EXIT_OK;
    }
    return api_cli_usage("token", "expected `create`, `list` or `revoke`");
}
