/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* router.c - from a method and a path to a route of the table, then to a response. */
#include "api/router.h"

#include <stdlib.h>
#include <string.h>

#include "api/auth.h"
#include "api/server.h"
#include "engine/error.h"

/* ---- Matching -------------------------------------------------------------------- */

/* Orders an array of strings; A and B point to elements. */
static gint compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void api_router_params_clear(char *params[API_MAX_PARAMS])
{
    for (int i = 0; i < API_MAX_PARAMS; i++)
        g_clear_pointer(&params[i], g_free);
}

gboolean api_router_pattern_match(const char *pattern, const char *path,
                                  char *params[API_MAX_PARAMS])
{
    const char *p = pattern, *s = path;
    int n = 0;
    char *found[API_MAX_PARAMS] = {NULL};
    while (*p && *s) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            g_assert(close != NULL && n < API_MAX_PARAMS);
            const char *end = strchr(s, '/');
            if (!end)
                end = s + strlen(s);
            if (end == s)
                break; /* an empty segment matches no parameter */
            found[n++] = g_strndup(s, (gsize)(end - s));
            p = close + 1;
            s = end;
        } else if (*p == *s) {
            p++;
            s++;
        } else {
            break;
        }
    }
    gboolean ok = *p == '\0' && *s == '\0';
    for (int i = 0; i < API_MAX_PARAMS; i++) {
        if (ok && params)
            params[i] = found[i];
        else
            g_free(found[i]);
    }
    return ok;
}

const ApiRoute *api_router_match(const ApiRoute *table, gsize n, const char *method,
                                 const char *path, char *params[API_MAX_PARAMS], char **allow,
                                 GError **error)
{
    gboolean head = strcmp(method, "HEAD") == 0;
    g_autoptr(GPtrArray) methods = g_ptr_array_new();
    for (gsize i = 0; i < n; i++) {
        const ApiRoute *route = &table[i];
        if (!api_router_pattern_match(route->pattern, path, NULL))
            continue;
        if (strcmp(route->method, method) == 0 || (head && strcmp(route->method, "GET") == 0)) {
            api_router_pattern_match(route->pattern, path, params);
            return route;
        }
        if (!g_ptr_array_find_with_equal_func(methods, route->method, g_str_equal, NULL))
            g_ptr_array_add(methods, (gpointer)route->method);
        if (strcmp(route->method, "GET") == 0 &&
            !g_ptr_array_find_with_equal_func(methods, "HEAD", g_str_equal, NULL))
            g_ptr_array_add(methods, (gpointer) "HEAD");
    }
    if (methods->len == 0) {
        g_autofree char *quoted = defis_quote(path, -1, DEFIS_QUOTE_MAX);
        g_set_error(error, API_ERROR, API_ERROR_NO_ROUTE, "no such path: %s", quoted);
        return NULL;
    }
    g_ptr_array_sort(methods, compare_strings);
    g_ptr_array_add(methods, NULL);
    g_autofree char *list = g_strjoinv(", ", (char **)methods->pdata);
    g_autofree char *quoted_method = defis_quote(method, -1, 32);
    g_autofree char *quoted_path = defis_quote(path, -1, DEFIS_QUOTE_MAX);
    g_set_error(error, API_ERROR, API_ERROR_METHOD, "%s is not allowed on %s (allowed: %s)",
                quoted_method, quoted_path, list);
    if (allow)
        *allow = g_steal_pointer(&list);
    return NULL;
}

/* ---- Dispatch --------------------------------------------------------------------- */

/* TRUE when the media type CONTENT_TYPE is one of the route's body types. */
static gboolean accepts(const ApiRoute *route, const char *content_type)
{
    if (!content_type)
        return FALSE;
    g_auto(GStrv) types = g_strsplit(route->body_types, " ", -1);
    return g_strv_contains((const char *const *)types, content_type);
}

/* TRUE when METHOD is an HTTP token (RFC 9110, 5.6.2) of at most 32 bytes. */
static gboolean method_valid(const char *method)
{
    gsize n = 0;
    for (const char *p = method; *p; p++, n++)
        if (!g_ascii_isalnum(*p) && !strchr("!#$%&'*+-.^_`|~", *p))
            return FALSE;
    return n > 0 && n <= 32;
}

/* FALSE with API_ERROR_BAD_REQUEST when the method is not a token, or the
 * decoded path or a query name or value is not valid UTF-8 (or the path holds
 * a control character): nothing that follows has to handle such bytes, and
 * the message quotes them escaped. */
static gboolean check_text(const ApiRequest *request, GError **error)
{
    if (!method_valid(request->method)) {
        g_autofree char *quoted = defis_quote(request->method, -1, 32);
        g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST, "the method \"%s\" is not valid",
                    quoted);
        return FALSE;
    }
    gboolean control = FALSE;
    for (const char *p = request->path; *p && !control; p++)
        control = (guchar)*p < 0x20 || *p == 0x7f;
    if (control || !g_utf8_validate(request->path, -1, NULL)) {
        g_autofree char *quoted = defis_quote(request->path, -1, DEFIS_QUOTE_MAX);
        g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST,
                    "the path \"%s\" is not valid UTF-8 text once decoded", quoted);
        return FALSE;
    }
    if (!request->query)
        return TRUE;
    GHashTableIter iter;
    gpointer name, value;
    g_hash_table_iter_init(&iter, request->query);
    while (g_hash_table_iter_next(&iter, &name, &value)) {
        const char *bad = !g_utf8_validate(name, -1, NULL)    ? "name"
                          : !g_utf8_validate(value, -1, NULL) ? "value"
                                                              : NULL;
        if (bad) {
            g_autofree char *quoted_name = defis_quote(name, -1, DEFIS_QUOTE_MAX);
            g_set_error(error, API_ERROR, API_ERROR_BAD_REQUEST,
                        "the %s of query parameter \"%s\" is not valid UTF-8 once decoded", bad,
                        quoted_name);
            return FALSE;
        }
    }
    return TRUE;
}

