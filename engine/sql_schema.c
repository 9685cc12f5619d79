/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* sql_schema.c - the schema: every migration, and the scripts that rebuild parts of it. */
#include "engine/sql.h"

#include <glib.h>

/* ---- Migrations -----------------------------------------------------------
 * Append only: a released migration never changes. Each runs in its own
 * transaction together with the PRAGMA user_version that records it. */
static const char *const migrations[] = {
    /* 1: the model of DESIGN.md */
    "CREATE TABLE network ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),"
    "  region TEXT,"
    "  created_at TEXT NOT NULL"
    ") STRICT;"
    "CREATE TABLE survey ("
    "  id INTEGER PRIMARY KEY,"
    "  network_id INTEGER NOT NULL REFERENCES network(id),"
    "  title TEXT,"
    "  filename TEXT,"
    "  format TEXT NOT NULL,"
    "  encoding TEXT NOT NULL,"
    "  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
    "  respondents INTEGER CHECK (respondents >= 0),"
    "  rows INTEGER NOT NULL DEFAULT 0,"
    "  mentions INTEGER NOT NULL DEFAULT 0,"
    "  skipped INTEGER NOT NULL DEFAULT 0,"
    "  imported_at TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  UNIQUE (network_id, sha256)"
    ") STRICT;"
    "CREATE TABLE place ("
    "  id INTEGER PRIMARY KEY,"
    "  network_id INTEGER NOT NULL REFERENCES network(id),"
    "  name TEXT NOT NULL CHECK (length(name) > 0),"
    "  members INTEGER CHECK (members >= 0),"
    "  UNIQUE (network_id, name)"
    ") STRICT;"
    "CREATE TABLE challenge ("
    "  id INTEGER PRIMARY KEY,"
    "  title TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'merged', 'archived')),"
    "  merged_into INTEGER REFERENCES challenge(id),"
    "  created_at TEXT NOT NULL"
    ") STRICT;"
    "CREATE TABLE mention ("
    "  id INTEGER PRIMARY KEY,"
    "  survey_id INTEGER NOT NULL REFERENCES survey(id),"
    "  place_id INTEGER NOT NULL REFERENCES place(id),"
    "  challenge_id INTEGER NOT NULL REFERENCES challenge(id),"
    "  line INTEGER NOT NULL,"
    "  text TEXT NOT NULL CHECK (length(text) > 0),"
    "  norm TEXT NOT NULL,"
    "  theme TEXT,"
    "  importance INTEGER CHECK (importance BETWEEN 1 AND 5),"
    "  members INTEGER CHECK (members >= 0),"
    "  votes INTEGER CHECK (votes >= 0),"
    "  raw TEXT NOT NULL"
    ") STRICT;"
    "CREATE INDEX mention_survey ON mention(survey_id);"
    "CREATE INDEX mention_place ON mention(place_id);"
    "CREATE TABLE journal ("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  payload TEXT NOT NULL"
    ") STRICT;",

    /* 2: deduplication (engine/dedup.c). A mention's norm_hash finds its exact
     * twins; locked marks a lead's decision that no rebuild may undo. The
     * representatives of each challenge carry their features and are indexed by
     * their LSH band keys. */
    "ALTER TABLE mention ADD COLUMN norm_hash INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE mention ADD COLUMN locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1));"
    "CREATE INDEX mention_norm_hash ON mention(norm_hash);"
    "CREATE TABLE dedup_rep ("
    "  mention_id INTEGER PRIMARY KEY REFERENCES mention(id),"
    "  challenge_id INTEGER NOT NULL REFERENCES challenge(id),"
    "  features BLOB NOT NULL"
    ") STRICT;"
    "CREATE INDEX dedup_rep_challenge ON dedup_rep(challenge_id);"
    "CREATE TABLE dedup_band ("
    "  band INTEGER NOT NULL,"
    "  mention_id INTEGER NOT NULL,"
    "  challenge_id INTEGER NOT NULL,"
    "  PRIMARY KEY (band, mention_id)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TABLE dedup_review ("
    "  a INTEGER NOT NULL REFERENCES challenge(id),"
    "  b INTEGER NOT NULL REFERENCES challenge(id),"
    "  similarity REAL NOT NULL,"
    "  PRIMARY KEY (a, b),"
    "  CHECK (a < b)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE INDEX dedup_review_b ON dedup_review(b);"
    "CREATE TABLE dedup_dismissal ("
    "  a INTEGER NOT NULL REFERENCES challenge(id),"
    "  b INTEGER NOT NULL REFERENCES challenge(id),"
    "  at TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  PRIMARY KEY (a, b),"
    "  CHECK (a < b)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TABLE merge_log ("
    "  id INTEGER PRIMARY KEY,"
    "  target INTEGER NOT NULL REFERENCES challenge(id),"
    "  source INTEGER NOT NULL REFERENCES challenge(id),"
    "  at TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  undone_at TEXT,"
    "  undone_by TEXT"
    ") STRICT;"
    "CREATE INDEX merge_log_source ON merge_log(source);"
    "CREATE TABLE dedup_df ("
    "  feature INTEGER PRIMARY KEY,"
    "  df INTEGER NOT NULL CHECK (df > 0)"
    ") STRICT;"
    "CREATE TABLE dedup_meta ("
    "  key TEXT PRIMARY KEY,"
    "  value INTEGER NOT NULL"
    ") STRICT, WITHOUT ROWID;"
    "INSERT INTO dedup_meta (key, value) VALUES ('documents', 0);"
    "CREATE TABLE merge_move ("
    "  merge_id INTEGER NOT NULL REFERENCES merge_log(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('mention', 'vote')),"
    "  item_id INTEGER NOT NULL,"
    "  from_challenge INTEGER NOT NULL,"
    "  was_locked INTEGER NOT NULL,"
    "  PRIMARY KEY (merge_id, kind, item_id)"
    ") STRICT, WITHOUT ROWID;",

    /* 3: bearer tokens of the HTTP service (engine/token.c). Only the SHA-256
     * of a token is kept; a network token names its network. */
    "CREATE TABLE token ("
    "  id INTEGER PRIMARY KEY,"
    "  sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),"
    "  role TEXT NOT NULL CHECK (role IN ('network', 'lead', 'campaign')),"
    "  network_id INTEGER REFERENCES network(id),"
    "  label TEXT,"
    "  created_at TEXT NOT NULL,"
    "  created_by TEXT NOT NULL,"
    "  revoked_at TEXT,"
    "  CHECK ((role = 'network') = (network_id IS NOT NULL))"
    ") STRICT;",
    /* 4: scores and votes (engine/score.c, engine/vote.c, engine/rank.c). A vote
     * is a place supporting a challenge outside a survey; like mention.challenge_id,
     * vote.challenge_id names the current challenge (a merge moves votes), so one
     * place may hold two votes of one challenge after a merge: no UNIQUE, scores
     * count distinct places. The other tables are derived from mentions and votes
     * by defis_score_refresh (no foreign keys: they never block a write of what
     * they derive from, and `defis rescore` rebuilds them from scratch):
     * score_network and score_place hold the respondents and members the stored
     * scores were computed with, so a change is noticed and propagated. */
    "CREATE TABLE vote ("
    "  id INTEGER PRIMARY KEY,"
    "  challenge_id INTEGER NOT NULL REFERENCES challenge(id),"
    "  place_id INTEGER NOT NULL REFERENCES place(id),"
    "  at TEXT NOT NULL,"
    "  actor TEXT NOT NULL"
    ") STRICT;"
    "CREATE INDEX vote_challenge ON vote(challenge_id, place_id);"
    /* Covers the refresh's read of a challenge's supporters (no row lookups),
     * and every search of a challenge's mentions: it leads with challenge_id. */
    "CREATE INDEX mention_support ON mention(challenge_id, place_id, importance, votes);"
    "CREATE INDEX vote_place ON vote(place_id);"
    "CREATE TABLE score_network ("
    "  network_id INTEGER PRIMARY KEY,"
    "  respondents INTEGER NOT NULL"
    ") STRICT;"
    "CREATE TABLE score_place ("
    "  place_id INTEGER PRIMARY KEY,"
    "  members INTEGER"
    ") STRICT;"
    "CREATE TABLE challenge_score ("
    "  challenge_id INTEGER PRIMARY KEY,"
    "  score REAL NOT NULL,"
    "  votes INTEGER NOT NULL,"
    "  networks INTEGER NOT NULL,"
    "  places INTEGER NOT NULL,"
    "  people INTEGER NOT NULL,"
    "  mentions INTEGER NOT NULL,"
    "  importance_sum INTEGER NOT NULL,"
    "  importance_count INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX challenge_score_rank ON challenge_score(score DESC, challenge_id);"
    "CREATE TABLE challenge_network_score ("
    "  challenge_id INTEGER NOT NULL,"
    "  network_id INTEGER NOT NULL,"
    "  k INTEGER NOT NULL,"
    "  places INTEGER NOT NULL,"
    "  anonymous INTEGER NOT NULL,"
    "  people INTEGER NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  lower REAL NOT NULL,"
    "  total REAL NOT NULL,"
    "  PRIMARY KEY (challenge_id, network_id)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE INDEX challenge_network_rank ON challenge_network_score(network_id, total DESC,"
    " challenge_id);"
    "CREATE TABLE challenge_theme ("
    "  challenge_id INTEGER NOT NULL,"
    "  theme TEXT NOT NULL,"
    "  label TEXT NOT NULL,"
    "  total REAL NOT NULL,"
    "  PRIMARY KEY (challenge_id, theme)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE INDEX challenge_theme_rank ON challenge_theme(theme, total DESC, challenge_id);"
    "CREATE VIRTUAL TABLE challenge_search USING fts5(doc,"
    " tokenize = 'unicode61 remove_diacritics 2');",
    /* 5: commons, links and shortlists (engine/commons.c, engine/shortlist.c). A
     * commons name is unique without regard to ASCII case. commons_stage keeps
     * every stage a commons had (the first row is its creation). link_merge_move
     * records, per merge (merge_log id, no foreign key: the caller's transaction
     * writes both), each link the source had, so that an unmerge gives it back
     * exactly. A shortlist stores its canonical JSON and its SHA-256 and is frozen
     * by triggers: no UPDATE or DELETE ever reaches it. */
    "CREATE TABLE commons ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 200),"
    "  stage TEXT NOT NULL CHECK (stage IN ('idea', 'prototype', 'stable', 'dormant')),"
    "  url TEXT,"
    "  description TEXT,"
    "  keywords TEXT,"
    "  users INTEGER NOT NULL DEFAULT 0 CHECK (users >= 0),"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ") STRICT;"
    "CREATE TABLE commons_stage ("
    "  id INTEGER PRIMARY KEY,"
    "  commons_id INTEGER NOT NULL REFERENCES commons(id),"
    "  stage TEXT NOT NULL,"
    "  previous TEXT,"
    "  at TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  note TEXT"
    ") STRICT;"
    "CREATE INDEX commons_stage_of ON commons_stage(commons_id, id);"
    "CREATE TABLE link ("
    "  challenge_id INTEGER NOT NULL REFERENCES challenge(id),"
    "  commons_id INTEGER NOT NULL REFERENCES commons(id),"
    "  note TEXT,"
    "  at TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  PRIMARY KEY (challenge_id, commons_id)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE INDEX link_commons ON link(commons_id, challenge_id);"
    "CREATE TABLE link_merge_move ("
    "  merge_id INTEGER NOT NULL,"
    "  commons_id INTEGER NOT NULL,"
    "  source INTEGER NOT NULL,"
    "  target INTEGER NOT NULL,"
    "  target_had INTEGER NOT NULL CHECK (target_had IN (0, 1)),"
    "  note TEXT,"
    "  at TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  PRIMARY KEY (merge_id, commons_id)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TABLE shortlist ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),"
    "  created_at TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  settings_version TEXT NOT NULL,"
    "  entries INTEGER NOT NULL,"
    "  content TEXT NOT NULL,"
    "  sha256 TEXT NOT NULL CHECK (length(sha256) = 64)"
    ") STRICT;"
    "CREATE TRIGGER shortlist_no_update BEFORE UPDATE ON shortlist"
    " BEGIN SELECT RAISE(ABORT, 'a shortlist is frozen'); END;"
    "CREATE TRIGGER shortlist_no_delete BEFORE DELETE ON shortlist"
    " BEGIN SELECT RAISE(ABORT, 'a shortlist is frozen'); END;"
    "CREATE INDEX journal_at ON journal(at);"
    "CREATE INDEX journal_action ON journal(action);",

    /* 6: the deduplication index as sorted arrays (engine/dedup_store.h): band
     * keys in 65,536 buckets behind a Bloom filter, document frequencies in 256
     * chunks. A store that had representatives is marked for reindexing, which
     * the next deduplication does before anything else (engine/dedup.c). */
    "DROP TABLE dedup_band;"
    "DROP TABLE dedup_df;"
    "CREATE TABLE dedup_bucket ("
    "  id INTEGER PRIMARY KEY CHECK (id BETWEEN 0 AND 65535),"
    "  entries BLOB NOT NULL"
    ") STRICT;"
    "CREATE TABLE dedup_filter ("
    "  id INTEGER PRIMARY KEY CHECK (id >= 0),"
    "  bits BLOB NOT NULL"
    ") STRICT;"
    "CREATE TABLE dedup_df_chunk ("
    "  id INTEGER PRIMARY KEY CHECK (id BETWEEN 0 AND 255),"
    "  entries BLOB NOT NULL"
    ") STRICT;"
    "INSERT INTO dedup_meta (key, value) VALUES ('band_entries', 0), ('filter_blocks', 0);"
    "INSERT INTO dedup_meta (key, value)"
    " SELECT 'reindex', 1 WHERE EXISTS (SELECT 1 FROM dedup_rep);",

    /* 7: the challenges a place supports, from the index alone (a place whose
     * members changed rescores them; engine/score.c). */
    "DROP INDEX mention_place;"
    "CREATE INDEX mention_place ON mention(place_id, challenge_id);",

    /* 8: the wordings and themes of a challenge from the index that scores it,
     * so that rescoring a challenge of a hundred thousand mentions reads its
     * index entries, not its rows (engine/score.c). */
    "DROP INDEX mention_support;"
    "CREATE INDEX mention_support ON mention(challenge_id, place_id, importance, votes,"
    " norm_hash, theme);",

    /* 9: representatives' features in 32 bits (engine/text.h), and the
     * representatives of a challenge side by side, so that reading them for a
     * verification reads a page or two, not a page each. Their features and
     * the frequencies (now counted by those 32 bits) are made again from the
     * texts by the next write (engine/dedup.c, reindex). */
    "CREATE TABLE dedup_rep_9 ("
    "  challenge_id INTEGER NOT NULL REFERENCES challenge(id),"
    "  mention_id INTEGER NOT NULL REFERENCES mention(id),"
    "  features BLOB NOT NULL,"
    "  PRIMARY KEY (challenge_id, mention_id)"
    ") STRICT, WITHOUT ROWID;"
    "INSERT INTO dedup_rep_9 (challenge_id, mention_id, features)"
    " SELECT challenge_id, mention_id, x'' FROM dedup_rep;"
    "DROP TABLE dedup_rep;"
    "ALTER TABLE dedup_rep_9 RENAME TO dedup_rep;"
    "CREATE INDEX dedup_rep_mention ON dedup_rep(mention_id);"
    "INSERT OR REPLACE INTO dedup_meta (key, value) SELECT 'reindex', 1"
    " WHERE EXISTS (SELECT 1 FROM dedup_rep) OR EXISTS (SELECT 1 FROM dedup_df_chunk);",

    /* 10: an index on each column that refers to another row and had none:
     * deleting the row referred to checks the column, by a full scan without
     * one. A rebuild deletes a challenge for each it renumbers, and scanned the
     * challenge table for each (20,000-row survey: 10.7 -> 3.8 s). */
    "CREATE INDEX challenge_merged_into ON challenge(merged_into)"
    " WHERE merged_into IS NOT NULL;"
    "CREATE INDEX dedup_dismissal_b ON dedup_dismissal(b);"
    "CREATE INDEX merge_log_target ON merge_log(target);"
    "CREATE INDEX token_network ON token(network_id);",

    /* 11: a representative's mention checked at the commit, not at once: a bulk
     * import stores its mentions after placing them (engine/ingest.c), and
     * representatives name them before. Only this key is deferred: with every
     * key deferred (PRAGMA defer_foreign_keys), a check outstanding makes
     * SQLite look for the children of each row added to any parent table, such
     * as each new challenge (1,000,000-row import: 2.2 s of challenge inserts
     * against 1.0 s). */
    "CREATE TABLE dedup_rep_11 ("
    "  challenge_id INTEGER NOT NULL REFERENCES challenge(id),"
    "  mention_id INTEGER NOT NULL REFERENCES mention(id) DEFERRABLE INITIALLY DEFERRED,"
    "  features BLOB NOT NULL,"
    "  PRIMARY KEY (challenge_id, mention_id)"
    ") STRICT, WITHOUT ROWID;"
    "INSERT INTO dedup_rep_11 (challenge_id, mention_id, features)"
    " SELECT challenge_id, mention_id, features FROM dedup_rep;"
    "DROP TABLE dedup_rep;"
    "ALTER TABLE dedup_rep_11 RENAME TO dedup_rep;"
    "CREATE INDEX dedup_rep_mention ON dedup_rep(mention_id);",
};

static const char *const scripts[DEFIS_SCRIPT_COUNT] = {
    [DEFIS_SCRIPT_MENTION_INDEXES_DROP] = "DROP INDEX mention_place;"
                                          "DROP INDEX mention_norm_hash;"
                                          "DROP INDEX mention_support;",
    [DEFIS_SCRIPT_MENTION_INDEXES_CREATE] =
        "CREATE INDEX mention_place ON mention(place_id, challenge_id);"
        "CREATE INDEX mention_norm_hash ON mention(norm_hash);"
        "CREATE INDEX mention_support ON mention(challenge_id, place_id, importance, votes,"
        " norm_hash, theme);",
};

const char *defis_sql_script(DefisScript id)
{
    g_return_val_if_fail(id >= 0 && id < DEFIS_SCRIPT_COUNT, NULL);
    return scripts[id];
}

const char *defis_sql_migration(int version)
{
    if (version < 1 || version > (int)G_N_ELEMENTS(migrations))
        return NULL;
    return migrations[version - 1];
}

int defis_sql_migration_count(void)
{
    return (int)G_N_ELEMENTS(migrations);
}
