/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* journal.h - the record of every write: who, when, what. */
#ifndef DEFIS_JOURNAL_H
#define DEFIS_JOURNAL_H

#include "engine/common.h"

#include "engine/store.h"

/* The current time as the store writes it: ISO 8601 UTC to the millisecond,
 * e.g. "2026-11-28T10:39:43.123Z". Caller frees. */
char *defis_now(void);

/* Appends one entry inside the caller's open write transaction. ACTION is a
 * short verb ("import", "network.add"…); PAYLOAD (borrowed) is a JSON object. */
gboolean defis_journal_add(DefisStore *store, const char *actor, const char *action,
                           json_t *payload, GError **error);

/* Who acts from the command line: "cli:USER". Caller frees. */
char *defis_journal_cli_actor(void);

#endif
