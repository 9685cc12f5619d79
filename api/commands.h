/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* commands.h - the entry point of each subcommand of `defis`, one per cli_<group>.c. */
#ifndef API_COMMANDS_H
#define API_COMMANDS_H

#include "api/cli.h"

int api_cli_network(ApiCli *cli, int argc, char **argv);    /* cli_network.c */
int api_cli_import(ApiCli *cli, int argc, char **argv);     /* cli_import.c */
int api_cli_challenges(ApiCli *cli, int argc, char **argv); /* cli_challenges.c */
int api_cli_show(ApiCli *cli, int argc, char **argv);       /* cli_show.c */
int api_cli_vote(ApiCli *cli, int argc, char **argv);       /* cli_vote.c */
int api_cli_rescore(ApiCli *cli, int argc, char **argv);    /* cli_rescore.c */
int api_cli_export(ApiCli *cli, int argc, char **argv);     /* cli_export.c */
int api_cli_backup(ApiCli *cli, int argc, char **argv);     /* cli_backup.c */
int api_cli_serve(ApiCli *cli, int argc, char **argv);      /* cli_serve.c */
int api_cli_token(ApiCli *cli, int argc, char **argv);      /* cli_token.c */
int api_cli_commons(ApiCli *cli, int argc, char **argv);    /* cli_commons.c */
int api_cli_link(ApiCli *cli, int argc, char **argv);       /* cli_link.c */
int api_cli_unlink(ApiCli *cli, int argc, char **argv);     /* cli_link.c */
int api_cli_suggest(ApiCli *cli, int argc, char **argv);    /* cli_link.c */
int api_cli_shortlist(ApiCli *cli, int argc, char **argv);  /* cli_shortlist.c */
int api_cli_journal(ApiCli *cli, int argc, char **argv);    /* cli_journal.c */

int api_cli_dedup(ApiCli *cli, int argc, char **argv);      /* cli_dedup.c */
int api_cli_review(ApiCli *cli, int argc, char **argv);     /* cli_dedup.c */
int api_cli_merge(ApiCli *cli, int argc, char **argv);      /* cli_dedup.c */
int api_cli_unmerge(ApiCli *cli, int argc, char **argv);    /* cli_dedup.c */
int api_cli_split(ApiCli *cli, int argc, char **argv);      /* cli_dedup.c */

#endif
