/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* peers.h - the service's open connections and their deadlines, against slow clients.
 *
 * libmicrohttpd's connection timeout is an idle timeout that each byte restarts:
 * a client sending its headers a byte a second holds a connection forever, and
 * enough of them hold every connection the service has. Here each connection
 * has a deadline for the head of each request (from its opening, or from the
 * end of its previous request) and one for the body; a thread shuts down the
 * socket of a connection past its deadline, and libmicrohttpd then closes it.
 * Under pressure (three quarters of the connections of the service, or of one
 * address, open) a head gets one second: a real client sends its head in one
 * packet. Nothing here knows libmicrohttpd; server.c tells it what happens. */
#ifndef API_PEERS_H
#define API_PEERS_H

#include <glib.h>
#include <sys/socket.h>

typedef struct ApiPeers ApiPeers;
typedef struct ApiPeer ApiPeer;

/* Deadlines in seconds; the pressure thresholds are 3/4 of MAX_CONNECTIONS and
 * of PER_ADDRESS. Starts the thread that enforces them. */
ApiPeers *api_peers_start(guint header_timeout, guint body_timeout, guint max_connections,
                          guint per_address);
/* Stops the thread and frees what is left. */
void api_peers_stop(ApiPeers *peers);

/* A connection opened on socket FD from ADDR (LENGTH bytes); its head deadline
 * starts now. The peer lives until api_peers_remove, which must come before
 * the socket is closed. */
ApiPeer *api_peers_add(ApiPeers *peers, int fd, const struct sockaddr *addr, socklen_t length);
void api_peers_remove(ApiPeers *peers, ApiPeer *peer);

/* The head of the current request is in: the body deadline starts. */
void api_peers_head_done(ApiPeers *peers, ApiPeer *peer);
/* The whole request is in: no deadline while it is answered. */
void api_peers_body_done(ApiPeers *peers, ApiPeer *peer);
/* The connection was answered outside libmicrohttpd: cut it off in a second. */
void api_peers_doom(ApiPeers *peers, ApiPeer *peer);
/* The request is answered: the next head's deadline starts. */
void api_peers_request_done(ApiPeers *peers, ApiPeer *peer);

/* Connections shut down for passing a deadline, since the start. */
guint64 api_peers_dropped(ApiPeers *peers);

#endif
