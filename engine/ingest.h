/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* ingest.h - storing one survey's mentions in one transaction.
 *
 * The surveys layer turns a file into rows; this module writes them: the survey,
 * its places, its mentions (original text, normalised text, raw row) and the
 * challenge each mention joins, all inside one BEGIN IMMEDIATE transaction that
 * either commits whole or leaves the database untouched. */
#ifndef DEFIS_INGEST_H
#define DEFIS_INGEST_H

#include <glib.h>

#include "engine/dedup.h"
#include "engine/store.h"

typedef struct DefisIngest DefisIngest;

/* What the survey is. Strings are borrowed for the duration of the call. */
typedef struct {
    const char *network;  /* name of an existing network */
    const char *title;    /* may be NULL */
    const char *filename; /* may be NULL (an HTTP body) */
    const char *format;   /* "csv", "json" or a profile name */
    const char *encoding; /* what the bytes were: "UTF-8", "Windows-1252" */
    const char *sha256;   /* lowercase hex digest of the file's bytes */
    gint64 respondents;   /* declared respondents, or -1 */
    const char *actor;    /* who imports: "cli:USER" or "token:ID" */
    const DefisDedupSettings *dedup; /* NULL: the defaults */
} DefisSurveyMeta;

/* One challenge as one place wrote it. Strings are borrowed for the call. */
typedef struct {
    gint64 line;          /* where the row starts in its file (1-based) */
    const char *place;    /* non-empty */
    const char *text;     /* the challenge exactly as received, non-empty */
    const char *theme;    /* NULL when absent */
    int importance;       /* 1..5, or 0 when absent */
    gint64 members;       /* >= 0, or -1 when absent */
    gint64 votes;         /* >= 0, or -1 when absent */
    const char *raw_json; /* the whole raw row as a JSON object */
} DefisMentionIn;

typedef struct {
    gint64 survey_id;
    gboolean duplicate; /* the same bytes were imported before: nothing written */
    gint64 mentions;    /* mentions stored */
    gint64 places;      /* distinct places of this survey */
    gint64 challenges_created;
    gint64 challenges_joined; /* mentions that joined an existing challenge */
} DefisIngestReport;

/* Starts the transaction and records the survey. When the network already has a
 * survey with the same SHA-256, returns NULL with *duplicate set, ERROR unset and
 * nothing written; REPORT (if not NULL) then names the earlier survey.
 * Fails with DEFIS_ERROR_NOT_FOUND for an unknown network, DEFIS_ERROR_BUSY when
 * the write lock cannot be had. */
DefisIngest *defis_ingest_begin(DefisStore *store, const DefisSurveyMeta *meta,
                                gboolean *duplicate, DefisIngestReport *report, GError **error);

/* Stores one mention and attaches it to a challenge. On failure the ingest must
 * be aborted. */
gboolean defis_ingest_add(DefisIngest *ingest, const DefisMentionIn *mention, GError **error);

/* Commits: records the counts (ROWS read, SKIPPED empty cells) on the survey,
 * journals the import, fills REPORT and frees INGEST whatever the outcome. */
gboolean defis_ingest_commit(DefisIngest *ingest, gint64 rows, gint64 skipped,
                             DefisIngestReport *report, GError **error);

/* Rolls back and frees. NULL is accepted. */
void defis_ingest_abort(DefisIngest *ingest);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DefisIngest, defis_ingest_abort)

#endif
