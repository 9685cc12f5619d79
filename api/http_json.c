/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* http_json.c - requests, responses, JSON bodies, and the mapping of errors to statuses. */
#include "api/http_json.h"

#include <stdarg.h>
#include <string.h>

#include "api/server.h"
#include "engine/error.h"
#include "surveys/error.h"

G_DEFINE_QUARK(api-error-quark, api_error)

/* ---- Errors to statuses: the one place -------------------------------------- */

void api_error_status(const GError *error, ApiErrorStatus *out)
{
    *out = (ApiErrorStatus){500, "internal", 0};
    if (!error)
        return;
    if (error->domain == DEFIS_ERROR) {
        switch ((DefisErrorCode)error->code) {
        case DEFIS_ERROR_INVALID:
            *out = (ApiErrorStatus){400, "invalid", 0};
            break;
        case DEFIS_ERROR_NOT_FOUND:
            *out = (ApiErrorStatus){404, "not_found", 0};
            break;
        case DEFIS_ERROR_CONFLICT:
            *out = (ApiErrorStatus){409, "conflict", 0};
            break;
        case DEFIS_ERROR_FORBIDDEN:
            *out = (ApiErrorStatus){403, "forbidden", 0};
            break;
        case DEFIS_ERROR_TOO_LARGE:
            *out = (ApiErrorStatus){413, "too_large", 0};
            break;
        case DEFIS_ERROR_BUSY:
            /* Another process holds the write lock past the busy timeout. */
            *out = (ApiErrorStatus){503, "busy", 2};
            break;
        case DEFIS_ERROR_STORE:
            break;
        }
    } else if (error->domain == SURVEY_ERROR) {
        switch ((SurveyErrorCode)error->code) {
        case SURVEY_ERROR_INVALID:
        case SURVEY_ERROR_ENCODING:
            /* The request is well formed; the survey file in it is not. */
            *out = (ApiErrorStatus){422, "invalid_survey", 0};
            break;
        case SURVEY_ERROR_TOO_LARGE:
            *out = (ApiErrorStatus){413, "too_large", 0};
            break;
        case SURVEY_ERROR_IO:
            break;
        }
    } else if (error->domain == API_ERROR) {
        switch ((ApiErrorCode)error->code) {
        case API_ERROR_BAD_REQUEST:
            *out = (ApiErrorStatus){400, "bad_request", 0};
            break;
        case API_ERROR_UNAUTHORIZED:
            *out = (ApiErrorStatus){401, "unauthorized", 0};
            break;
        case API_ERROR_NO_ROUTE:
            *out = (ApiErrorStatus){404, "not_found", 0};
            break;
        case API_ERROR_METHOD:
            *out = (ApiErrorStatus){405, "method_not_allowed", 0};
            break;
        case API_ERROR_NOT_ACCEPTABLE:
            *out = (ApiErrorStatus){406, "not_acceptable", 0};
            break;
        case API_ERROR_MEDIA_TYPE:
            *out = (ApiErrorStatus){415, "unsupported_media_type", 0};
            break;
        case API_ERROR_TOO_MANY:
            *out = (ApiErrorStatus){429, "too_many_requests", 1};
            break;
        case API_ERROR_HEADERS_TOO_LARGE:
            *out = (ApiErrorStatus){431, "headers_too_large", 0};
            break;
        case API_ERROR_UNAVAILABLE:
            *out = (ApiErrorStatus){503, "unavailable", 5};
            break;
        }
    }
}

/* ---- Requests ------------------------------------------------------------------ */

DefisStore *api_request_store(const ApiRequest *request)
{
    g_return_val_if_fail(request != NULL && request->worker != NULL, NULL);
    return request->worker->store;
}

char *api_request_actor(const ApiRequest *request)
{
    if (!request->token)
        return g_strdup("http:anonymous");
    return g_strdup_printf("token:%" G_GINT64_FORMAT, request->token->id);
}

const char *api_request_header(const ApiRequest *request, const char *name)
{
    if (!request->headers)
        return NULL;
    g_autofree char *lower = g_ascii_strdown(name, -1);
    return g_hash_table_lookup(request->headers, lower);
}

/* The quality of an Accept element's parameters ("q=0.5"); 1 when absent, -1
 * when malformed (the element is then ignored, as RFC 9110 allows). */
static double accept_quality(char **params)
{
    for (char **p = params; *p; p++) {
        char *param = g_strstrip(*p);
        if (g_ascii_strncasecmp(param, "q=", 2) != 0)
            continue;
        char *end = NULL;
        double q = g_ascii_strtod(param + 2, &end);
        if (end == param + 2 || *end || q < 0 || q > 1)
            return -1;
        return q;
    }
    return 1;
}

