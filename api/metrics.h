/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* metrics.h - counters of the HTTP service, rendered in the Prometheus text format.
 *
 * Requests are counted by route and status, their durations in one histogram
 * per route; imports by outcome. Counters are lock-free atomics, so any thread
 * may record while another renders. */
#ifndef API_METRICS_H
#define API_METRICS_H

#include "engine/common.h"

typedef struct ApiMetrics ApiMetrics;

ApiMetrics *api_metrics_new(void);
void api_metrics_free(ApiMetrics *metrics);

/* Records one request of route ROUTE_INDEX (or -1 for requests no route
 * matched) answered with STATUS after SECONDS. */
void api_metrics_request(ApiMetrics *metrics, gssize route_index, guint status, double seconds);

/* Records one survey upload: OUTCOME "imported", "duplicate" or "rejected", and
 * what it stored. */
void api_metrics_import(ApiMetrics *metrics, const char *outcome, gint64 mentions,
                        gint64 challenges_created);

/* The Prometheus text exposition (version 0.0.4) of every counter, followed by
 * the gauges of NETWORKS (the JSON array of defis_network_list, may be NULL):
 * surveys, places and mentions per network, and OPEN_CHALLENGES (left out when
 * below 0). Caller frees. */
char *api_metrics_render(ApiMetrics *metrics, json_t *networks, gint64 open_challenges);

#endif
