/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* sql.c - the text of every SQL statement (the schema and its migrations: sql_schema.c). */
#include "engine/sql.h"

#include <glib.h>

/* What every ranked page returns, and the filters every page shape checks (see
 * DEFIS_SQL_RANK_* in sql.h for the parameters). */
#define RANK_COLUMNS                                                                           \
    "SELECT cs.challenge_id, c.title, cs.score, cs.votes, cs.networks, cs.places, cs.people," \
    " cs.mentions, cs.importance_sum, cs.importance_count"
#define RANK_FILTERS " AND c.state = 'open'" RANK_SCORE_FILTERS
/* The filters that need only the score tables. */
#define RANK_SCORE_FILTERS                                                                     \
    " AND cs.networks >= ?4 AND cs.places >= ?5"                                               \
    " AND (?6 IS NULL OR EXISTS (SELECT 1 FROM challenge_network_score f"                      \
    "   WHERE f.challenge_id = cs.challenge_id AND f.network_id = ?6))"                        \
    " AND (?7 IS NULL OR EXISTS (SELECT 1 FROM challenge_theme f"                              \
    "   WHERE f.challenge_id = cs.challenge_id AND f.theme = ?7))"                             \
    " AND (?8 IS NULL OR EXISTS (SELECT 1 FROM challenge_network_score f"                      \
    "   JOIN network n ON n.id = f.network_id"                                                 \
    "   WHERE f.challenge_id = cs.challenge_id AND n.region = ?8))"

/* Every commons statement returns these (see DEFIS_SQL_COMMONS_* in sql.h). */
#define COMMONS_COLUMNS                                                                        \
    "SELECT c.id, c.name, c.stage, c.url, c.description, c.keywords, c.users, c.created_at,"  \
    " c.updated_at, (SELECT count(*) FROM link l WHERE l.commons_id = c.id)"

