/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* openapi.c - the OpenAPI 3.1 description of the service, generated from the route table. */
#include "api/openapi.h"

#include <string.h>

#include "api/routes.h"

static json_t *error_response(const char *description)
{
    return json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", description, "content",
                     "application/json", "schema", "$ref", "#/components/schemas/Error");
}

static json_t *operation(const ApiRoute *route)
{
    json_t *op = json_object();
    json_object_set_new(op, "summary", json_string(route->summary));
    g_autofree char *id = g_strdup_printf("%s %s", route->method, route->pattern);
    json_object_set_new(op, "operationId", json_string(id));

    json_t *roles = json_array();
    for (int r = 0; r < DEFIS_ROLE_COUNT; r++)
        if (route->roles & API_ROLE(r))
            json_array_append_new(roles, json_string(defis_role_name((DefisRole)r)));
    json_object_set_new(op, "x-defis-roles", roles);
    json_object_set_new(op, "security", route->roles == API_PUBLIC
                                            ? json_array()
                                            : json_pack("[{s:[]}]", "bearer"));

    json_t *params = json_array();
    for (const ApiParam *p = route->params; p && p->name; p++)
        json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:s, s:{s:s}}", "name", p->name,
                                                "in", p->in, "required", strcmp(p->in, "path") == 0,
                                                "description", p->description, "schema", "type",
                                                p->type));
    json_object_set_new(op, "parameters", params);

    if (route->body_types) {
        json_t *content = json_object();
        g_auto(GStrv) types = g_strsplit(route->body_types, " ", -1);
        for (char **t = types; *t; t++)
            json_object_set_new(content, *t,
                                json_pack("{s:{s:s}}", "schema", "type",
                                          strcmp(*t, "application/json") == 0 ? "object"
                                                                              : "string"));
        json_object_set_new(op, "requestBody",
                            json_pack("{s:b, s:o}", "required", TRUE, "content", content));
    }

    json_t *responses = json_object();
    char status[8];
    g_snprintf(status, sizeof status, "%u", route->success);
    json_object_set_new(responses, status,
                        json_pack("{s:s, s:{s:{}}}", "description", "success", "content",
                                  route->success_type));
    if (route->params || route->body_types)
        json_object_set_new(responses, "400", error_response("a malformed request"));
    if (route->roles != API_PUBLIC) {
        json_object_set_new(responses, "401", error_response("no token, or an unknown one"));
        json_object_set_new(responses, "403", error_response("a role this route does not allow"));
    }
    if (strchr(route->pattern, '{') || route->body_types)
        json_object_set_new(responses, "404", error_response("a named thing does not exist"));
    if (route->body_types) {
        json_object_set_new(responses, "409", error_response("a conflict with what exists"));
        json_object_set_new(responses, "413", error_response("the body passes a limit"));
        json_object_set_new(responses, "415", error_response("a body of another media type"));
        json_object_set_new(responses, "422", error_response("a survey file with problems"));
        json_object_set_new(responses, "429", error_response("too many writes queued"));
    }
    json_object_set_new(responses, "503", error_response("the store is busy; retry"));
    json_object_set_new(op, "responses", responses);
    return op;
}

json_t *api_openapi_document(void)
{
    json_t *paths = json_object();
    for (gsize i = 0; i < api_routes_count; i++) {
        const ApiRoute *route = &api_routes[i];
        json_t *item = json_object_get(paths, route->pattern);
        if (!item) {
            item = json_object();
            json_object_set_new(paths, route->pattern, item);
        }
        g_autofree char *method = g_ascii_strdown(route->method, -1);
        json_object_set_new(item, method, operation(route));
    }
    return json_pack(
        "{s:s, s:{s:s, s:s, s:s, s:{s:s, s:s}}, s:o, s:{s:{s:{s:s, s:s}}, s:{s:{s:s, s:[s], "
        "s:{s:{s:s, s:[s, s], s:{s:{s:s}, s:{s:s}, s:{}}}}}}}}",
        "openapi", "3.1.0", "info", "title", "defis", "version", DEFIS_VERSION, "description",
        "Collect, deduplicate and rank the challenges of third-places; serve shortlists.",
        "license", "name", "AGPL-3.0-or-later", "identifier", "AGPL-3.0-or-later", "paths",
        paths, "components", "securitySchemes", "bearer", "type", "http", "scheme", "bearer",
        "schemas", "Error", "type", "object", "required", "error", "properties", "error",
        "type", "object", "required", "code", "message", "properties", "code", "type",
        "string", "message", "type", "string", "details");
}
