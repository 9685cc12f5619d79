/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* metrics.c - counters of the HTTP service, rendered in the Prometheus text format. */
#include "api/metrics.h"

#include "api/routes.h"

/* The statuses counted one by one; any other falls in the last slot. */
static const guint statuses[] = {200, 201, 204, 304, 400, 401, 403, 404, 405, 406,
                                 409, 413, 415, 422, 429, 431, 500, 503, 0};
#define N_STATUSES G_N_ELEMENTS(statuses)

/* Upper bounds of the latency buckets, in seconds (+Inf is the count). */
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                 0.1,    0.25,  0.5,    1,     2.5,  5,     10};
#define N_BUCKETS G_N_ELEMENTS(buckets)

static const char *const outcomes[] = {"imported", "duplicate", "rejected"};
#define N_OUTCOMES G_N_ELEMENTS(outcomes)

typedef struct {
    guint64 by_status[N_STATUSES];
    guint64 le[N_BUCKETS]; /* not cumulative: the render adds up */
    guint64 count;
    guint64 sum_us;
} RouteCounters;

struct ApiMetrics {
    gsize n_routes;         /* api_routes_count + 1: the last counts unmatched requests */
    RouteCounters *routes;
    guint64 imports[N_OUTCOMES];
    guint64 mentions;
    guint64 challenges_created;
};

#define ADD(var, n) __atomic_fetch_add(&(var), (n), __ATOMIC_RELAXED)
#define GET(var) __atomic_load_n(&(var), __ATOMIC_RELAXED)

ApiMetrics *api_metrics_new(void)
{
    ApiMetrics *m = g_new0(ApiMetrics, 1);
    m->n_routes = api_routes_count + 1;
    m->routes = g_new0(RouteCounters, m->n_routes);
    return m;
}

void api_metrics_free(ApiMetrics *metrics)
{
    if (!metrics)
        return;
    g_free(metrics->routes);
    g_free(metrics);
}

void api_metrics_request(ApiMetrics *metrics, gssize route_index, guint status, double seconds)
{
    gsize r = route_index < 0 || (gsize)route_index >= api_routes_count ? api_routes_count
                                                                          : (gsize)route_index;
    RouteCounters *c = &metrics->routes[r];
    gsize s = 0;
    while (statuses[s] && statuses[s] != status)
        s++;
    ADD(c->by_status[s], 1);
    for (gsize b = 0; b < N_BUCKETS; b++) {
        if (seconds <= buckets[b]) {
            ADD(c->le[b], 1);
            break;
        }
    }
    ADD(c->count, 1);
    ADD(c->sum_us, (guint64)(seconds * 1e6));
}

void api_metrics_import(ApiMetrics *metrics, const char *outcome, gint64 mentions,
                        gint64 challenges_created)
{
    for (gsize i = 0; i < N_OUTCOMES; i++)
        if (g_strcmp0(outcome, outcomes[i]) == 0)
            ADD(metrics->imports[i], 1);
    ADD(metrics->mentions, (guint64)MAX(mentions, 0));
    ADD(metrics->challenges_created, (guint64)MAX(challenges_created, 0));
}

/* Appends VALUE as a Prometheus label value: \ " and newline escaped. */
static void label_value(GString *out, const char *value)
{
    g_string_append_c(out, '"');
    for (const char *p = value ? value : ""; *p; p++) {
        if (*p == '\\' || *p == '"')
            g_string_append_c(out, '\\');
        if (*p == '\n')
            g_string_append(out, "\\n");
        else
            g_string_append_c(out, *p);
    }
    g_string_append_c(out, '"');
}

static void route_labels(GString *out, gsize r)
{
    g_string_append(out, "method=");
    label_value(out, r < api_routes_count ? api_routes[r].method : "");
    g_string_append(out, ",route=");
    label_value(out, r < api_routes_count ? api_routes[r].pattern : "unmatched");
}

