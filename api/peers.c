/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* peers.c - open connections, their deadlines, and the thread that enforces them. */
#include "api/peers.h"

#include <netinet/in.h>
#include <string.h>

typedef enum { PHASE_HEAD, PHASE_BODY, PHASE_ANSWER, PHASE_DOOMED } Phase;

struct ApiPeer {
    int fd;
    char *address; /* the client's address bytes, the key of the per-address counts */
    Phase phase;
    gint64 since; /* start of the current phase, monotonic microseconds */
    gboolean dropped;
};

struct ApiPeers {
    gint64 header_us, body_us;
    guint max_connections, per_address;
    GMutex lock;
    GCond wake;
    gboolean stopping;
    GHashTable *open;      /* ApiPeer * set */
    GHashTable *addresses; /* address -> open connections (GUINT_TO_POINTER) */
    guint64 dropped;
    GThread *thread;
};

/* The address part of ADDR as a string key (the port left out). */
static char *address_key(const struct sockaddr *addr, socklen_t length)
{
    if (addr && addr->sa_family == AF_INET && length >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)addr;
        return g_strdup_printf("4:%08x", in->sin_addr.s_addr);
    }
    if (addr && addr->sa_family == AF_INET6 && length >= sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)addr;
        GString *key = g_string_new("6:");
        for (gsize i = 0; i < 16; i++)
            g_string_append_printf(key, "%02x", in6->sin6_addr.s6_addr[i]);
        return g_string_free(key, FALSE);
    }
    return g_strdup("?");
}

/* Shuts down every connection past its deadline; PEERS->lock held. */
static void sweep(ApiPeers *peers, gint64 now)
{
    gboolean crowded = (guint64)g_hash_table_size(peers->open) * 4 >=
                       (guint64)peers->max_connections * 3;
    GHashTableIter iter;
    gpointer key;
    g_hash_table_iter_init(&iter, peers->open);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        ApiPeer *peer = key;
        if (peer->dropped || peer->phase == PHASE_ANSWER)
            continue;
        gint64 limit = peer->phase == PHASE_BODY     ? peers->body_us
                       : peer->phase == PHASE_DOOMED ? G_USEC_PER_SEC
                                                     : peers->header_us;
        if (peer->phase == PHASE_HEAD) {
            guint same = GPOINTER_TO_UINT(g_hash_table_lookup(peers->addresses, peer->address));
            if (crowded || (guint64)same * 4 >= (guint64)peers->per_address * 3)
                limit = MIN(limit, G_USEC_PER_SEC);
        }
        if (now - peer->since > limit) {
            /* The socket stays open until libmicrohttpd closes it, after
             * api_peers_remove: the descriptor cannot be another's meanwhile. */
            shutdown(peer->fd, SHUT_RDWR);
            peer->dropped = TRUE;
            peers->dropped++;
        }
    }
}

static gpointer peers_main(gpointer data)
{
    ApiPeers *peers = data;
    g_mutex_lock(&peers->lock);
    while (!peers->stopping) {
        gint64 end = g_get_monotonic_time() + G_USEC_PER_SEC / 5;
        while (!peers->stopping && g_cond_wait_until(&peers->wake, &peers->lock, end))
            ;
        if (!peers->stopping)
            sweep(peers, g_get_monotonic_time());
    }
    g_mutex_unlock(&peers->lock);
    return NULL;
}

ApiPeers *api_peers_start(guint header_timeout, guint body_timeout, guint max_connections,
                          guint per_address)
{
    ApiPeers *peers = g_new0(ApiPeers, 1);
    peers->header_us = (gint64)header_timeout * G_USEC_PER_SEC;
    peers->body_us = (gint64)body_timeout * G_USEC_PER_SEC;
    peers->max_connections = max_connections;
    peers->per_address = per_address;
    g_mutex_init(&peers->lock);
    g_cond_init(&peers->wake);
    peers->open = g_hash_table_new(g_direct_hash, g_direct_equal);
    peers->addresses = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    peers->thread = g_thread_new("defis-peers", peers_main, peers);
    return peers;
}

static void peer_free(ApiPeer *peer)
{
    g_free(peer->address);
    g_free(peer);
}

void api_peers_stop(ApiPeers *peers)
{
    if (!peers)
        return;
    g_mutex_lock(&peers->lock);
    peers->stopping = TRUE;
    g_cond_signal(&peers->wake);
    g_mutex_unlock(&peers->lock);
    g_thread_join(peers->thread);
    GHashTableIter iter;
    gpointer key;
    g_hash_table_iter_init(&iter, peers->open);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        peer_free(key);
    g_hash_table_unref(peers->open);
    g_hash_table_unref(peers->addresses);
    g_mutex_clear(&peers->lock);
    g_cond_clear(&peers->wake);
    g_free(peers);
}

ApiPeer *api_peers_add(ApiPeers *peers, int fd, const struct sockaddr *addr, socklen_t length)
{
    ApiPeer *peer = g_new0(ApiPeer, 1);
    peer->fd = fd;
    peer->address = address_key(addr, length);
    peer->phase = PHASE_HEAD;
    peer->since = g_get_monotonic_time();
    g_mutex_lock(&peers->lock);
    g_hash_table_add(peers->open, peer);
    guint same = GPOINTER_TO_UINT(g_hash_table_lookup(peers->addresses, peer->address));
    g_hash_table_replace(peers->addresses, g_strdup(peer->address), GUINT_TO_POINTER(same + 1));
    g_mutex_unlock(&peers->lock);
    return peer;
}

void api_peers_remove(ApiPeers *peers, ApiPeer *peer)
{
    if (!peer)
        return;
    g_mutex_lock(&peers->lock);
    g_hash_table_remove(peers->open, peer);
    guint same = GPOINTER_TO_UINT(g_hash_table_lookup(peers->addresses, peer->address));
    if (same <= 1)
        g_hash_table_remove(peers->addresses, peer->address);
    else
        g_hash_table_replace(peers->addresses, g_strdup(peer->address),
                             GUINT_TO_POINTER(same - 1));
    g_mutex_unlock(&peers->lock);
    peer_free(peer);
}

static void set_phase(ApiPeers *peers, ApiPeer *peer, Phase phase)
{
    if (!peer)
        return;
    g_mutex_lock(&peers->lock);
    peer->phase = phase;
    peer->since = g_get_monotonic_time();
    g_mutex_unlock(&peers->lock);
}

void api_peers_head_done(ApiPeers *peers, ApiPeer *peer)
{
    set_phase(peers, peer, PHASE_BODY);
}

void api_peers_body_done(ApiPeers *peers, ApiPeer *peer)
{
    set_phase(peers, peer, PHASE_ANSWER);
}

void api_peers_doom(ApiPeers *peers, ApiPeer *peer)
{
    set_phase(peers, peer, PHASE_DOOMED);
}

void api_peers_request_done(ApiPeers *peers, ApiPeer *peer)
{
    set_phase(peers, peer, PHASE_HEAD);
}

guint64 api_peers_dropped(ApiPeers *peers)
{
    g_mutex_lock(&peers->lock);
    guint64 n = peers->dropped;
    g_mutex_unlock(&peers->lock);
    return n;
}
