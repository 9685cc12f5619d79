/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* commands.c - the table of subcommands of `defis`. */
#include "api/commands.h"

const ApiCommand api_commands[] = {
    {"network", api_cli_network, "Add or list the local networks"},
    {"import", api_cli_import, "Import survey files for a network (canonical or a tool's export)"},
    {"challenges", api_cli_challenges, "List the challenges, ranked by score (filters, pages)"},
    {"show", api_cli_show, "Show a challenge: mentions, votes, reach, score breakdown"},
    {"vote", api_cli_vote, "Record that a place supports a challenge"},
    {"rescore", api_cli_rescore, "Recompute every stored score from scratch"},
    {"export", api_cli_export, "Export every mention (CSV or JSON)"},
    {"backup", api_cli_backup, "Copy the database to a file, online"},
    {"serve", api_cli_serve, "Serve the HTTP API (JSON under /v1) until SIGTERM"},
    {"token", api_cli_token, "Create, list or revoke the bearer tokens of the service"},
    {"dedup", api_cli_dedup, "Recluster every mention (--rebuild), keeping leads' decisions"},
    {"review", api_cli_review, "List nearly alike challenges to merge or dismiss"},
    {"merge", api_cli_merge, "Merge challenges into one (undone by unmerge)"},
    {"unmerge", api_cli_unmerge, "Undo the last merge of a challenge exactly"},
    {"split", api_cli_split, "Move mentions out of their challenge into a new one"},
    {"commons", api_cli_commons, "Keep the catalogue of commons and their lifecycle stages"},
    {"link", api_cli_link, "Link a challenge to a commons that could answer it"},
    {"unlink", api_cli_unlink, "Remove the link between a challenge and a commons"},
    {"suggest", api_cli_suggest, "Suggest commons whose texts resemble a challenge"},
    {"shortlist", api_cli_shortlist, "Freeze, show, list and diff shortlists for campaigns"},
    {"journal", api_cli_journal, "Show the journal of every write, newest first"},
    {NULL},
};
