/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* token.h - bearer tokens for the HTTP service: roles, creation, checking, revocation.
 *
 * A token is shown once, when it is created, and never stored: the store keeps
 * only its SHA-256. Its secret part is 256 bits from the kernel's generator
 * (getrandom()). Every creation and revocation is journaled. */
#ifndef DEFIS_TOKEN_H
#define DEFIS_TOKEN_H

#include "engine/common.h"
#include "engine/store.h"

/* What a token lets its holder do; the HTTP layer decides which routes each
 * role may use. */
typedef enum {
    DEFIS_ROLE_NETWORK,  /* one network: its uploads and votes, reads rankings */
    DEFIS_ROLE_LEAD,     /* everything */
    DEFIS_ROLE_CAMPAIGN, /* reads rankings and shortlists, creates shortlists */
} DefisRole;

#define DEFIS_ROLE_COUNT 3

/* "network", "lead", "campaign". */
const char *defis_role_name(DefisRole role);
/* Parses a role name; FALSE for anything else. */
gboolean defis_role_parse(const char *name, DefisRole *role);

/* Every token starts with this prefix, so that a leaked one is easy to spot. */
#define DEFIS_TOKEN_PREFIX "dfs_"
/* Longest label, in bytes. */
#define DEFIS_TOKEN_LABEL_MAX 200

/* A stored token, as read back. Never holds the secret. */
typedef struct {
    gint64 id;
    DefisRole role;
    gint64 network_id; /* 0 unless role is DEFIS_ROLE_NETWORK */
    char *network;     /* its network's name, or NULL */
    char *label;       /* or NULL */
    char *created_at;
    char *created_by;
    char *revoked_at; /* NULL while the token is valid */
} DefisToken;

void defis_token_free(DefisToken *token);
/* A deep copy of TOKEN; caller frees. */
DefisToken *defis_token_copy(const DefisToken *token);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DefisToken, defis_token_free)

/* Creates a token for ROLE, in its own write transaction, and journals it
 * ("token.create", without the secret). NETWORK names an existing network and
 * is required for DEFIS_ROLE_NETWORK, refused for the others; LABEL (may be
 * NULL) is a free note. Returns the new secret, to be shown once (caller
 * frees), and sets *ID; NULL with DEFIS_ERROR_INVALID (bad arguments),
 * DEFIS_ERROR_NOT_FOUND (unknown network), DEFIS_ERROR_BUSY or
 * DEFIS_ERROR_STORE. */
char *defis_token_create(DefisStore *store, DefisRole role, const char *network,
                         const char *label, const char *actor, gint64 *id, GError **error);

/* The valid (not revoked) token whose secret is SECRET, or NULL with
 * DEFIS_ERROR_NOT_FOUND (unknown, malformed or revoked) or a store error. The
 * secret is hashed, the row looked up by hash, and the stored hash compared
 * with the computed one in constant time. */
DefisToken *defis_token_verify(DefisStore *store, const char *secret, GError **error);

/* Every token, by id: a new JSON array of {id, role, network, label,
 * created_at, created_by, revoked_at}. */
json_t *defis_token_list(DefisStore *store, GError **error);

/* Revokes token ID in its own write transaction and journals it. FALSE with
 * DEFIS_ERROR_NOT_FOUND when there is no such token, DEFIS_ERROR_CONFLICT when
 * it was revoked already. */
gboolean defis_token_revoke(DefisStore *store, gint64 id, const char *actor, GError **error);

/* Writes the lowercase hex SHA-256 of SECRET into OUT (65 bytes with the NUL). */
void defis_token_hash(const char *secret, char out[65]);

/* TRUE when A and B (LENGTH bytes each) are equal; the time taken does not
 * depend on where they differ. */
gboolean defis_token_equal(const char *a, const char *b, gsize length);

#endif