gint api_request_negotiate(const ApiRequest *request, const char *const *types, gint n,
                           GError **error)
{
    g_return_val_if_fail(n > 0, -1);
    const char *accept = api_request_header(request, "Accept");
    while (accept && g_ascii_isspace(*accept))
        accept++;
    if (!accept || !*accept)
        return 0;
    /* For each type, the quality given by its most specific range (-1: none names it). */
    g_autofree double *quality = g_new(double, n);
    g_autofree int *specificity = g_new0(int, n);
    for (gint t = 0; t < n; t++)
        quality[t] = -1;
    g_auto(GStrv) elements = g_strsplit(accept, ",", -1);
    for (char **e = elements; *e; e++) {
        g_auto(GStrv) parts = g_strsplit(*e, ";", -1);
        g_autofree char *range = g_ascii_strdown(g_strstrip(parts[0]), -1);
        double q = accept_quality(parts + 1);
        const char *slash = strchr(range, '/');
        if (!*range || !slash || q < 0)
            continue;
        for (gint t = 0; t < n; t++) {
            int level = 0;
            if (strcmp(range, types[t]) == 0)
                level = 3;
            else if (strcmp(slash, "/*") == 0 && strcmp(range, "*/*") != 0 &&
                     strncmp(range, types[t], (gsize)(slash - range + 1)) == 0)
                level = 2;
            else if (strcmp(range, "*/*") == 0)
                level = 1;
            if (level > specificity[t]) {
                specificity[t] = level;
                quality[t] = q;
            }
        }
    }
    gint best = -1;
    for (gint t = 0; t < n; t++)
        if (quality[t] > 0 && (best < 0 || quality[t] > quality[best]))
            best = t;
    if (best < 0) {
        g_autofree char *list = g_strjoinv(", ", (char **)types);
        g_set_error(error, API_ERROR, API_ERROR_NOT_ACCEPTABLE,
                    "Accept allows none of the forms of this resource: %s", list);
    }
    return best;
}

gboolean api_request_etag_matches(const ApiRequest *request, const char *etag)
{
    const char *header = api_request_header(request, "If-None-Match");
    if (!header)
        return FALSE;
    g_auto(GStrv) tags = g_strsplit(header, ",", -1);
    for (char **t = tags; *t; t++) {
        const char *tag = g_strstrip(*t);
        if (strcmp(tag, "*") == 0)
            return TRUE;
        if (g_str_has_prefix(tag, "W/"))
            tag += 2;
        if (strcmp(tag, etag) == 0)
            return TRUE;
    }
    return FALSE;
}

gboolean api_param_id(const ApiRequest *request, int i, const char *what, gint64 *id,
                      GError **error)
{
    g_return_val_if_fail(i >= 0 && i < API_MAX_PARAMS && request->params[i], FALSE);
    if (g_ascii_string_to_signed(request->params[i], 10, 1, G_MAXINT64, id, NULL))
        return TRUE;
    g_autofree char *quoted = defis_quote(request->params[i], -1, DEFIS_QUOTE_MAX);
    g_set_error(error, DEFIS_ERROR, DEFIS_ERROR_NOT_FOUND, "no %s %s", what, quoted);
    return FALSE;
}

const char *api_query(const ApiRequest *request, const char *name)
{
    return request->query ? g_hash_table_lookup(request->query, name) : NULL;
}

gboolean api_query_int(const ApiRequest *request, const char *name, gint64 default_value,
                       gint64 min, gint64 max, gint64 *value, GError **error)
{
    const char *text = api_query(request, name);
    if (!text) {
        *value = default_value;
        return TRUE;
    }
    gint64 parsed = 0;
    if (!g_ascii_string_to_signed(text, 10, min, max, &parsed, NULL)) {
        g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST,
                    "query parameter %s must be an integer from %" G_GINT64_FORMAT
                    " to %" G_GINT64_FORMAT,
                    name, min, max);
        return FALSE;
    }
    *value = parsed;
    return TRUE;
}

gboolean api_query_check(const ApiRequest *request, const char *const *allowed, GError **error)
{
    if (!request->query)
        return TRUE;
    GHashTableIter iter;
    gpointer key;
    g_hash_table_iter_init(&iter, request->query);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        if (!g_strv_contains(allowed, key)) {
            g_autofree char *list = g_strjoinv(", ", (char **)allowed);
            g_autofree char *quoted = defis_quote(key, -1, DEFIS_QUOTE_MAX);
            g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST,
                        "unknown query parameter \"%s\" (known: %s)", quoted,
                        *allowed ? list : "none");
            return FALSE;
        }
    }
    return TRUE;
}

