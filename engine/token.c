/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* token.c - bearer tokens for the HTTP service: roles, creation, checking, revocation. */
#include "engine/token.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "engine/error.h"
#include "engine/journal.h"
#include "engine/network.h"

/* Bytes of randomness in a token: 256 bits, twice the 128 the service requires. */
#define SECRET_BYTES 32

static const char *const role_names[DEFIS_ROLE_COUNT] = {
    [DEFIS_ROLE_NETWORK] = "network",
    [DEFIS_ROLE_LEAD] = "lead",
    [DEFIS_ROLE_CAMPAIGN] = "campaign",
};

const char *defis_role_name(DefisRole role)
{
    g_return_val_if_fail(role >= 0 && role < DEFIS_ROLE_COUNT, NULL);
    return role_names[role];
}

gboolean defis_role_parse(const char *name, DefisRole *role)
{
    for (int i = 0; name && i < DEFIS_ROLE_COUNT; i++) {
        if (strcmp(name, role_names[i]) == 0) {
            *role = (DefisRole)i;
            return TRUE;
        }
    }
    return FALSE;
}

void defis_token_free(DefisToken *token)
{
    if (!token)
        return;
    g_free(token->network);
    g_free(token->label);
    g_free(token->created_at);
    g_free(token->created_by);
    g_free(token->revoked_at);
    g_free(token);
}

DefisToken *defis_token_copy(const DefisToken *token)
{
    g_return_val_if_fail(token != NULL, NULL);
    DefisToken *copy = g_new0(DefisToken, 1);
    *copy = (DefisToken){
        .id = token->id,
        .role = token->role,
        .network_id = token->network_id,
        .network = g_strdup(token->network),
        .label = g_strdup(token->label),
        .created_at = g_strdup(token->created_at),
        .created_by = g_strdup(token->created_by),
        .revoked_at = g_strdup(token->revoked_at),
    };
    return copy;
}

void defis_token_hash(const char *secret, char out[65])
{
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, (const guchar *)secret, (gssize)strlen(secret));
    memcpy(out, g_checksum_get_string(sum), 64);
    out[64] = '\0';
}

gboolean defis_token_equal(const char *a, const char *b, gsize length)
{
    volatile unsigned char diff = 0;
    for (gsize i = 0; i < length; i++)
        diff |= (unsigned char)a[i] ^ (unsigned char)b[i];
    return diff == 0;
}

/* Fills BUF with LENGTH bytes from the kernel's generator, retrying short reads. */
static gboolean random_bytes(guchar *buf, gsize length, GError **error)
{
    gsize done = 0;
    while (done < length) {
        ssize_t n = getrandom(buf + done, length - done, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_STORE, "getrandom: %s",
                        g_strerror(errno));
            return FALSE;
        }
        done += (gsize)n;
    }
    return TRUE;
}

/* "dfs_" and the secret in unpadded base64url: safe in a header and a shell. */
static char *new_secret(GError **error)
{
    guchar raw[SECRET_BYTES];
    if (!random_bytes(raw, sizeof raw, error))
        return NULL;
    g_autofree char *b64 = g_base64_encode(raw, sizeof raw);
    memset(raw, 0, sizeof raw);
    for (char *p = b64; *p; p++) {
        if (*p == '+')
            *p = '-';
        else if (*p == '/')
            *p = '_';
        else if (*p == '=')
            *p = '\0';
    }
    return g_strconcat(DEFIS_TOKEN_PREFIX, b64, NULL);
}

char *defis_token_create(DefisStore *store, DefisRole role, const char *network,
                         const char *label, const char *actor, gint64 *id, GError **error)
{
    g_return_val_if_fail(store != NULL && actor != NULL, NULL);
    g_return_val_if_fail(role >= 0 && role < DEFIS_ROLE_COUNT, NULL);
    if ((role == DEFIS_ROLE_NETWORK) != (network != NULL)) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                    role == DEFIS_ROLE_NETWORK ? "a network token needs its network"
                                               : "only a network token names a network");
        return NULL;
    }
    if (label && (strlen(label) > DEFIS_TOKEN_LABEL_MAX || !g_utf8_validate(label, -1, NULL))) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_INVALID,
                    "a label must be at most %d bytes of UTF-8", DEFIS_TOKEN_LABEL_MAX);
        return NULL;
    }
    g_autofree char *secret = new_secret(error);
    if (!secret)
        return NULL;
    char sha[65];
    defis_token_hash(secret, sha);

    if (!defis_store_begin(store, error))
        return NULL;
    gint64 network_id = 0;
    if (network && !(network_id = defis_network_find(store, network, error))) {
        defis_store_rollback(store);
        return NULL;
    }
    g_autofree char *now = defis_now();
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_TOKEN_INSERT);
    defis_stmt_bind_text(stmt, 1, sha, 64);
    defis_stmt_bind_text(stmt, 2, defis_role_name(role), -1);
    if (network_id)
        defis_stmt_bind_int(stmt, 3, network_id);
    else
        defis_stmt_bind_null(stmt, 3);
    defis_stmt_bind_text(stmt, 4, label, -1);
    defis_stmt_bind_text(stmt, 5, now, -1);
    defis_stmt_bind_text(stmt, 6, actor, -1);
    if (!defis_stmt_exec(stmt, error)) {
        defis_store_rollback(store);
        return NULL;
    }
    gint64 new_id = defis_store_last_id(store);
    g_autoptr(json_t) payload = json_pack("{s:I, s:s, s:s?, s:s?}", "id", (json_int_t)new_id,
                                          "role", defis_role_name(role), "network", network,
                                          "label", label);
    if (!defis_journal_add(store, actor, "token.create", payload, error) ||
        !defis_store_commit(store, error)) {
        defis_store_rollback(store);
        return NULL;
    }
    if (id)
        *id = new_id;
    return g_steal_pointer(&secret);
}

