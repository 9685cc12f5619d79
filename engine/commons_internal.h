/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* commons_internal.h - what the two files of the commons module share: commons.c
 * (the catalogue and its stages) and link.c (links, suggestions, links through
 * merges and splits). Not for other modules: they use commons.h. */
#ifndef DEFIS_COMMONS_INTERNAL_H
#define DEFIS_COMMONS_INTERNAL_H

#include "engine/commons.h"
#include "engine/settings.h"

/* One commons as read from the store. */
typedef struct {
    gint64 id;
    char *name, *stage, *url, *description, *keywords, *created_at, *updated_at;
    gint64 users, links;
} DefisCommonsRow;

void defis__commons_clear(DefisCommonsRow *c);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(DefisCommonsRow, defis__commons_clear)

/* Reads the current row of STMT (a commons query) into C. */
void defis__commons_read(DefisStmt *stmt, DefisCommonsRow *c);

/* Finds the commons named or numbered KEY; DEFIS_ERROR_NOT_FOUND otherwise. */
gboolean defis__commons_find(DefisStore *store, const char *key, DefisCommonsRow *c,
                             GError **error);

/* The users a commons needs to be recognised under SETTINGS (NULL: default). */
gint64 defis__commons_threshold_of(const DefisScoreSettings *settings);

/* TEXT, or NULL when it is NULL or empty. */
const char *defis__commons_nonempty(const char *text);

/* Journals ACTION with PAYLOAD (stolen) and commits when OK, else rolls back. */
gboolean defis__commons_finish(DefisStore *store, gboolean ok, const char *actor,
                               const char *action, json_t *payload, GError **error);

/* Checks F, the error message prefixed with the field at fault. */
gboolean defis__commons_check_prefixed(const DefisCommonsFields *f, gboolean adding,
                                       GError **error);

/* Evaluates EXPR (a json_t *) in a read transaction unless one is open. */
#define IN_READ(store, error, expr)                                                                \
    ({                                                                                             \
        gboolean own_ = !defis_store_in_transaction(store);                                        \
        json_t *out_ = NULL;                                                                       \
        if (!own_ || defis_store_begin_read(store, error)) {                                       \
            out_ = (expr);                                                                         \
            if (own_)                                                                              \
                defis_store_rollback(store);                                                       \
        }                                                                                          \
        out_;                                                                                      \
    })

#endif
