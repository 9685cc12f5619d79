/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* server.h - the HTTP service: its configuration, the state its threads share, and
 * the libmicrohttpd daemon that runs it.
 *
 * Only server.c sees libmicrohttpd. Each worker thread of the daemon's pool owns
 * an ApiWorker: its own store connection (a DefisStore serves one thread at a
 * time) and its caches. Writes run on the one writer thread (api/writer.h),
 * one at a time, so that two uploads never meet SQLITE_BUSY and no pool thread
 * ever waits for a write. */
#ifndef API_SERVER_H
#define API_SERVER_H

#include "api/http_json.h"
#include "api/metrics.h"
#include "engine/settings.h"

/* The service's configuration: defaults, then the --config file, then options. */
typedef struct {
    char *listen;              /* "ADDR:PORT"; port 0 picks a free one */
    guint threads;             /* worker threads (and store connections) */
    guint64 max_body;          /* [limits] max_body: bytes of a request body (413) */
    gsize max_header;          /* [limits] max_header: bytes of a request's headers (431) */
    guint connection_timeout;  /* [limits] connection_timeout: idle seconds */
    guint header_timeout;      /* [limits] header_timeout: seconds for a request's head */
    guint body_timeout;        /* [limits] body_timeout: seconds for a request's body */
    guint connections_per_ip;  /* [limits] connections_per_ip */
    guint max_connections;     /* [limits] max_connections */
    guint page_default;        /* [limits] page_default: items of a page by default */
    guint page_max;            /* [limits] page_max: most items of a page */
    guint max_queued_writes;   /* [limits] max_queued_writes: writes waiting (429 past it) */
    guint busy_timeout_ms;     /* [store] busy_timeout_ms: wait for another process's lock */
    guint64 max_rows;          /* [limits] max_rows: rows of one uploaded survey */
    gsize max_field;           /* [limits] max_field: bytes of one field of a survey */
    guint cache_entries;       /* [cache] entries: responses cached per thread (0: off) */
    gboolean log_requests;     /* [log] requests: one line per request on stderr */
    char *settings_path;       /* [service] settings: a scoring settings file, or NULL */
    DefisScoreSettings *settings; /* read from settings_path when the config is loaded (its
                                     [dedup] group steers POST /v1/dedup/rebuild); NULL:
                                     the defaults */
} ApiConfig;

/* Fills CONFIG with the defaults. */
void api_config_init(ApiConfig *config);
/* Reads the GKeyFile PATH over CONFIG ([service] listen, threads, settings;
 * [limits] …; [store] busy_timeout_ms; [cache] entries; [log] requests). An
 * unknown group or key is an error, so that a typo does not silently keep a
 * default; so is a settings file that defis_settings_load refuses (a relative
 * settings path is read from PATH's folder). */
gboolean api_config_load(ApiConfig *config, const char *path, GError **error);
void api_config_clear(ApiConfig *config);

/* What every thread of the service shares. */
struct ApiContext {
    const ApiConfig *config;
    char *db_path;
    ApiMetrics *metrics;
    GMutex workers_lock;
    GPtrArray *workers; /* of ApiWorker, closed with the context */
};

/* A new context for the database at DB_PATH (which must exist, migrated). */
ApiContext *api_context_new(const ApiConfig *config, const char *db_path);
/* Frees the context and closes every worker's store. No thread may use it. */
void api_context_free(ApiContext *context);

/* One worker thread's own state. */
struct ApiWorker {
    ApiContext *context;
    DefisStore *store;
    gint64 data_version; /* of the store, when the caches were last checked */
    GHashTable *responses; /* cache key -> ApiResponse copy, for API_CACHED routes */
    GHashTable *tokens;    /* token SHA-256 -> DefisToken, checked tokens */
};

/* Opens a worker with its own store connection and registers it in CONTEXT.
 * NULL with the store's error. */
ApiWorker *api_worker_new(ApiContext *context, GError **error);
/* Empties the caches when the store's data version moved (a commit here or in
 * another connection or process); call once per request before using them. */
void api_worker_refresh(ApiWorker *worker);

/* Runs the service until SIGTERM or SIGINT: binds CONFIG->listen, prints
 * "listening on http://ADDR:PORT" on stdout, serves, and on the signal stops
 * accepting, lets the requests in flight finish and closes the stores.
 * Returns FALSE with ERROR if it cannot start. */
gboolean api_server_run(const ApiConfig *config, const char *db_path, GError **error);

#endif