/* ---- Statements ---------------------------------------------------------- */
static const char *const statements[DEFIS_SQL_COUNT] = {
    [DEFIS_SQL_NETWORK_INSERT] =
        "INSERT INTO network (name, region, created_at) VALUES (?1, ?2, ?3)",
    [DEFIS_SQL_NETWORK_BY_NAME] =
        "SELECT id, name, region, created_at FROM network WHERE name = ?1",
    [DEFIS_SQL_NETWORK_LIST] =
        "SELECT n.id, n.name, n.region, n.created_at,"
        "  (SELECT count(*) FROM survey s WHERE s.network_id = n.id),"
        "  (SELECT count(*) FROM place p WHERE p.network_id = n.id),"
        "  (SELECT coalesce(sum(s.mentions), 0) FROM survey s WHERE s.network_id = n.id)"
        " FROM network n ORDER BY n.name",

    [DEFIS_SQL_SURVEY_BY_SHA] =
        "SELECT id, imported_at, mentions FROM survey WHERE network_id = ?1 AND sha256 = ?2",
    [DEFIS_SQL_SURVEY_INSERT] =
        "INSERT INTO survey (network_id, title, filename, format, encoding, sha256,"
        " respondents, imported_at, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [DEFIS_SQL_SURVEY_FINISH] =
        "UPDATE survey SET rows = ?2, mentions = ?3, skipped = ?4 WHERE id = ?1",

    [DEFIS_SQL_PLACE_FIND] = "SELECT id, members FROM place WHERE network_id = ?1 AND name = ?2",
    [DEFIS_SQL_PLACE_INSERT] = "INSERT INTO place (network_id, name, members) VALUES (?1, ?2, ?3)",
    [DEFIS_SQL_PLACE_SET_MEMBERS] = "UPDATE place SET members = ?2 WHERE id = ?1",

    [DEFIS_SQL_CHALLENGE_INSERT] =
        "INSERT INTO challenge (title, created_at) VALUES (?1, ?2)",
    [DEFIS_SQL_MENTION_INSERT] =
        "INSERT INTO mention (survey_id, place_id, challenge_id, line, text, norm, theme,"
        " importance, members, votes, raw, norm_hash, id)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    [DEFIS_SQL_MENTIONS_EXPORT] =
        "SELECT m.id, n.name, p.name, m.text, m.challenge_id, m.theme, m.importance,"
        " m.members, m.votes, m.survey_id, m.line"
        " FROM mention m JOIN place p ON p.id = m.place_id"
        " JOIN network n ON n.id = p.network_id WHERE m.id > ?1 ORDER BY m.id",

    /* ---- deduplication (engine/dedup.c) ---- */
    [DEFIS_SQL_DEDUP_TWIN] =
        "SELECT challenge_id FROM mention WHERE norm_hash = ?1 AND norm = ?2 ORDER BY id LIMIT 1",
    [DEFIS_SQL_DEDUP_TWINS_ALL] = "SELECT norm_hash, challenge_id FROM mention ORDER BY id",
    [DEFIS_SQL_DEDUP_REPS_OF] =
        "SELECT mention_id, features FROM dedup_rep WHERE challenge_id = ?1 ORDER BY mention_id",
    [DEFIS_SQL_DEDUP_REP_INSERT] =
        "INSERT INTO dedup_rep (mention_id, challenge_id, features) VALUES (?1, ?2, ?3)",
    [DEFIS_SQL_DEDUP_REVIEW_UPSERT] =
        "INSERT INTO dedup_review (a, b, similarity) VALUES (?1, ?2, ?3)"
        " ON CONFLICT (a, b) DO UPDATE SET similarity = max(similarity, excluded.similarity)",
    [DEFIS_SQL_DEDUP_REVIEW_LIST] =
        "SELECT r.a, r.b, r.similarity, ca.title, cb.title,"
        "  (SELECT count(*) FROM mention WHERE challenge_id = r.a),"
        "  (SELECT count(*) FROM mention WHERE challenge_id = r.b)"
        " FROM dedup_review r"
        " JOIN challenge ca ON ca.id = r.a AND ca.state = 'open'"
        " JOIN challenge cb ON cb.id = r.b AND cb.state = 'open'"
        " WHERE NOT EXISTS (SELECT 1 FROM dedup_dismissal d WHERE d.a = r.a AND d.b = r.b)"
        " ORDER BY r.similarity DESC, r.a, r.b LIMIT ?1",
    [DEFIS_SQL_DEDUP_REVIEW_DELETE] = "DELETE FROM dedup_review WHERE a = ?1 AND b = ?2",
    [DEFIS_SQL_DEDUP_DISMISS] =
        "INSERT INTO dedup_dismissal (a, b, at, actor) VALUES (?1, ?2, ?3, ?4)"
        " ON CONFLICT (a, b) DO NOTHING",
    [DEFIS_SQL_CHALLENGE_GET] =
        "SELECT id, title, state, merged_into,"
        "  (SELECT count(*) FROM mention WHERE challenge_id = ?1)"
        " FROM challenge WHERE id = ?1",
    [DEFIS_SQL_CHALLENGE_SET_STATE] =
        "UPDATE challenge SET state = ?2, merged_into = ?3 WHERE id = ?1",
    [DEFIS_SQL_CHALLENGE_SET_TITLE] = "UPDATE challenge SET title = ?2 WHERE id = ?1",
    [DEFIS_SQL_CHALLENGE_DELETE] = "DELETE FROM challenge WHERE id = ?1",
    [DEFIS_SQL_MENTIONS_LOCK] = "UPDATE mention SET locked = 1 WHERE challenge_id = ?1",
    [DEFIS_SQL_MENTION_GET] =
        "SELECT id, challenge_id, text, norm, locked FROM mention WHERE id = ?1",
    [DEFIS_SQL_MENTION_MOVE] = "UPDATE mention SET challenge_id = ?2, locked = 1 WHERE id = ?1",
    [DEFIS_SQL_MENTION_FIRST_OF] =
        "SELECT id, text FROM mention WHERE challenge_id = ?1 ORDER BY id LIMIT 1",
    [DEFIS_SQL_MENTION_ASSIGN] = "UPDATE mention SET challenge_id = ?2 WHERE id = ?1",
    [DEFIS_SQL_REP_MOVE] = "UPDATE dedup_rep SET challenge_id = ?2 WHERE mention_id = ?1",
    [DEFIS_SQL_REPS_MOVE_ALL] = "UPDATE dedup_rep SET challenge_id = ?2 WHERE challenge_id = ?1",
    [DEFIS_SQL_MERGE_LOG_INSERT] =
        "INSERT INTO merge_log (target, source, at, actor) VALUES (?1, ?2, ?3, ?4)",
    /* Both sides are recorded: the source's mentions to move back, the target's
     * to give back the lock flags they had. */
    [DEFIS_SQL_MERGE_RECORD_MENTIONS] =
        "INSERT INTO merge_move (merge_id, kind, item_id, from_challenge, was_locked)"
        " SELECT ?1, 'mention', id, challenge_id, locked FROM mention"
        " WHERE challenge_id IN (?2, ?3)",
    [DEFIS_SQL_MERGE_MOVE_MENTIONS] =
        "UPDATE mention SET challenge_id = ?1, locked = 1 WHERE challenge_id IN (?1, ?2)",
    [DEFIS_SQL_MERGE_RECORD_VOTES] =
        "INSERT INTO merge_move (merge_id, kind, item_id, from_challenge, was_locked)"
        " SELECT ?1, 'vote', id, challenge_id, 0 FROM vote WHERE challenge_id = ?2",
    [DEFIS_SQL_MERGE_MOVE_VOTES] = "UPDATE vote SET challenge_id = ?1 WHERE challenge_id = ?2",
    [DEFIS_SQL_UNMERGE_VOTES] =
        "UPDATE vote SET challenge_id = mm.from_challenge FROM merge_move mm"
        " WHERE mm.merge_id = ?1 AND mm.kind = 'vote' AND vote.id = mm.item_id",
    [DEFIS_SQL_UNMERGE_VOTE_STRAYS] =
        "SELECT count(*) FROM merge_move mm JOIN vote v ON v.id = mm.item_id"
        " WHERE mm.merge_id = ?1 AND mm.kind = 'vote' AND v.challenge_id != ?2",
    [DEFIS_SQL_MERGE_LAST] =
        "SELECT id, target FROM merge_log WHERE source = ?1 AND undone_at IS NULL"
        " ORDER BY id DESC LIMIT 1",
    [DEFIS_SQL_UNMERGE_STRAYS] =
        "SELECT count(*) FROM merge_move mm JOIN mention m ON m.id = mm.item_id"
        " WHERE mm.merge_id = ?1 AND mm.kind = 'mention' AND m.challenge_id != ?2",
    [DEFIS_SQL_UNMERGE_MENTIONS] =
        "UPDATE mention SET challenge_id = mm.from_challenge, locked = mm.was_locked"
        " FROM merge_move mm"
        " WHERE mm.merge_id = ?1 AND mm.kind = 'mention' AND mention.id = mm.item_id",
    [DEFIS_SQL_UNMERGE_REPS] =
        "UPDATE dedup_rep SET challenge_id = m.challenge_id FROM mention m"
        " WHERE m.id = dedup_rep.mention_id AND dedup_rep.challenge_id = ?1",
    [DEFIS_SQL_MERGE_LOG_UNDO] =
        "UPDATE merge_log SET undone_at = ?2, undone_by = ?3 WHERE id = ?1",
    [DEFIS_SQL_MENTION_COUNT_OTHERS] = "SELECT count(*) FROM mention WHERE survey_id <> ?1",
    [DEFIS_SQL_DEDUP_META_GET] = "SELECT value FROM dedup_meta WHERE key = ?1",
    [DEFIS_SQL_DEDUP_META_SET] =
        "INSERT INTO dedup_meta (key, value) VALUES (?1, ?2)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    [DEFIS_SQL_DEDUP_DF_ALL] = "SELECT id, entries FROM dedup_df_chunk",
    [DEFIS_SQL_DEDUP_DF_SIZE] = "SELECT sum(length(entries)) FROM dedup_df_chunk",
    [DEFIS_SQL_DEDUP_DF_PUT] = "INSERT OR REPLACE INTO dedup_df_chunk (id, entries) VALUES (?1, ?2)",
    [DEFIS_SQL_DEDUP_DF_CLEAR] = "DELETE FROM dedup_df_chunk",
    [DEFIS_SQL_DEDUP_BUCKET_GET] = "SELECT entries FROM dedup_bucket WHERE id = ?1",
    [DEFIS_SQL_DEDUP_BUCKET_PUT] = "INSERT OR REPLACE INTO dedup_bucket (id, entries) VALUES (?1, ?2)",
    [DEFIS_SQL_DEDUP_BUCKET_ALL] = "SELECT id, entries FROM dedup_bucket",
    [DEFIS_SQL_DEDUP_BUCKET_CLEAR] = "DELETE FROM dedup_bucket",
    [DEFIS_SQL_DEDUP_FILTER_ALL] = "SELECT id, bits FROM dedup_filter",
    [DEFIS_SQL_DEDUP_FILTER_PUT] = "INSERT OR REPLACE INTO dedup_filter (id, bits) VALUES (?1, ?2)",
    [DEFIS_SQL_DEDUP_FILTER_TRIM] = "DELETE FROM dedup_filter WHERE id >= ?1",
    /* Reindexing: the first text of each distinct wording, and every representative. */
    [DEFIS_SQL_DEDUP_REINDEX_TEXTS] =
        "SELECT text FROM mention WHERE id IN (SELECT min(id) FROM mention GROUP BY norm_hash, norm)",
    [DEFIS_SQL_DEDUP_REINDEX_REPS] = "SELECT mention_id, challenge_id FROM dedup_rep",
    [DEFIS_SQL_DEDUP_REP_SET] =
        "UPDATE dedup_rep SET features = ?3 WHERE challenge_id = ?2 AND mention_id = ?1",
    [DEFIS_SQL_REBUILD_CLEAR_REPS] = "DELETE FROM dedup_rep",
    [DEFIS_SQL_REBUILD_CLEAR_REVIEW] = "DELETE FROM dedup_review",
    [DEFIS_SQL_REBUILD_OLD_CREATE] =
        "CREATE TEMP TABLE IF NOT EXISTS rebuild_old ("
        "  mention_id INTEGER PRIMARY KEY, challenge_id INTEGER NOT NULL)",
    [DEFIS_SQL_REBUILD_OLD_CLEAR] = "DELETE FROM temp.rebuild_old",
    [DEFIS_SQL_REBUILD_OLD_FILL] =
        "INSERT INTO temp.rebuild_old SELECT id, challenge_id FROM mention WHERE locked = 0",
    [DEFIS_SQL_REBUILD_LOCKED] =
        "SELECT id, challenge_id, text, norm FROM mention WHERE locked = 1"
        " ORDER BY challenge_id, norm, text, id",
    [DEFIS_SQL_REBUILD_UNLOCKED] =
        "SELECT m.id, m.text, m.norm, m.norm_hash FROM mention m"
        " JOIN place p ON p.id = m.place_id JOIN network n ON n.id = p.network_id"
        " WHERE m.locked = 0 ORDER BY m.norm, m.text, n.name, p.name, m.line, m.id",
    [DEFIS_SQL_REBUILD_MAX_CHALLENGE] = "SELECT coalesce(max(id), 0) FROM challenge",
    [DEFIS_SQL_REBUILD_OVERLAP] =
        "SELECT m.challenge_id, o.challenge_id, count(*) AS shared FROM mention m"
        " JOIN temp.rebuild_old o ON o.mention_id = m.id"
        " JOIN challenge c ON c.id = o.challenge_id"
        " WHERE m.challenge_id >= ?1 AND c.state = 'open'"
        " AND NOT EXISTS (SELECT 1 FROM mention l WHERE l.challenge_id = o.challenge_id)"
        " GROUP BY m.challenge_id, o.challenge_id"
        " ORDER BY shared DESC, m.challenge_id, o.challenge_id",
    [DEFIS_SQL_REBUILD_RENUMBER] = "UPDATE mention SET challenge_id = ?2 WHERE challenge_id = ?1",
    [DEFIS_SQL_REBUILD_ORPHANS] =
        "SELECT c.id, (SELECT m.challenge_id FROM temp.rebuild_old o"
        "   JOIN mention m ON m.id = o.mention_id WHERE o.challenge_id = c.id"
        "   GROUP BY m.challenge_id ORDER BY count(*) DESC, m.challenge_id LIMIT 1)"
        " FROM challenge c WHERE c.state = 'open'"
        " AND NOT EXISTS (SELECT 1 FROM mention m WHERE m.challenge_id = c.id)",
    [DEFIS_SQL_REBUILD_OPEN_COUNT] = "SELECT count(*) FROM challenge WHERE state = 'open'",
    [DEFIS_SQL_REBUILD_TOUCHED] =
        "SELECT challenge_id FROM temp.rebuild_old UNION SELECT challenge_id FROM mention",

    [DEFIS_SQL_JOURNAL_INSERT] =
        "INSERT INTO journal (at, actor, action, payload) VALUES (?1, ?2, ?3, ?4)",

    /* tokens (engine/token.c) */
    [DEFIS_SQL_TOKEN_INSERT] =
        "INSERT INTO token (sha256, role, network_id, label, created_at, created_by)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [DEFIS_SQL_TOKEN_BY_SHA] =
        "SELECT t.id, t.sha256, t.role, t.network_id, n.name, t.label, t.created_at,"
        " t.created_by, t.revoked_at FROM token t LEFT JOIN network n ON n.id = t.network_id"
        " WHERE t.sha256 = ?1",
    [DEFIS_SQL_TOKEN_BY_ID] = "SELECT id, revoked_at FROM token WHERE id = ?1",
    [DEFIS_SQL_TOKEN_LIST] =
        "SELECT t.id, t.role, n.name, t.label, t.created_at, t.created_by, t.revoked_at"
        " FROM token t LEFT JOIN network n ON n.id = t.network_id ORDER BY t.id",
    [DEFIS_SQL_TOKEN_REVOKE] =
        "UPDATE token SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
    /* ---- scores, votes and ranking (engine/score.c, engine/vote.c, engine/rank.c) ---- */
    /* A network's respondents N: the most any of its surveys declared, or its known
     * places when there are more (places that answered or voted). */
    [DEFIS_SQL_SCORE_NETWORKS] =
        "SELECT n.id, n.name, n.region,"
        "  max(coalesce((SELECT max(s.respondents) FROM survey s WHERE s.network_id = n.id), 0),"
        "      (SELECT count(*) FROM place p WHERE p.network_id = n.id)),"
        "  sn.respondents"
        " FROM network n LEFT JOIN score_network sn ON sn.network_id = n.id ORDER BY n.id",
    [DEFIS_SQL_SCORE_NETWORK_SET] =
        "INSERT INTO score_network (network_id, respondents) VALUES (?1, ?2)"
        " ON CONFLICT (network_id) DO UPDATE SET respondents = excluded.respondents",
    [DEFIS_SQL_SCORE_PLACES_CHANGED] =
        "SELECT p.id, p.members FROM place p LEFT JOIN score_place sp ON sp.place_id = p.id"
        " WHERE sp.place_id IS NULL OR sp.members IS NOT p.members",
    [DEFIS_SQL_SCORE_PLACE_SET] =
        "INSERT INTO score_place (place_id, members) VALUES (?1, ?2)"
        " ON CONFLICT (place_id) DO UPDATE SET members = excluded.members",
    [DEFIS_SQL_SCORE_PLACE_CHALLENGES] =
        "SELECT challenge_id FROM mention WHERE place_id = ?1"
        " UNION SELECT challenge_id FROM vote WHERE place_id = ?1",
    [DEFIS_SQL_SCORE_DELETE_IDS] =
        "DELETE FROM challenge_score WHERE challenge_id IN (SELECT value FROM json_each(?1))",
    [DEFIS_SQL_SCORE_NETWORK_DELETE_IDS] =
        "DELETE FROM challenge_network_score"
        " WHERE challenge_id IN (SELECT value FROM json_each(?1))",
    [DEFIS_SQL_SCORE_THEME_DELETE_IDS] =
        "DELETE FROM challenge_theme WHERE challenge_id IN (SELECT value FROM json_each(?1))",
    [DEFIS_SQL_SCORE_SEARCH_DELETE_IDS] =
        "DELETE FROM challenge_search WHERE rowid IN (SELECT value FROM json_each(?1))",
    [DEFIS_SQL_SCORE_DELETE_ALL] = "DELETE FROM challenge_score",
    [DEFIS_SQL_SCORE_NETWORK_DELETE_ALL] = "DELETE FROM challenge_network_score",
    [DEFIS_SQL_SCORE_THEME_DELETE_ALL] = "DELETE FROM challenge_theme",
    [DEFIS_SQL_SCORE_SEARCH_DELETE_ALL] = "DELETE FROM challenge_search",
    [DEFIS_SQL_SCORE_RESPONDENTS_DELETE_ALL] = "DELETE FROM score_network",
    [DEFIS_SQL_SCORE_MEMBERS_DELETE_ALL] = "DELETE FROM score_place",
    /* One row per (challenge, supporting place): its mentions, the most supporters a
     * survey tool counted on one of them, its highest importance. Mentions and
     * votes apart, each grouped in the order of its index (engine/score.c merges
     * them): together they were copied and sorted, 80,000 rows for one large
     * challenge. */
    [DEFIS_SQL_SCORE_SUPPORT_IDS] =
        "SELECT g.challenge_id, p.network_id, g.place_id, coalesce(p.members, 0), g.n, g.votes,"
        "  g.importance"
        " FROM (SELECT challenge_id, place_id, count(*) AS n, max(votes) AS votes,"
        "         max(importance) AS importance FROM mention"
        "       WHERE challenge_id IN (SELECT value FROM json_each(?1))"
        "       GROUP BY challenge_id, place_id) g"
        " JOIN place p ON p.id = g.place_id ORDER BY g.challenge_id, g.place_id",
    [DEFIS_SQL_SCORE_SUPPORT_ALL] =
        "SELECT g.challenge_id, p.network_id, g.place_id, coalesce(p.members, 0), g.n, g.votes,"
        "  g.importance"
        " FROM (SELECT challenge_id, place_id, count(*) AS n, max(votes) AS votes,"
        "         max(importance) AS importance FROM mention"
        "       GROUP BY challenge_id, place_id) g"
        " JOIN place p ON p.id = g.place_id ORDER BY g.challenge_id, g.place_id",
    [DEFIS_SQL_SCORE_VOTES_IDS] =
        "SELECT g.challenge_id, p.network_id, g.place_id, coalesce(p.members, 0), 0, NULL, NULL"
        " FROM (SELECT DISTINCT challenge_id, place_id FROM vote"
        "       WHERE challenge_id IN (SELECT value FROM json_each(?1))) g"
        " JOIN place p ON p.id = g.place_id ORDER BY g.challenge_id, g.place_id",
    [DEFIS_SQL_SCORE_VOTES_ALL] =
        "SELECT g.challenge_id, p.network_id, g.place_id, coalesce(p.members, 0), 0, NULL, NULL"
        " FROM (SELECT DISTINCT challenge_id, place_id FROM vote) g"
        " JOIN place p ON p.id = g.place_id ORDER BY g.challenge_id, g.place_id",
    [DEFIS_SQL_SCORE_INSERT] =
        "INSERT INTO challenge_score (challenge_id, score, votes, networks, places, people,"
        " mentions, importance_sum, importance_count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [DEFIS_SQL_SCORE_NETWORK_INSERT] =
        "INSERT INTO challenge_network_score (challenge_id, network_id, k, places, anonymous,"
        " people, n, lower, total) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    /* Each distinct theme label of a challenge, in the order it first came:
     * from mention_support alone, not the mention rows. */
    [DEFIS_SQL_SCORE_THEMES_IDS] =
        "SELECT challenge_id, theme, min(id) AS first FROM mention"
        " WHERE challenge_id IN (SELECT value FROM json_each(?1)) AND theme IS NOT NULL"
        " GROUP BY challenge_id, theme ORDER BY challenge_id, first",
    [DEFIS_SQL_SCORE_THEMES_ALL] =
        "SELECT challenge_id, theme, min(id) AS first FROM mention WHERE theme IS NOT NULL"
        " GROUP BY challenge_id, theme ORDER BY challenge_id, first",
    [DEFIS_SQL_SCORE_THEMES_SURVEY] =
        "SELECT challenge_id, theme, min(id) AS first FROM mention"
        " WHERE survey_id = ?1 AND theme IS NOT NULL"
        " GROUP BY challenge_id, theme ORDER BY challenge_id, first",
    [DEFIS_SQL_SCORE_THEME_INSERT] =
        "INSERT OR IGNORE INTO challenge_theme (challenge_id, theme, label, total)"
        " SELECT ?1, ?2, ?3, score FROM challenge_score WHERE challenge_id = ?1",
    /* The text of the first mention of each wording of a challenge, by folded
     * text: the wordings from mention_support, one mention row read per wording. */
    [DEFIS_SQL_SCORE_TEXTS_IDS] =
        "SELECT challenge_id, text FROM mention WHERE id IN"
        " (SELECT min(id) FROM mention WHERE challenge_id IN (SELECT value FROM json_each(?1))"
        "  GROUP BY challenge_id, norm_hash)"
        " ORDER BY challenge_id, norm",
    [DEFIS_SQL_SCORE_TEXTS_ALL] =
        "SELECT challenge_id, text FROM mention WHERE id IN"
        " (SELECT min(id) FROM mention GROUP BY challenge_id, norm_hash)"
        " ORDER BY challenge_id, norm",
    [DEFIS_SQL_SCORE_SEARCH_INSERT] = "INSERT INTO challenge_search (rowid, doc) VALUES (?1, ?2)",
    [DEFIS_SQL_SCORE_AFFECTED] =
        "SELECT cn.challenge_id, cn.network_id, cn.places + cn.anonymous, cs.places,"
        "  cs.networks, cs.importance_sum, cs.importance_count"
        " FROM challenge_network_score cn JOIN challenge_score cs"
        "  ON cs.challenge_id = cn.challenge_id"
        " WHERE cn.challenge_id IN (SELECT challenge_id FROM challenge_network_score"
        "   WHERE network_id IN (SELECT value FROM json_each(?1)))"
        " ORDER BY cn.challenge_id, cn.network_id",
    [DEFIS_SQL_SCORE_NETWORK_UPDATE] =
        "UPDATE challenge_network_score SET k = ?3, n = ?4, lower = ?5, total = ?6"
        " WHERE challenge_id = ?1 AND network_id = ?2",
    [DEFIS_SQL_SCORE_UPDATE] = "UPDATE challenge_score SET score = ?2 WHERE challenge_id = ?1",
    [DEFIS_SQL_SCORE_THEME_TOTALS] =
        "UPDATE challenge_theme SET total = s.score FROM challenge_score s"
        " WHERE s.challenge_id = challenge_theme.challenge_id"
        " AND challenge_theme.challenge_id IN (SELECT value FROM json_each(?1))",
    [DEFIS_SQL_SCORE_THEME_UPDATE] =
        "UPDATE challenge_theme SET total = ?2 WHERE challenge_id = ?1",
    [DEFIS_SQL_SCORE_GET] =
        "SELECT score, votes, networks, places, people, mentions, importance_sum,"
        " importance_count FROM challenge_score WHERE challenge_id = ?1",
    [DEFIS_SQL_SCORE_BREAKDOWN] =
        "SELECT cn.network_id, n.name, cn.k, cn.places, cn.anonymous, cn.people, cn.n, cn.lower"
        " FROM challenge_network_score cn JOIN network n ON n.id = cn.network_id"
        " WHERE cn.challenge_id = ?1 ORDER BY cn.network_id",
    [DEFIS_SQL_SCORE_ROWS_ALL] =
        "SELECT cn.challenge_id, cn.network_id, cn.k, cn.n, cs.places, cs.networks,"
        "  cs.importance_sum, cs.importance_count"
        " FROM challenge_network_score cn JOIN challenge_score cs"
        "  ON cs.challenge_id = cn.challenge_id ORDER BY cn.challenge_id, cn.network_id",
    [DEFIS_SQL_SCORE_THEMES_OF] =
        "SELECT label FROM challenge_theme WHERE challenge_id = ?1 ORDER BY theme",
    [DEFIS_SQL_SCORE_CHALLENGE] =
        "SELECT id, title, state, merged_into, created_at FROM challenge WHERE id = ?1",
    [DEFIS_SQL_SCORE_MENTIONS_OF] =
        "SELECT m.id, n.name, p.name, m.text, m.theme, m.importance, m.votes, m.survey_id,"
        " m.line FROM mention m JOIN place p ON p.id = m.place_id"
        " JOIN network n ON n.id = p.network_id WHERE m.challenge_id = ?1 ORDER BY m.id",
    [DEFIS_SQL_SCORE_VOTES_OF] =
        "SELECT v.id, n.name, p.name, v.at, v.actor FROM vote v"
        " JOIN place p ON p.id = v.place_id JOIN network n ON n.id = p.network_id"
        " WHERE v.challenge_id = ?1 ORDER BY v.id",
    [DEFIS_SQL_VOTE_FIND] = "SELECT id FROM vote WHERE challenge_id = ?1 AND place_id = ?2 LIMIT 1",
    [DEFIS_SQL_VOTE_INSERT] =
        "INSERT INTO vote (challenge_id, place_id, at, actor) VALUES (?1, ?2, ?3, ?4)",
    /* Each page shape walks one index in ranked order (score, or the copy of the
     * score kept beside a network or a theme) and checks the other filters row by
     * row; CROSS JOIN keeps SQLite from walking another way. */
    [DEFIS_SQL_RANK_ALL_TIE] = RANK_COLUMNS
        " FROM challenge_score cs JOIN challenge c ON c.id = cs.challenge_id"
        " WHERE cs.score = ?1 AND cs.challenge_id > ?2" RANK_FILTERS
        " ORDER BY cs.score DESC, cs.challenge_id LIMIT ?3",
    [DEFIS_SQL_RANK_ALL_NEXT] = RANK_COLUMNS
        " FROM challenge_score cs JOIN challenge c ON c.id = cs.challenge_id"
        " WHERE cs.score < ?1" RANK_FILTERS " ORDER BY cs.score DESC, cs.challenge_id LIMIT ?3",
    [DEFIS_SQL_RANK_NETWORK_TIE] = RANK_COLUMNS
        " FROM challenge_network_score d CROSS JOIN challenge_score cs"
        "  ON cs.challenge_id = d.challenge_id JOIN challenge c ON c.id = cs.challenge_id"
        " WHERE d.network_id = ?6 AND d.total = ?1 AND d.challenge_id > ?2" RANK_FILTERS
        " ORDER BY d.total DESC, d.challenge_id LIMIT ?3",
    [DEFIS_SQL_RANK_NETWORK_NEXT] = RANK_COLUMNS
        " FROM challenge_network_score d CROSS JOIN challenge_score cs"
        "  ON cs.challenge_id = d.challenge_id JOIN challenge c ON c.id = cs.challenge_id"
        " WHERE d.network_id = ?6 AND d.total < ?1" RANK_FILTERS
        " ORDER BY d.total DESC, d.challenge_id LIMIT ?3",
    [DEFIS_SQL_RANK_THEME_TIE] = RANK_COLUMNS
        " FROM challenge_theme d CROSS JOIN challenge_score cs"
        "  ON cs.challenge_id = d.challenge_id JOIN challenge c ON c.id = cs.challenge_id"
        " WHERE d.theme = ?7 AND d.total = ?1 AND d.challenge_id > ?2" RANK_FILTERS
        " ORDER BY d.total DESC, d.challenge_id LIMIT ?3",
    [DEFIS_SQL_RANK_THEME_NEXT] = RANK_COLUMNS
        " FROM challenge_theme d CROSS JOIN challenge_score cs"
        "  ON cs.challenge_id = d.challenge_id JOIN challenge c ON c.id = cs.challenge_id"
        " WHERE d.theme = ?7 AND d.total < ?1" RANK_FILTERS
        " ORDER BY d.total DESC, d.challenge_id LIMIT ?3",
    /* Every match is sorted by score from the score table alone; only the page
     * is joined to its challenge (a scored challenge is always open: emptied
     * ones lose their score row), which spares a lookup per match. */
    [DEFIS_SQL_RANK_SEARCH] = RANK_COLUMNS
        " FROM (SELECT cs.challenge_id AS id, cs.score AS score FROM challenge_search s"
        "   CROSS JOIN challenge_score cs ON cs.challenge_id = s.rowid"
        "   WHERE challenge_search MATCH ?9"
        "   AND (cs.score < ?1 OR (cs.score = ?1 AND cs.challenge_id > ?2))" RANK_SCORE_FILTERS
        "   ORDER BY cs.score DESC, cs.challenge_id LIMIT ?3) page"
        " CROSS JOIN challenge_score cs ON cs.challenge_id = page.id"
        " JOIN challenge c ON c.id = cs.challenge_id WHERE c.state = 'open'"
        " ORDER BY page.score DESC, page.id",

    /* ---- commons, stages and links (engine/commons.c) ---- */
    [DEFIS_SQL_COMMONS_INSERT] =
        "INSERT INTO commons (name, stage, url, description, keywords, users, created_at,"
        " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
    [DEFIS_SQL_COMMONS_BY_NAME] = COMMONS_COLUMNS " FROM commons c WHERE c.name = ?1",
    [DEFIS_SQL_COMMONS_BY_ID] = COMMONS_COLUMNS " FROM commons c WHERE c.id = ?1",
    [DEFIS_SQL_COMMONS_LIST] = COMMONS_COLUMNS
        " FROM commons c WHERE ?1 IS NULL OR c.stage = ?1 ORDER BY c.name, c.id",
    [DEFIS_SQL_COMMONS_UPDATE] =
        "UPDATE commons SET name = ?2, url = ?3, description = ?4, keywords = ?5, users = ?6,"
        " updated_at = ?7 WHERE id = ?1",
    [DEFIS_SQL_COMMONS_SET_STAGE] = "UPDATE commons SET stage = ?2, updated_at = ?3 WHERE id = ?1",
    [DEFIS_SQL_COMMONS_STAGE_INSERT] =
        "INSERT INTO commons_stage (commons_id, stage, previous, at, actor, note)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [DEFIS_SQL_COMMONS_STAGE_HISTORY] =
        "SELECT stage, previous, at, actor, note FROM commons_stage WHERE commons_id = ?1"
        " ORDER BY id",
    [DEFIS_SQL_LINK_GET] = "SELECT 1 FROM link WHERE challenge_id = ?1 AND commons_id = ?2",
    [DEFIS_SQL_LINK_INSERT] =
        "INSERT INTO link (challenge_id, commons_id, note, at, actor) VALUES (?1, ?2, ?3, ?4, ?5)",
    [DEFIS_SQL_LINK_DELETE] = "DELETE FROM link WHERE challenge_id = ?1 AND commons_id = ?2",
    [DEFIS_SQL_LINKS_OF_CHALLENGE] =
        "SELECT c.id, c.name, c.stage, c.users, l.note, l.at, l.actor FROM link l"
        " JOIN commons c ON c.id = l.commons_id WHERE l.challenge_id = ?1 ORDER BY c.name, c.id",
    [DEFIS_SQL_LINKS_OF_COMMONS] =
        "SELECT ch.id, ch.title, ch.state, cs.score, l.note, l.at, l.actor FROM link l"
        " JOIN challenge ch ON ch.id = l.challenge_id"
        " LEFT JOIN challenge_score cs ON cs.challenge_id = ch.id"
        " WHERE l.commons_id = ?1 ORDER BY cs.score IS NULL, cs.score DESC, ch.id",
    /* A merge moves the source's links to the target; a link both had stays the
     * target's. Each of the source's links is recorded as it was, and whether the
     * target had it already, so that the unmerge takes back exactly what came. */
    [DEFIS_SQL_LINK_MERGE_RECORD] =
        "INSERT INTO link_merge_move (merge_id, commons_id, source, target, target_had, note,"
        " at, actor) SELECT ?1, l.commons_id, ?3, ?2,"
        "  EXISTS (SELECT 1 FROM link t WHERE t.challenge_id = ?2 AND t.commons_id = l.commons_id),"
        "  l.note, l.at, l.actor FROM link l WHERE l.challenge_id = ?3",
    [DEFIS_SQL_LINK_MERGE_DROP] =
        "DELETE FROM link WHERE challenge_id = ?2"
        " AND commons_id IN (SELECT commons_id FROM link WHERE challenge_id = ?1)",
    [DEFIS_SQL_LINK_MERGE_MOVE] = "UPDATE link SET challenge_id = ?1 WHERE challenge_id = ?2",
    [DEFIS_SQL_LINK_UNMERGE_TAKE] =
        "DELETE FROM link WHERE (challenge_id, commons_id) IN"
        " (SELECT target, commons_id FROM link_merge_move WHERE merge_id = ?1 AND target_had = 0)",
    [DEFIS_SQL_LINK_UNMERGE_RESTORE] =
        "INSERT OR IGNORE INTO link (challenge_id, commons_id, note, at, actor)"
        " SELECT source, commons_id, note, at, actor FROM link_merge_move WHERE merge_id = ?1",
    [DEFIS_SQL_LINK_UNMERGE_FORGET] = "DELETE FROM link_merge_move WHERE merge_id = ?1",
    [DEFIS_SQL_LINK_SPLIT_COPY] =
        "INSERT OR IGNORE INTO link (challenge_id, commons_id, note, at, actor)"
        " SELECT ?2, commons_id, note, at, actor FROM link WHERE challenge_id = ?1",

    /* ---- shortlists (engine/shortlist.c) ---- */
    [DEFIS_SQL_SHORTLIST_INSERT] =
        "INSERT INTO shortlist (name, created_at, actor, settings_version, entries, content,"
        " sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [DEFIS_SQL_SHORTLIST_GET] =
        "SELECT id, name, created_at, actor, settings_version, entries, content, sha256"
        " FROM shortlist WHERE id = ?1",
    [DEFIS_SQL_SHORTLIST_LIST] =
        "SELECT id, name, created_at, actor, settings_version, entries, sha256 FROM shortlist"
        " ORDER BY id",

    /* ---- the journal, read (engine/journal.c) ---- */
    [DEFIS_SQL_JOURNAL_LIST] =
        "SELECT id, at, actor, action, payload FROM journal"
        " WHERE (?1 IS NULL OR at >= ?1)"
        " AND (?2 IS NULL OR action = ?2 OR substr(action, 1, length(?2) + 1) = ?2 || '.')"
        " AND (?4 IS NULL OR id < ?4) ORDER BY id DESC LIMIT ?3",

    /* ---- counts for the service's gauges (engine/rank.c) ---- */
    [DEFIS_SQL_RANK_COUNT_OPEN] = "SELECT count(*) FROM challenge WHERE state = 'open'",
};

const char *defis_sql_text(DefisSql id)
{
    g_return_val_if_fail(id >= 0 && id < DEFIS_SQL_COUNT, NULL);
    return statements[id];
}
