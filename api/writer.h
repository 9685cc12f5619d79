/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* writer.h - the service's one writer: a thread of its own that runs the writes one at
 * a time, in the order they came, on its own store connection.
 *
 * The pool's threads only receive requests and answer reads; a write waits in
 * this bounded queue, not on a pool thread, so that reads never wait for an
 * upload (SQLite's WAL lets them read while it writes). The writer knows
 * nothing of HTTP: a job is a function and its data. */
#ifndef API_WRITER_H
#define API_WRITER_H

#include "api/server.h"

/* Runs on the writer thread with the writer's worker (its store, its caches). */
typedef void (*ApiWriteJob)(ApiWorker *writer, gpointer data);

typedef struct ApiWriter ApiWriter;

/* Opens the writer's store connection for CONTEXT and starts its thread.
 * NULL with the store's error. */
ApiWriter *api_writer_start(ApiContext *context, GError **error);

/* Takes a place in the queue: FALSE with API_ERROR_TOO_MANY when
 * config->max_queued_writes writes wait already besides the one running.
 * Every TRUE must be followed by exactly one api_writer_push. */
gboolean api_writer_reserve(ApiWriter *writer, GError **error);
/* Queues JOB with DATA in the place reserved; the job runs after those queued
 * before it. */
void api_writer_push(ApiWriter *writer, ApiWriteJob job, gpointer data);

/* Writes queued or running. */
guint api_writer_pending(ApiWriter *writer);

/* Stops the thread once the queue is empty and frees the writer (its worker
 * stays registered in the context, closed with it). NULL is ignored. */
void api_writer_stop(ApiWriter *writer);

#endif
