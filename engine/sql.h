/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* sql.h - every SQL statement of defis, named, and the schema migrations.
 *
 * The text of each statement lives in sql.c; the store prepares each one once,
 * on first use, and hands it out by its DefisSql name. */
#ifndef DEFIS_SQL_H
#define DEFIS_SQL_H

typedef enum {
    /* networks */
    DEFIS_SQL_NETWORK_INSERT,  /* ?1 name, ?2 region, ?3 created_at */
    DEFIS_SQL_NETWORK_BY_NAME, /* ?1 name -> id, name, region, created_at */
    DEFIS_SQL_NETWORK_LIST,    /* -> id, name, region, created_at, surveys, places, mentions */

    /* surveys */
    DEFIS_SQL_SURVEY_BY_SHA, /* ?1 network_id, ?2 sha256 -> id, imported_at, mentions */
    DEFIS_SQL_SURVEY_INSERT, /* ?1 network_id … ?9 actor */
    DEFIS_SQL_SURVEY_FINISH, /* ?1 id, ?2 rows, ?3 mentions, ?4 skipped */

    /* places */
    DEFIS_SQL_PLACE_FIND,        /* ?1 network_id, ?2 name -> id, members */
    DEFIS_SQL_PLACE_INSERT,      /* ?1 network_id, ?2 name, ?3 members */
    DEFIS_SQL_PLACE_SET_MEMBERS, /* ?1 id, ?2 members */

    /* challenges and mentions */
    DEFIS_SQL_CHALLENGE_BY_KEY, /* ?1 key -> id */
    DEFIS_SQL_CHALLENGE_INSERT, /* ?1 title, ?2 key, ?3 created_at */
    DEFIS_SQL_MENTION_INSERT,   /* ?1 survey … ?11 raw */
    DEFIS_SQL_CHALLENGES_RANKED, /* ?1 limit -> id, title, mentions, places, networks */
    DEFIS_SQL_MENTIONS_EXPORT,  /* -> id, network, place, text, challenge_id, theme,
                                      importance, members, votes, survey_id, line */

    /* journal */
    DEFIS_SQL_JOURNAL_INSERT, /* ?1 at, ?2 actor, ?3 action, ?4 payload (JSON) */

    DEFIS_SQL_COUNT
} DefisSql;

/* The text of statement ID. */
const char *defis_sql_text(DefisSql id);

/* Migration N (1-based) brings the schema from user_version N-1 to N. Returns
 * NULL past the last one. */
const char *defis_sql_migration(int version);
int defis_sql_migration_count(void);

#endif
