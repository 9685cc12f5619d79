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

/* Most journal entries one call returns. */
#define DEFIS_JOURNAL_LIMIT_MAX 10000

/* Reads the journal, newest first: a new object {"entries": [{id, at, actor,
 * action, payload}], "next_before": ID or null}. SINCE (may be NULL) keeps the
 * entries at or after a time: ISO 8601, a date ("2026-11-28", from midnight
 * UTC) or a date and time with a zone ("2026-11-28T10:00:00Z"). ACTION (may be
 * NULL) keeps one action ("link.add") or one family ("commons" for
 * "commons.add", "commons.stage"…). BEFORE (0: none) keeps entries with a
 * smaller id (the next_before of the previous page). LIMIT 1..
 * DEFIS_JOURNAL_LIMIT_MAX. DEFIS_ERROR_INVALID ("since: …", "limit: …") for a
 * bad argument. */
json_t *defis_journal_list(DefisStore *store, const char *since, const char *action,
                           gint64 before, gint64 limit, GError **error);

/* Who acts from the command line: "cli:USER". Caller frees. */
char *defis_journal_cli_actor(void);

#endif
