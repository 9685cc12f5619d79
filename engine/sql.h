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
    DEFIS_SQL_CHALLENGE_INSERT, /* ?1 title, ?2 created_at */
    DEFIS_SQL_MENTION_INSERT,   /* ?1 survey … ?11 raw, ?12 norm_hash, ?13 id or NULL */
    DEFIS_SQL_MENTIONS_EXPORT,  /* ?1 after id -> id, network, place, text, challenge_id, theme,
                                      importance, members, votes, survey_id, line */

    /* journal */
    DEFIS_SQL_JOURNAL_INSERT, /* ?1 at, ?2 actor, ?3 action, ?4 payload (JSON) */

    /* tokens (engine/token.c) */
    DEFIS_SQL_TOKEN_INSERT, /* ?1 sha256, ?2 role, ?3 network_id, ?4 label, ?5 at, ?6 by */
    DEFIS_SQL_TOKEN_BY_SHA, /* ?1 sha256 -> id, sha256, role, network_id, network, label,
                                  created_at, created_by, revoked_at */
    DEFIS_SQL_TOKEN_BY_ID,  /* ?1 id -> id, revoked_at */
    DEFIS_SQL_TOKEN_LIST,   /* -> id, role, network, label, created_at, created_by, revoked_at */
    DEFIS_SQL_TOKEN_REVOKE, /* ?1 id, ?2 at (only while not revoked) */

    /* deduplication (engine/dedup.c) */
    DEFIS_SQL_DEDUP_TWIN,            /* ?1 norm_hash, ?2 norm -> challenge_id */
    DEFIS_SQL_DEDUP_TWINS_ALL,       /* -> norm_hash, challenge_id (mention order) */
    DEFIS_SQL_DEDUP_REPS_OF,         /* ?1 challenge -> mention_id, features */
    DEFIS_SQL_DEDUP_REP_INSERT,      /* ?1 mention, ?2 challenge, ?3 features */
    DEFIS_SQL_DEDUP_REVIEW_UPSERT,   /* ?1 a, ?2 b, ?3 similarity */
    DEFIS_SQL_DEDUP_REVIEW_LIST,     /* ?1 limit -> a, b, similarity, title a, title b, n a, n b */
    DEFIS_SQL_DEDUP_REVIEW_DELETE,   /* ?1 a, ?2 b */
    DEFIS_SQL_DEDUP_DISMISS,         /* ?1 a, ?2 b, ?3 at, ?4 actor */
    DEFIS_SQL_CHALLENGE_GET,         /* ?1 id -> id, title, state, merged_into, mentions */
    DEFIS_SQL_CHALLENGE_SET_STATE,   /* ?1 id, ?2 state, ?3 merged_into */
    DEFIS_SQL_CHALLENGE_SET_TITLE,   /* ?1 id, ?2 title */
    DEFIS_SQL_CHALLENGE_DELETE,      /* ?1 id */
    DEFIS_SQL_MENTIONS_LOCK,         /* ?1 challenge */
    DEFIS_SQL_MENTION_GET,           /* ?1 id -> id, challenge_id, text, norm, locked */
    DEFIS_SQL_MENTION_MOVE,          /* ?1 id, ?2 challenge (locks it) */
    DEFIS_SQL_MENTION_FIRST_OF,      /* ?1 challenge -> id, text */
    DEFIS_SQL_MENTION_ASSIGN,        /* ?1 id, ?2 challenge */
    DEFIS_SQL_REP_MOVE,              /* ?1 mention, ?2 challenge */
    DEFIS_SQL_REPS_MOVE_ALL,         /* ?1 from challenge, ?2 to challenge */
    DEFIS_SQL_MERGE_LOG_INSERT,      /* ?1 target, ?2 source, ?3 at, ?4 actor */
    DEFIS_SQL_MERGE_RECORD_MENTIONS, /* ?1 merge, ?2 target, ?3 source */
    DEFIS_SQL_MERGE_MOVE_MENTIONS,   /* ?1 target, ?2 source */
    DEFIS_SQL_MERGE_RECORD_VOTES,    /* ?1 merge, ?2 source */
    DEFIS_SQL_MERGE_MOVE_VOTES,      /* ?1 target, ?2 source */
    DEFIS_SQL_UNMERGE_VOTES,         /* ?1 merge */
    DEFIS_SQL_UNMERGE_VOTE_STRAYS,   /* ?1 merge, ?2 target -> count */
    DEFIS_SQL_MERGE_LAST,            /* ?1 source -> merge id, target */
    DEFIS_SQL_UNMERGE_STRAYS,        /* ?1 merge, ?2 target -> count */
    DEFIS_SQL_UNMERGE_MENTIONS,      /* ?1 merge */
    DEFIS_SQL_UNMERGE_REPS,          /* ?1 target */
    DEFIS_SQL_MERGE_LOG_UNDO,        /* ?1 merge, ?2 at, ?3 actor */
    DEFIS_SQL_MENTION_COUNT_OTHERS,  /* ?1 survey -> mentions of other surveys */
    DEFIS_SQL_DEDUP_META_GET,        /* ?1 key -> value */
    DEFIS_SQL_DEDUP_META_SET,        /* ?1 key, ?2 value */
    DEFIS_SQL_DEDUP_DF_ALL,          /* -> id, entries */
    DEFIS_SQL_DEDUP_DF_SIZE,         /* -> bytes of all chunks */
    DEFIS_SQL_DEDUP_DF_PUT,          /* ?1 id, ?2 entries */
    DEFIS_SQL_DEDUP_DF_CLEAR,
    DEFIS_SQL_DEDUP_BUCKET_GET,      /* ?1 id -> entries */
    DEFIS_SQL_DEDUP_BUCKET_PUT,      /* ?1 id, ?2 entries */
    DEFIS_SQL_DEDUP_BUCKET_ALL,      /* -> id, entries */
    DEFIS_SQL_DEDUP_BUCKET_CLEAR,
    DEFIS_SQL_DEDUP_FILTER_ALL,      /* -> id, bits */
    DEFIS_SQL_DEDUP_FILTER_PUT,      /* ?1 id, ?2 bits */
    DEFIS_SQL_DEDUP_FILTER_TRIM,     /* ?1 first row to delete */
    DEFIS_SQL_DEDUP_REINDEX_TEXTS,   /* -> text */
    DEFIS_SQL_DEDUP_REINDEX_REPS,    /* -> mention_id, challenge_id */
    DEFIS_SQL_DEDUP_REP_SET,         /* ?1 mention, ?2 challenge, ?3 features */
    DEFIS_SQL_REBUILD_CLEAR_REPS,
    DEFIS_SQL_REBUILD_CLEAR_REVIEW,
    DEFIS_SQL_REBUILD_OLD_CREATE,
    DEFIS_SQL_REBUILD_OLD_CLEAR,
    DEFIS_SQL_REBUILD_OLD_FILL,
    DEFIS_SQL_REBUILD_LOCKED,        /* -> id, challenge_id, text, norm */
    DEFIS_SQL_REBUILD_UNLOCKED,      /* -> id, text, norm, norm_hash */
    DEFIS_SQL_REBUILD_MAX_CHALLENGE, /* -> max id */
    DEFIS_SQL_REBUILD_OVERLAP,       /* ?1 first fresh id -> fresh, old, shared */
    DEFIS_SQL_REBUILD_RENUMBER,      /* ?1 fresh, ?2 old */
    DEFIS_SQL_REBUILD_ORPHANS,       /* -> old id, home (open challenges left empty) */
    DEFIS_SQL_REBUILD_OPEN_COUNT,    /* -> count */
    DEFIS_SQL_REBUILD_TOUCHED,       /* -> challenge ids whose membership may have changed */

    /* scores, votes and ranking (engine/score.c, engine/vote.c, engine/rank.c) */
    DEFIS_SQL_SCORE_NETWORKS,          /* -> id, name, region, respondents now, respondents stored */
    DEFIS_SQL_SCORE_NETWORK_SET,       /* ?1 network, ?2 respondents */
    DEFIS_SQL_SCORE_PLACES_CHANGED,    /* -> place id, members (members differ from stored) */
    DEFIS_SQL_SCORE_PLACE_SET,         /* ?1 place, ?2 members */
    DEFIS_SQL_SCORE_PLACE_CHALLENGES,  /* ?1 place -> challenge ids it supports */
    DEFIS_SQL_SCORE_DELETE_IDS,        /* ?1 JSON array of challenge ids (four tables: */
    DEFIS_SQL_SCORE_NETWORK_DELETE_IDS, /*   score, per network, themes, search) */
    DEFIS_SQL_SCORE_THEME_DELETE_IDS,
    DEFIS_SQL_SCORE_SEARCH_DELETE_IDS,
    DEFIS_SQL_SCORE_DELETE_ALL,        /* every derived row, one table each */
    DEFIS_SQL_SCORE_NETWORK_DELETE_ALL,
    DEFIS_SQL_SCORE_THEME_DELETE_ALL,
    DEFIS_SQL_SCORE_SEARCH_DELETE_ALL,
    DEFIS_SQL_SCORE_RESPONDENTS_DELETE_ALL,
    DEFIS_SQL_SCORE_MEMBERS_DELETE_ALL,
    DEFIS_SQL_SCORE_SUPPORT_IDS,       /* ?1 JSON ids -> challenge, network, place, members,
                                          mentions, max votes, max importance (by challenge,
                                          place), from the mentions */
    DEFIS_SQL_SCORE_SUPPORT_ALL,       /* the same for every challenge */
    DEFIS_SQL_SCORE_VOTES_IDS,         /* the same from the votes (mentions 0, NULLs) */
    DEFIS_SQL_SCORE_VOTES_ALL,         /* the same for every challenge */
    DEFIS_SQL_SCORE_INSERT,            /* ?1 challenge, ?2 score, ?3 votes, ?4 networks, ?5 places,
                                          ?6 people, ?7 mentions, ?8 importance sum, ?9 count */
    DEFIS_SQL_SCORE_NETWORK_INSERT,    /* ?1 challenge, ?2 network, ?3 k, ?4 places, ?5 anonymous,
                                          ?6 people, ?7 n, ?8 lower, ?9 total */
    DEFIS_SQL_SCORE_THEMES_IDS,        /* ?1 JSON ids -> challenge, theme (by challenge, mention) */
    DEFIS_SQL_SCORE_THEMES_ALL,
    DEFIS_SQL_SCORE_THEMES_SURVEY, /* ?1 survey -> challenge_id, theme, first id */
    DEFIS_SQL_SCORE_THEME_INSERT,      /* ?1 challenge, ?2 folded theme, ?3 label */
    DEFIS_SQL_SCORE_TEXTS_IDS,         /* ?1 JSON ids -> challenge, text (one per norm) */
    DEFIS_SQL_SCORE_TEXTS_ALL,
    DEFIS_SQL_SCORE_SEARCH_INSERT,     /* ?1 challenge, ?2 document */
    DEFIS_SQL_SCORE_AFFECTED,          /* ?1 JSON network ids -> challenge, network, supporters
                                          (places + anonymous), places, networks, importance
                                          sum, count: every row of the challenges concerned */
    DEFIS_SQL_SCORE_NETWORK_UPDATE,    /* ?1 challenge, ?2 network, ?3 k, ?4 n, ?5 lower, ?6 total */
    DEFIS_SQL_SCORE_UPDATE,            /* ?1 challenge, ?2 score */
    DEFIS_SQL_SCORE_THEME_TOTALS, /* ?1 JSON array of challenge ids: totals from their scores */
    DEFIS_SQL_SCORE_THEME_UPDATE,      /* ?1 challenge, ?2 total */
    DEFIS_SQL_SCORE_GET,               /* ?1 challenge -> score, votes, networks, places, people,
                                          mentions, importance sum, importance count */
    DEFIS_SQL_SCORE_BREAKDOWN,         /* ?1 challenge -> network id, name, k, places, anonymous,
                                          people, n, lower */
    DEFIS_SQL_SCORE_ROWS_ALL,          /* -> challenge, network, k, n, places, networks,
                                          importance sum, count */
    DEFIS_SQL_SCORE_THEMES_OF,         /* ?1 challenge -> label */
    DEFIS_SQL_SCORE_CHALLENGE,         /* ?1 id -> id, title, state, merged_into, created_at */
    DEFIS_SQL_SCORE_MENTIONS_OF,       /* ?1 challenge -> id, network, place, text, theme,
                                          importance, votes, survey, line */
    DEFIS_SQL_SCORE_VOTES_OF,          /* ?1 challenge -> id, network, place, at, actor */
    DEFIS_SQL_VOTE_FIND,               /* ?1 challenge, ?2 place -> id */
    DEFIS_SQL_VOTE_INSERT,             /* ?1 challenge, ?2 place, ?3 at, ?4 actor */
    /* Ranked pages. ?1 score bound, ?2 id bound, ?3 limit, ?4 min networks, ?5 min
     * places, ?6 network id, ?7 folded theme, ?8 region (NULL: any), ?9 FTS5 query ->
     * id, title, score, votes, networks, places, people, mentions, importance sum,
     * importance count. TIE: score = ?1 and id > ?2; NEXT: score < ?1. */
    DEFIS_SQL_RANK_ALL_TIE,
    DEFIS_SQL_RANK_ALL_NEXT,
    DEFIS_SQL_RANK_NETWORK_TIE,
    DEFIS_SQL_RANK_NETWORK_NEXT,
    DEFIS_SQL_RANK_THEME_TIE,
    DEFIS_SQL_RANK_THEME_NEXT,
    DEFIS_SQL_RANK_SEARCH,             /* both at once: (score, id) after (?1, ?2) */

    /* commons, stages and links (engine/commons.c). COMMONS_COLUMNS: id, name, stage,
     * url, description, keywords, users, created_at, updated_at, links */
    DEFIS_SQL_COMMONS_INSERT,        /* ?1 name, ?2 stage, ?3 url, ?4 description, ?5 keywords,
                                        ?6 users, ?7 at */
    DEFIS_SQL_COMMONS_BY_NAME,       /* ?1 name (ASCII case ignored) -> COMMONS_COLUMNS */
    DEFIS_SQL_COMMONS_BY_ID,         /* ?1 id -> COMMONS_COLUMNS */
    DEFIS_SQL_COMMONS_LIST,          /* ?1 stage or NULL -> COMMONS_COLUMNS, by name */
    DEFIS_SQL_COMMONS_UPDATE,        /* ?1 id, ?2 name, ?3 url, ?4 description, ?5 keywords,
                                        ?6 users, ?7 at */
    DEFIS_SQL_COMMONS_SET_STAGE,     /* ?1 id, ?2 stage, ?3 at */
    DEFIS_SQL_COMMONS_STAGE_INSERT,  /* ?1 commons, ?2 stage, ?3 previous, ?4 at, ?5 actor,
                                        ?6 note */
    DEFIS_SQL_COMMONS_STAGE_HISTORY, /* ?1 commons -> stage, previous, at, actor, note */
    DEFIS_SQL_LINK_GET,              /* ?1 challenge, ?2 commons -> 1 */
    DEFIS_SQL_LINK_INSERT,           /* ?1 challenge, ?2 commons, ?3 note, ?4 at, ?5 actor */
    DEFIS_SQL_LINK_DELETE,           /* ?1 challenge, ?2 commons */
    DEFIS_SQL_LINKS_OF_CHALLENGE,    /* ?1 challenge -> commons id, name, stage, users, note,
                                        at, actor (by name) */
    DEFIS_SQL_LINKS_OF_COMMONS,      /* ?1 commons -> challenge id, title, state, score or NULL,
                                        note, at, actor (best score first) */
    DEFIS_SQL_LINK_MERGE_RECORD,     /* ?1 merge, ?2 target, ?3 source */
    DEFIS_SQL_LINK_MERGE_DROP,       /* ?1 target, ?2 source: the source's links the target has */
    DEFIS_SQL_LINK_MERGE_MOVE,       /* ?1 target, ?2 source */
    DEFIS_SQL_LINK_UNMERGE_TAKE,     /* ?1 merge: the target's links that came from the source */
    DEFIS_SQL_LINK_UNMERGE_RESTORE,  /* ?1 merge: the source's links as they were */
    DEFIS_SQL_LINK_UNMERGE_FORGET,   /* ?1 merge */
    DEFIS_SQL_LINK_SPLIT_COPY,       /* ?1 from, ?2 to */

    /* shortlists (engine/shortlist.c) */
    DEFIS_SQL_SHORTLIST_INSERT, /* ?1 name, ?2 at, ?3 actor, ?4 settings version, ?5 entries,
                                   ?6 content, ?7 sha256 */
    DEFIS_SQL_SHORTLIST_GET,    /* ?1 id -> id, name, created_at, actor, settings_version,
                                   entries, content, sha256 */
    DEFIS_SQL_SHORTLIST_LIST,   /* -> id, name, created_at, actor, settings_version, entries,
                                   sha256 */

    /* the journal, read (engine/journal.c) */
    DEFIS_SQL_JOURNAL_LIST, /* ?1 since or NULL, ?2 action or NULL, ?3 limit, ?4 before id or
                               NULL -> id, at, actor, action, payload (newest first) */

    /* counts for the service's gauges (engine/rank.c) */
    DEFIS_SQL_RANK_COUNT_OPEN, /* -> open challenges */

    DEFIS_SQL_COUNT
} DefisSql;

/* The text of statement ID. */
const char *defis_sql_text(DefisSql id);

/* Scripts: several statements run at once (engine/store.c, defis_store_script). */
typedef enum {
    /* The indexes of mention that a bulk import drops, then makes again by
     * sorting (engine/ingest.c); the same definitions as the migrations'. */
    DEFIS_SCRIPT_MENTION_INDEXES_DROP,
    DEFIS_SCRIPT_MENTION_INDEXES_CREATE,
    DEFIS_SCRIPT_COUNT
} DefisScript;

const char *defis_sql_script(DefisScript id);

/* Migration N (1-based) brings the schema from user_version N-1 to N. Returns
 * NULL past the last one. */
const char *defis_sql_migration(int version);
int defis_sql_migration_count(void);

#endif
