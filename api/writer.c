/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* writer.c - the service's one writer thread and its bounded queue. */
#include "api/writer.h"

#include "engine/error.h"

struct ApiWriter {
    ApiContext *context;
    ApiWorker *worker;
    GAsyncQueue *jobs; /* of Job; a Job with no function stops the thread */
    gint pending;      /* reserved, queued or running */
    GThread *thread;
};

typedef struct {
    ApiWriteJob run;
    gpointer data;
} Job;

static gpointer writer_main(gpointer data)
{
    ApiWriter *writer = data;
    for (;;) {
        Job *job = g_async_queue_pop(writer->jobs);
        ApiWriteJob run = job->run;
        if (run) {
            api_worker_refresh(writer->worker);
            run(writer->worker, job->data);
        }
        g_free(job);
        if (!run)
            return NULL;
        g_atomic_int_add(&writer->pending, -1);
    }
}

ApiWriter *api_writer_start(ApiContext *context, GError **error)
{
    ApiWorker *worker = api_worker_new(context, error);
    if (!worker)
        return NULL;
    ApiWriter *writer = g_new0(ApiWriter, 1);
    writer->context = context;
    writer->worker = worker;
    writer->jobs = g_async_queue_new();
    writer->thread = g_thread_new("defis-writer", writer_main, writer);
    return writer;
}

gboolean api_writer_reserve(ApiWriter *writer, GError **error)
{
    guint max = writer->context->config->max_queued_writes;
    gint before = g_atomic_int_add(&writer->pending, 1);
    if ((guint)before > max) {
        g_atomic_int_add(&writer->pending, -1);
        g_set_error(error, API_ERROR, API_ERROR_TOO_MANY,
                    "%d writes are queued already; retry in a moment", before - 1);
        return FALSE;
    }
    return TRUE;
}

void api_writer_push(ApiWriter *writer, ApiWriteJob job, gpointer data)
{
    g_return_if_fail(job != NULL);
    Job *item = g_new(Job, 1);
    *item = (Job){job, data};
    g_async_queue_push(writer->jobs, item);
}

guint api_writer_pending(ApiWriter *writer)
{
    return (guint)g_atomic_int_get(&writer->pending);
}

void api_writer_stop(ApiWriter *writer)
{
    if (!writer)
        return;
    g_async_queue_push(writer->jobs, g_new0(Job, 1));
    g_thread_join(writer->thread);
    g_async_queue_unref(writer->jobs);
    g_free(writer);
}