DefisToken *defis_token_verify(DefisStore *store, const char *secret, GError **error)
{
    g_return_val_if_fail(store != NULL && secret != NULL, NULL);
    if (!g_str_has_prefix(secret, DEFIS_TOKEN_PREFIX) || strlen(secret) > 128) {
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND, "unknown token");
        return NULL;
    }
    char sha[65];
    defis_token_hash(secret, sha);
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_TOKEN_BY_SHA);
    defis_stmt_bind_text(stmt, 1, sha, 64);
    gboolean row = FALSE;
    if (!defis_stmt_step(stmt, &row, error))
        return NULL;
    const char *stored = row ? defis_stmt_text(stmt, 1) : NULL;
    DefisRole role = DEFIS_ROLE_LEAD;
    if (!row || !stored || strlen(stored) != 64 || !defis_token_equal(stored, sha, 64) ||
        !defis_stmt_is_null(stmt, 8) || !defis_role_parse(defis_stmt_text(stmt, 2), &role)) {
        defis_stmt_reset(stmt);
        g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND, "unknown or revoked token");
        return NULL;
    }
    DefisToken *token = g_new0(DefisToken, 1);
    token->id = defis_stmt_int(stmt, 0);
    token->role = role;
    token->network_id = defis_stmt_is_null(stmt, 3) ? 0 : defis_stmt_int(stmt, 3);
    token->network = g_strdup(defis_stmt_text(stmt, 4));
    token->label = g_strdup(defis_stmt_text(stmt, 5));
    token->created_at = g_strdup(defis_stmt_text(stmt, 6));
    token->created_by = g_strdup(defis_stmt_text(stmt, 7));
    defis_stmt_reset(stmt);
    return token;
}

json_t *defis_token_list(DefisStore *store, GError **error)
{
    g_autoptr(json_t) list = json_array();
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_TOKEN_LIST);
    gboolean row = FALSE, ok;
    while ((ok = defis_stmt_step(stmt, &row, error)) && row) {
        json_array_append_new(
            list, json_pack("{s:I, s:s, s:s?, s:s?, s:s, s:s, s:s?}", "id",
                            (json_int_t)defis_stmt_int(stmt, 0), "role", defis_stmt_text(stmt, 1),
                            "network", defis_stmt_text(stmt, 2), "label",
                            defis_stmt_text(stmt, 3), "created_at", defis_stmt_text(stmt, 4),
                            "created_by", defis_stmt_text(stmt, 5), "revoked_at",
                            defis_stmt_text(stmt, 6)));
    }
    defis_stmt_reset(stmt);
    return ok ? g_steal_pointer(&list) : NULL;
}

gboolean defis_token_revoke(DefisStore *store, gint64 id, const char *actor, GError **error)
{
    g_return_val_if_fail(store != NULL && actor != NULL, FALSE);
    if (!defis_store_begin(store, error))
        return FALSE;
    DefisStmt *stmt = defis_store_stmt(store, DEFIS_SQL_TOKEN_BY_ID);
    defis_stmt_bind_int(stmt, 1, id);
    gboolean row = FALSE;
    if (!defis_stmt_step(stmt, &row, error)) {
        defis_store_rollback(store);
        return FALSE;
    }
    gboolean revoked = row && !defis_stmt_is_null(stmt, 1);
    defis_stmt_reset(stmt);
    if (!row || revoked) {
        defis_store_rollback(store);
        g_set_error(error, DEFIS_ERROR, row ? DEFIS_ERROR_CONFLICT : DEFIS_ERROR_NOT_FOUND,
                    row ? "token %" G_GINT64_FORMAT " is revoked already"
                        : "no token %" G_GINT64_FORMAT,
                    id);
        return FALSE;
    }
    g_autofree char *now = defis_now();
    stmt = defis_store_stmt(store, DEFIS_SQL_TOKEN_REVOKE);
    defis_stmt_bind_int(stmt, 1, id);
    defis_stmt_bind_text(stmt, 2, now, -1);
    g_autoptr(json_t) payload = json_pack("{s:I}", "id", (json_int_t)id);
    if (!defis_stmt_exec(stmt, error) ||
        !defis_journal_add(store, actor, "token.revoke", payload, error) ||
        !defis_store_commit(store, error)) {
        defis_store_rollback(store);
        return FALSE;
    }
    return TRUE;
}