char *api_metrics_render(ApiMetrics *metrics, json_t *networks, gint64 open_challenges)
{
    GString *out = g_string_new(NULL);
    g_string_append(out, "# HELP defis_http_requests_total HTTP requests by route and status.\n"
                         "# TYPE defis_http_requests_total counter\n");
    for (gsize r = 0; r < metrics->n_routes; r++) {
        for (gsize s = 0; s < N_STATUSES; s++) {
            guint64 n = GET(metrics->routes[r].by_status[s]);
            if (!n)
                continue;
            g_string_append(out, "defis_http_requests_total{");
            route_labels(out, r);
            if (statuses[s])
                g_string_append_printf(out, ",status=\"%u\"} %" G_GUINT64_FORMAT "\n",
                                       statuses[s], n);
            else
                g_string_append_printf(out, ",status=\"other\"} %" G_GUINT64_FORMAT "\n", n);
        }
    }
    g_string_append(out, "# HELP defis_http_request_duration_seconds Time to answer a request.\n"
                         "# TYPE defis_http_request_duration_seconds histogram\n");
    for (gsize r = 0; r < metrics->n_routes; r++) {
        RouteCounters *c = &metrics->routes[r];
        guint64 count = GET(c->count);
        if (!count)
            continue;
        guint64 cumulative = 0;
        for (gsize b = 0; b < N_BUCKETS; b++) {
            cumulative += GET(c->le[b]);
            g_string_append(out, "defis_http_request_duration_seconds_bucket{");
            route_labels(out, r);
            g_string_append_printf(out, ",le=\"%g\"} %" G_GUINT64_FORMAT "\n", buckets[b],
                                   cumulative);
        }
        g_string_append(out, "defis_http_request_duration_seconds_bucket{");
        route_labels(out, r);
        g_string_append_printf(out, ",le=\"+Inf\"} %" G_GUINT64_FORMAT "\n", count);
        g_string_append(out, "defis_http_request_duration_seconds_sum{");
        route_labels(out, r);
        g_string_append_printf(out, "} %.6f\n", (double)GET(c->sum_us) / 1e6);
        g_string_append(out, "defis_http_request_duration_seconds_count{");
        route_labels(out, r);
        g_string_append_printf(out, "} %" G_GUINT64_FORMAT "\n", count);
    }
    g_string_append(out, "# HELP defis_imports_total Survey uploads by outcome.\n"
                         "# TYPE defis_imports_total counter\n");
    for (gsize i = 0; i < N_OUTCOMES; i++)
        g_string_append_printf(out, "defis_imports_total{outcome=\"%s\"} %" G_GUINT64_FORMAT "\n",
                               outcomes[i], GET(metrics->imports[i]));
    g_string_append_printf(
        out,
        "# HELP defis_imported_mentions_total Mentions stored by uploads to this process.\n"
        "# TYPE defis_imported_mentions_total counter\n"
        "defis_imported_mentions_total %" G_GUINT64_FORMAT "\n"
        "# HELP defis_challenges_created_total Challenges created by uploads to this process.\n"
        "# TYPE defis_challenges_created_total counter\n"
        "defis_challenges_created_total %" G_GUINT64_FORMAT "\n",
        GET(metrics->mentions), GET(metrics->challenges_created));
    if (open_challenges >= 0)
        g_string_append_printf(out,
                               "# HELP defis_challenges Open challenges (neither merged nor "
                               "archived).\n# TYPE defis_challenges gauge\n"
                               "defis_challenges %" G_GINT64_FORMAT "\n",
                               open_challenges);

    static const char *const gauges[][2] = {
        {"surveys", "Surveys stored, by network."},
        {"places", "Places that answered, by network."},
        {"mentions", "Mentions stored, by network."},
    };
    for (gsize g = 0; networks && g < G_N_ELEMENTS(gauges); g++) {
        g_string_append_printf(out, "# HELP defis_%s %s\n# TYPE defis_%s gauge\n", gauges[g][0],
                               gauges[g][1], gauges[g][0]);
        size_t i;
        json_t *n;
        json_array_foreach(networks, i, n)
        {
            g_string_append_printf(out, "defis_%s{network=", gauges[g][0]);
            label_value(out, json_string_value(json_object_get(n, "name")));
            g_string_append_printf(out, "} %" JSON_INTEGER_FORMAT "\n",
                                   json_integer_value(json_object_get(n, gauges[g][0])));
        }
    }
    return g_string_free(out, FALSE);
}
