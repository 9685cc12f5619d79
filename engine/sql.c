/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* sql.c - the text of every SQL statement and of every schema migration. */
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
    "  key TEXT UNIQUE,"
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
    "CREATE INDEX mention_challenge ON mention(challenge_id);"
    "CREATE INDEX mention_survey ON mention(survey_id);"
    "CREATE INDEX mention_place ON mention(place_id);"
    "CREATE TABLE journal ("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  payload TEXT NOT NULL"
    ") STRICT;",
};

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

    [DEFIS_SQL_CHALLENGE_BY_KEY] = "SELECT id FROM challenge WHERE key = ?1",
    [DEFIS_SQL_CHALLENGE_INSERT] =
        "INSERT INTO challenge (title, key, created_at) VALUES (?1, ?2, ?3)",
    [DEFIS_SQL_MENTION_INSERT] =
        "INSERT INTO mention (survey_id, place_id, challenge_id, line, text, norm, theme,"
        " importance, members, votes, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [DEFIS_SQL_CHALLENGES_RANKED] =
        "SELECT c.id, c.title, count(*) AS mentions,"
        "  count(DISTINCT m.place_id) AS places,"
        "  count(DISTINCT p.network_id) AS networks"
        " FROM challenge c JOIN mention m ON m.challenge_id = c.id"
        " JOIN place p ON p.id = m.place_id"
        " WHERE c.state = 'open'"
        " GROUP BY c.id ORDER BY places DESC, mentions DESC, c.id LIMIT ?1",
    [DEFIS_SQL_MENTIONS_EXPORT] =
        "SELECT m.id, n.name, p.name, m.text, m.challenge_id, m.theme, m.importance,"
        " m.members, m.votes, m.survey_id, m.line"
        " FROM mention m JOIN place p ON p.id = m.place_id"
        " JOIN network n ON n.id = p.network_id ORDER BY m.id",

    [DEFIS_SQL_JOURNAL_INSERT] =
        "INSERT INTO journal (at, actor, action, payload) VALUES (?1, ?2, ?3, ?4)",
};

const char *defis_sql_text(DefisSql id)
{
    g_return_val_if_fail(id >= 0 && id < DEFIS_SQL_COUNT, NULL);
    return statements[id];
}
