/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* http_json.h - requests and responses as handlers see them, JSON bodies, and the one
 * place where errors become HTTP statuses.
 *
 * Nothing here knows libmicrohttpd: api/server.c fills an ApiRequest from a
 * connection and sends the ApiResponse back, so handlers run the same in tests
 * without a socket. */
#ifndef API_HTTP_JSON_H
#define API_HTTP_JSON_H

#include "engine/common.h"
#include "engine/store.h"
#include "engine/token.h"

#define API_ERROR (api_error_quark())

/* What the HTTP layer itself refuses; the engine's and the surveys' error domains
 * map onto statuses in api_error_status as well. */
typedef enum {
    API_ERROR_BAD_REQUEST,       /* 400: a malformed query or JSON body */
    API_ERROR_UNAUTHORIZED,      /* 401: no token, or an unknown or revoked one */
    API_ERROR_NO_ROUTE,          /* 404: no route has this path */
    API_ERROR_METHOD,            /* 405: the path exists, the method does not */
    API_ERROR_NOT_ACCEPTABLE,    /* 406: no media type the route serves is in Accept */
    API_ERROR_MEDIA_TYPE,        /* 415: a body of a type the route does not take */
    API_ERROR_TOO_MANY,          /* 429: too many writes queued; retry later */
    API_ERROR_HEADERS_TOO_LARGE, /* 431 */
    API_ERROR_UNAVAILABLE,       /* 503: the store cannot be opened, or the service stops */
} ApiErrorCode;

GQuark api_error_quark(void);

/* What an error becomes on the wire. */
typedef struct {
    guint status;
    const char *code;  /* the stable "error.code" of the JSON body */
    guint retry_after; /* seconds for a Retry-After header, 0 for none */
} ApiErrorStatus;

/* THE mapping of every error to an HTTP status, code and Retry-After: any
 * domain, any code. Unknown errors are 500 "internal". */
void api_error_status(const GError *error, ApiErrorStatus *out);

typedef struct ApiContext ApiContext; /* api/server.h */
typedef struct ApiWorker ApiWorker;   /* api/server.h */
typedef struct ApiRoute ApiRoute;     /* api/routes.h */

/* Most path parameters a route pattern may hold. */
#define API_MAX_PARAMS 4
/* Most query parameters a request may send (no route takes more than a dozen). */
#define API_MAX_QUERY_PARAMS 64

/* One request, as a handler sees it. Everything is borrowed from the server for
 * the duration of the handler call. */
typedef struct {
    const char *method;
    const char *path;
    const ApiRoute *route;
    char *params[API_MAX_PARAMS]; /* path parameters, in the order of the pattern */
    GHashTable *query;            /* decoded name -> value (the last one given) */
    const char *content_type;     /* media type, lowercased, without parameters; or NULL */
    GHashTable *headers;          /* lowercased name -> value (repeats joined by ", "); may
                                     be NULL: read them with api_request_header */
    GBytes *body;                 /* NULL when the request has none */
    const DefisToken *token;      /* the caller; NULL on a public route */
    ApiWorker *worker;            /* this thread's store and caches */
    ApiContext *context;          /* the service: configuration, write lock, metrics */
} ApiRequest;

/* The store of the thread that runs the request (borrowed). */
DefisStore *api_request_store(const ApiRequest *request);
/* "token:ID" for the journal; caller frees. */
char *api_request_actor(const ApiRequest *request);

/* The request header NAME (any case), borrowed; NULL when absent. */
const char *api_request_header(const ApiRequest *request, const char *name);

/* Which of the N media TYPES (the route's forms, the first the default) the
 * Accept header prefers, by quality; a type's quality is that of the most
 * specific range naming it (text/csv, then the text range, then the any-type
 * range); ties go to the earlier type. Returns its index, 0 when
 * there is no Accept header; -1 with API_ERROR_NOT_ACCEPTABLE when Accept
 * excludes every one of them. */
gint api_request_negotiate(const ApiRequest *request, const char *const *types, gint n,
                           GError **error);

/* TRUE when the If-None-Match header names ETAG (a quoted strong tag, as sent in
 * ETag) or is "*": the client's copy is current and the answer is 304. Weak
 * tags (W/"…") compare by their opaque part, as RFC 9110 wants for GET. */
gboolean api_request_etag_matches(const ApiRequest *request, const char *etag);

/* Path parameter I as an id (a whole number > 0) into *ID; FALSE with
 * DEFIS_ERROR_NOT_FOUND ("no WHAT X") otherwise, since no such thing can exist. */
gboolean api_param_id(const ApiRequest *request, int i, const char *what, gint64 *id,
                      GError **error);

/* Query parameter NAME as an integer in [MIN, MAX]; DEFAULT_VALUE when absent.
 * FALSE with API_ERROR_BAD_REQUEST when it is not such an integer. */
gboolean api_query_int(const ApiRequest *request, const char *name, gint64 default_value,
                       gint64 min, gint64 max, gint64 *value, GError **error);
/* Query parameter NAME or NULL (borrowed). */
const char *api_query(const ApiRequest *request, const char *name);
/* FALSE with API_ERROR_BAD_REQUEST when the query holds a name outside ALLOWED
 * (a NULL-terminated list). */
gboolean api_query_check(const ApiRequest *request, const char *const *allowed, GError **error);

/* The body as a JSON object: decoded strictly (JSON_REJECT_DUPLICATES, the
 * whole body one value). NULL with API_ERROR_BAD_REQUEST naming line and column
 * on a syntax error, a duplicate key or a body that is not an object; with
 * API_ERROR_MEDIA_TYPE when the body is not application/json. */
json_t *api_request_json(const ApiRequest *request, GError **error);

/* Unpacks OBJECT with the jansson FORMAT, which should end in "!" so that an
 * unknown field is refused. FALSE with API_ERROR_BAD_REQUEST quoting jansson. */
gboolean api_json_unpack(json_t *object, GError **error, const char *format, ...);

/* One response. api_response_clear frees what it holds. */
typedef struct {
    guint status;
    char *content_type;
    GBytes *body;       /* NULL for an empty body */
    GPtrArray *headers; /* name, value, name, value… (owned strings) */
} ApiResponse;

void api_response_clear(ApiResponse *response);
/* Sets a JSON body (VALUE is stolen) and STATUS. */
void api_response_json(ApiResponse *response, guint status, json_t *value);
/* Sets a body of BYTES (a new reference is taken) and CONTENT_TYPE. */
void api_response_bytes(ApiResponse *response, guint status, const char *content_type,
                        GBytes *bytes);
void api_response_header(ApiResponse *response, const char *name, const char *value);
/* The header NAME (case-insensitive) or NULL, borrowed. */
const char *api_response_get_header(const ApiResponse *response, const char *name);
/* Replaces the response with ERROR as {"error": {"code", "message"}} and its
 * status, plus WWW-Authenticate on 401 and Retry-After where it applies.
 * DETAILS (may be NULL, stolen) is added as "error.details". */
void api_response_error(ApiResponse *response, const GError *error, json_t *details);

#endif
