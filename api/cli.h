/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* cli.h - what the subcommands of `defis` share: the table, the store, errors and exit codes. */
#ifndef API_CLI_H
#define API_CLI_H

#include "engine/common.h"
#include "engine/settings.h"
#include "engine/store.h"

/* Exit statuses: success, bad input or a failed operation, a usage error. */
enum { API_EXIT_OK = 0, API_EXIT_FAIL = 1, API_EXIT_USAGE = 2 };

typedef struct {
    const char *db_path; /* --db, $DEFIS_DB or ./defis.db */
    char *actor;         /* "cli:USER", for the journal */
} ApiCli;

/* A subcommand: ARGV[0] is its name; returns an exit status. */
typedef int (*ApiCommandFunc)(ApiCli *cli, int argc, char **argv);

typedef struct {
    const char *name;
    ApiCommandFunc run;
    const char *summary;
} ApiCommand;

/* The table of subcommands, ended by a zeroed entry. */
extern const ApiCommand api_commands[];

/* Opens the store named by CLI, read-write; prints the error and returns NULL. */
DefisStore *api_cli_open(ApiCli *cli);

/* Prints "defis: MESSAGE" on stderr, frees ERROR and returns the exit status that
 * fits it (API_EXIT_FAIL). */
int api_cli_fail(GError *error);

/* Parses ARGV with CONTEXT; on a usage error prints it with a hint and returns FALSE. */
gboolean api_cli_parse(GOptionContext *context, int *argc, char ***argv);

/* Prints a usage error for COMMAND and returns API_EXIT_USAGE. */
int api_cli_usage(const char *command, const char *format, ...) G_GNUC_PRINTF(2, 3);

/* A new option context for COMMAND, with PARAMETERS ("NAME…") and a SUMMARY. */
GOptionContext *api_cli_context(const char *command, const char *parameters, const char *summary,
                                const GOptionEntry *entries);

/* Output formats, and the sets of them a command accepts. */
typedef enum { API_FORMAT_TABLE, API_FORMAT_JSON, API_FORMAT_CSV, API_FORMAT_TEXT } ApiFormat;
#define API_FORMATS_TABLE_JSON (1u << API_FORMAT_TABLE | 1u << API_FORMAT_JSON)
#define API_FORMATS_JSON_CSV (1u << API_FORMAT_JSON | 1u << API_FORMAT_CSV)
#define API_FORMATS_ALL (1u << API_FORMAT_TABLE | 1u << API_FORMAT_JSON | 1u << API_FORMAT_CSV)
#define API_FORMATS_TEXT_JSON (1u << API_FORMAT_TEXT | 1u << API_FORMAT_JSON)

/* Sets *FORMAT from the --format NAME of COMMAND, among ALLOWED (a mask of
 * 1 << ApiFormat); NAME NULL keeps *FORMAT. On any other name prints a usage
 * error listing the allowed ones and returns FALSE: exit with API_EXIT_USAGE. */
gboolean api_cli_format(const char *command, const char *name, unsigned allowed, ApiFormat *format);

/* Reads the settings file PATH (--config) into *SETTINGS when PATH is not NULL;
 * prints the error and returns FALSE when it cannot: exit with API_EXIT_FAIL. */
gboolean api_cli_settings(const char *path, DefisScoreSettings **settings);

/* Appends TEXT as one CSV field (quoted when needed, RFC 4180). */
void api_csv_field(GString *out, const char *text);
/* Prints a JSON value on stdout, indented, with a final newline. */
void api_print_json(json_t *value);
/* Cuts TEXT to at most WIDTH characters (an ellipsis marks the cut); newlines become spaces. */
char *api_cli_clip(const char *text, glong width);

#endif
