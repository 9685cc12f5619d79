/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cli_serve.c - `defis serve`: the HTTP service in the foreground. */
#include <stdio.h>

#include "api/commands.h"
#include "api/server.h"

int api_cli_serve(ApiCli *cli, int argc, char **argv)
{
    g_autofree char *listen = NULL, *config_path = NULL;
    gint threads = 0;
    const GOptionEntry entries[] = {
        {"listen", 'l', 0, G_OPTION_ARG_STRING, &listen,
         "Address and port to listen on (default 127.0.0.1:8080; port 0 picks a free one)",
         "ADDR:PORT"},
        {"threads", 't', 0, G_OPTION_ARG_INT, &threads,
         "Worker threads, each with its own database connection (default: the CPUs, at "
         "least 2)",
         "N"},
        {"config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
         "Configuration file (.ini): [service], [limits], [store], [cache], [log]; see README",
         "FILE"},
        {NULL},
    };
    g_autoptr(GOptionContext) context = api_cli_context(
        "serve", "",
        "Serve the HTTP API (JSON under /v1) until SIGTERM or SIGINT.\n"
        "Prints \"listening on http://ADDR:PORT\" once ready; logs one JSON line per request\n"
        "on stderr. Callers need a token: `defis token create --role lead|network|campaign`.",
        entries);
    if (!api_cli_parse(context, &argc, &argv))
        return API_EXIT_USAGE;
    if (argc != 1)
        return api_cli_usage("serve", "no arguments expected");
    if (threads < 0 || threads > 256)
        return api_cli_usage("serve", "--threads must be from 1 to 256");

    ApiConfig config;
    api_config_init(&config);
    GError *error = NULL;
    if (config_path && !api_config_load(&config, config_path, &error)) {
        api_config_clear(&config);
        return api_cli_fail(error);
    }
    if (listen) {
        g_free(config.listen);
        config.listen = g_steal_pointer(&listen);
    }
    if (threads)
        config.threads = (guint)threads;
    if (config.page_default > config.page_max) {
        api_config_clear(&config);
        return api_cli_usage("serve", "page_default must not pass page_max");
    }

    /* Create and migrate the database once, before the threads open theirs. */
    DefisStore *store = api_cli_open(cli);
    if (!store) {
        api_config_clear(&config);
        return API_EXIT_FAIL;
    }
    defis_store_close(store);

    gboolean ok = api_server_run(&config, cli->db_path, &error);
    api_config_clear(&config);
    return ok ? API_EXIT_OK : api_cli_fail(error);
}