gboolean api_router_prepare(ApiRequest *request, const char *authorization,
                            ApiResponse *response)
{
    GError *error = NULL;
    g_autofree char *allow = NULL;
    if (!check_text(request, &error)) {
        api_response_error(response, error, NULL);
        g_error_free(error);
        return FALSE;
    }
    request->route = api_router_match(api_routes, api_routes_count, request->method,
                                      request->path, request->params, &allow, &error);
    if (!request->route) {
        if (allow)
            api_response_header(response, "Allow", allow);
        api_response_error(response, error, NULL);
        g_error_free(error);
        return FALSE;
    }
    if (request->worker)
        api_worker_refresh(request->worker);
    if (request->route->roles != API_PUBLIC) {
        request->token =
            api_auth_check(request->worker, authorization, request->route->roles, &error);
        if (!request->token) {
            api_response_error(response, error, NULL);
            g_error_free(error);
            return FALSE;
        }
    }
    if (request->route->body_types && !accepts(request->route, request->content_type)) {
        g_set_error(&error, API_ERROR, API_ERROR_MEDIA_TYPE,
                    "send the body with a Content-Type of: %s", request->route->body_types);
        api_response_error(response, error, NULL);
        g_error_free(error);
        return FALSE;
    }
    return TRUE;
}

char *api_router_cache_key(const ApiRequest *request)
{
    GString *key = g_string_new(request->route ? request->route->pattern : request->path);
    g_string_append_c(key, '?');
    if (request->query) {
        g_autofree gpointer *names =
            g_hash_table_get_keys_as_array(request->query, NULL);
        guint n = g_hash_table_size(request->query);
        qsort(names, n, sizeof(gpointer), compare_strings);
        for (guint i = 0; i < n; i++) {
            if (i)
                g_string_append_c(key, '&');
            g_string_append_uri_escaped(key, names[i], NULL, FALSE);
            g_string_append_c(key, '=');
            g_string_append_uri_escaped(key, g_hash_table_lookup(request->query, names[i]),
                                        NULL, FALSE);
        }
    }
    return g_string_free(key, FALSE);
}

/* FALSE with API_ERROR_BAD_REQUEST when the query names a parameter the route
 * does not describe: a typo must not silently fall back to a default. */
static gboolean check_query(const ApiRequest *request, GError **error)
{
    g_autoptr(GPtrArray) known = g_ptr_array_new();
    for (const ApiParam *p = request->route->params; p && p->name; p++)
        if (strcmp(p->in, "query") == 0)
            g_ptr_array_add(known, (gpointer)p->name);
    g_ptr_array_add(known, NULL);
    return api_query_check(request, (const char *const *)known->pdata, error);
}

static ApiResponse *response_copy(const ApiResponse *from)
{
    ApiResponse *copy = g_new0(ApiResponse, 1);
    api_response_bytes(copy, from->status, from->content_type, from->body);
    for (guint i = 0; from->headers && i + 1 < from->headers->len; i += 2)
        api_response_header(copy, g_ptr_array_index(from->headers, i),
                            g_ptr_array_index(from->headers, i + 1));
    return copy;
}

void api_router_run(ApiRequest *request, ApiResponse *response)
{
    g_return_if_fail(request->route != NULL);
    const ApiRoute *route = request->route;
    ApiWorker *worker = request->worker;
    gboolean cached = (route->flags & API_CACHED) && worker && worker->responses &&
                      worker->context->config->cache_entries > 0;
    g_autofree char *key = cached ? api_router_cache_key(request) : NULL;
    if (cached) {
        const ApiResponse *hit = g_hash_table_lookup(worker->responses, key);
        if (hit) {
            api_response_bytes(response, hit->status, hit->content_type, hit->body);
            for (guint i = 0; hit->headers && i + 1 < hit->headers->len; i += 2)
                api_response_header(response, g_ptr_array_index(hit->headers, i),
                                    g_ptr_array_index(hit->headers, i + 1));
            return;
        }
    }
    GError *error = NULL;
    if (!check_query(request, &error) || !route->handler(request, response, &error)) {
        if (!error) { /* a bug: a handler that fails must say why */
            g_critical("%s %s failed without an error", route->method, route->pattern);
            g_set_error(&error, DEFIS_ERROR, DEFIS_ERROR_STORE, "handler failed");
        }
        api_response_error(response, error, NULL);
        g_error_free(error);
        return;
    }
    if (cached && response->status == 200) {
        if (g_hash_table_size(worker->responses) >= worker->context->config->cache_entries)
            g_hash_table_remove_all(worker->responses);
        g_hash_table_insert(worker->responses, g_steal_pointer(&key), response_copy(response));
    }
}