json_t *api_request_json(const ApiRequest *request, GError **error)
{
    if (g_strcmp0(request->content_type, "application/json") != 0) {
        g_set_error(error, API_ERROR, API_ERROR_MEDIA_TYPE,
                    "send the body as application/json");
        return NULL;
    }
    gsize length = 0;
    const char *data = request->body ? g_bytes_get_data(request->body, &length) : "";
    json_error_t jerr;
    json_t *value = json_loadb(data ? data : "", length, JSON_REJECT_DUPLICATES, &jerr);
    if (!value) {
        g_autofree char *reason = defis_quote(jerr.text, -1, DEFIS_QUOTE_MAX);
        g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST,
                    "body is not valid JSON: line %d, column %d: %s", jerr.line, jerr.column,
                    reason);
        return NULL;
    }
    if (!json_is_object(value)) {
        json_decref(value);
        g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST, "body must be a JSON object");
        return NULL;
    }
    return value;
}

gboolean api_json_unpack(json_t *object, GError **error, const char *format, ...)
{
    json_error_t jerr;
    va_list ap;
    va_start(ap, format);
    int rc = json_vunpack_ex(object, &jerr, 0, format, ap);
    va_end(ap);
    if (rc != 0) {
        g_autofree char *reason = defis_quote(jerr.text, -1, DEFIS_QUOTE_MAX);
        g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST, "body: %s", reason);
        return FALSE;
    }
    return TRUE;
}

/* ---- Responses ----------------------------------------------------------------- */

void api_response_clear(ApiResponse *response)
{
    g_clear_pointer(&response->content_type, g_free);
    g_clear_pointer(&response->body, g_bytes_unref);
    g_clear_pointer(&response->headers, g_ptr_array_unref);
    response->status = 0;
}

static void set_body(ApiResponse *response, guint status, const char *content_type,
                     GBytes *bytes)
{
    response->status = status;
    g_free(response->content_type);
    response->content_type = g_strdup(content_type);
    if (response->body)
        g_bytes_unref(response->body);
    response->body = bytes;
}

/* The body sent when a JSON value cannot be written (a string that is not
 * valid UTF-8 reached a response: a bug, which the log names). */
static const char unwritable[] =
    "{\"error\":{\"code\":\"internal\",\"message\":\"internal error; the server log has "
    "details\"}}";

void api_response_json(ApiResponse *response, guint status, json_t *value)
{
    char *text = value ? json_dumps(value, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(value);
    if (!text) {
        g_warning("a response of status %u could not be written as JSON", status);
        status = 500;
        text = g_strdup(unwritable);
    }
    gsize length = strlen(text);
    /* A final newline makes curl output readable and costs one byte. */
    char *with_newline = g_realloc(text, length + 2);
    with_newline[length] = '\n';
    with_newline[length + 1] = '\0';
    set_body(response, status, "application/json",
             g_bytes_new_take(with_newline, length + 1));
}

void api_response_bytes(ApiResponse *response, guint status, const char *content_type,
                        GBytes *bytes)
{
    set_body(response, status, content_type, bytes ? g_bytes_ref(bytes) : NULL);
}

void api_response_header(ApiResponse *response, const char *name, const char *value)
{
    if (!response->headers)
        response->headers = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(response->headers, g_strdup(name));
    g_ptr_array_add(response->headers, g_strdup(value));
}

const char *api_response_get_header(const ApiResponse *response, const char *name)
{
    for (guint i = 0; response->headers && i + 1 < response->headers->len; i += 2)
        if (g_ascii_strcasecmp(g_ptr_array_index(response->headers, i), name) == 0)
            return g_ptr_array_index(response->headers, i + 1);
    return NULL;
}

void api_response_error(ApiResponse *response, const GError *error, json_t *details)
{
    ApiErrorStatus mapped;
    api_error_status(error, &mapped);
    /* Keep headers a handler set on purpose (Allow), drop the rest of the response. */
    g_autoptr(GPtrArray) headers = g_steal_pointer(&response->headers);
    api_response_clear(response);
    response->headers = g_steal_pointer(&headers);
    /* A 500 must not leak database details to the client; the log keeps them. */
    g_autofree char *message = defis_message_valid(
        mapped.status == 500 ? "internal error; the server log has details"
        : error              ? error->message
                             : "failed",
        4096);
    json_t *body = json_pack("{s:s, s:s}", "code", mapped.code, "message", message);
    if (details)
        json_object_set_new(body, "details", details);
    api_response_json(response, mapped.status, json_pack("{s:o}", "error", body));
    if (mapped.status == 401 && !api_response_get_header(response, "WWW-Authenticate"))
        api_response_header(response, "WWW-Authenticate", "Bearer realm=\"defis\"");
    if (mapped.retry_after) {
        char seconds[16];
        g_snprintf(seconds, sizeof seconds, "%u", mapped.retry_after);
        api_response_header(response, "Retry-After", seconds);
    }
}
