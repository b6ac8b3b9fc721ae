/* SPDX-License-Identifier: MIT */
/*
 * http/guard.c: connection limits and deadlines (docs/httpd.md "Limits").
 *
 * libmicrohttpd's timeouts are idle timeouts: a client that sends one byte
 * now and then keeps its connection, and enough of them keep every slot. So
 * the guard keeps deadlines of its own, absolute from when they start:
 *
 *   - the whole handshake, from the connection's start (or the NEGOTIATE
 *     that starts a new handshake on an authenticated connection), must be
 *     done within --handshake-timeout: the request headers, the 401s, the
 *     NEGOTIATE and the AUTHENTICATE, however they trickle in;
 *   - once authenticated, each request's headers must be in within
 *     --header-timeout of its request line.
 *
 * A thread closes the connections past a deadline (a reset of the socket,
 * close_conn: the connection's own thread then sees the error and
 * libmicrohttpd closes it). At --max-connections, a newcomer closes an unauthenticated
 * connection of the address that holds the most (victim_for) instead of
 * being refused, so slow handshakes cannot keep other clients out; with none
 * to close, it is refused. --max-per-ip caps what one address holds. Every refusal, eviction
 * and timeout is an audit event (rate limited, fe_live_event).
 *
 * A refused connection is held, never served, until the guard's next tick
 * (at most TICK_MS), then reset: a client that reconnects the moment it is
 * refused (an attacker's loop, or a client's retry) otherwise turns each
 * refusal into a busy loop of accept, refusal and reconnection that both
 * sides pay for in CPU, at the expense of the clients being served. At most
 * held_max(limit) are held; beyond that a refusal closes at once, as before.
 *
 * The list of connections and each connection's guard fields are under
 * one lock. A connection leaves the list in libmicrohttpd's "closed"
 * notification, which comes before its socket is closed, so a reset here
 * never hits a reused descriptor.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "conn.h"

#define TICK_MS 100 /* how often deadlines are checked */

/* Refused connections held at once, at most (within the slack libmicrohttpd
 * is given over --max-connections, httpd_guard_hard_limit, half of it). */
static unsigned held_max(unsigned max_connections)
{
	unsigned slack = max_connections / 4;
	return (slack < 32 ? 32 : slack) / 2;
}

/* Set by httpd_guard_accept for the connection it lets in only to hold it:
 * libmicrohttpd calls httpd_guard_add for that connection next, on the
 * same thread (each accept calls httpd_guard_accept first, which resets it). */
static _Thread_local bool hold_next;

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool running, stop;
	struct hconn *head, *tail; /* oldest first */
	unsigned count;		   /* connections in the list not being closed */
	unsigned held;		   /* refused connections held (hconn.held) */
	struct pollfd *pfd;	   /* reclaim_closed's, pfd_cap of them */
	unsigned pfd_cap;
	int64_t reclaimed_at; /* ms: the last reclaim_closed over all */
} G = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

unsigned httpd_guard_hard_limit(unsigned max_connections)
{
	unsigned slack = max_connections / 4;
	return max_connections + (slack < 32 ? 32 : slack);
}

/*
 * Connections (not being closed) per client address, so that a newcomer's
 * check costs a lookup, not a walk of every connection: a chained hash
 * table under the guard's lock; an entry lives while its address has a
 * connection in the list. Each entry also lists its connections, oldest
 * first, and counts the unauthenticated ones, and the entries are on a list
 * of their own: an eviction walks the addresses, not the connections.
 */
#define ADDR_BUCKETS 4096u

struct addr_count {
	struct addr_count *next;	    /* in its bucket */
	struct addr_count *l_prev, *l_next; /* in the list of all (G.addrs) */
	struct hconn *head, *tail;	    /* its n connections, oldest first (hconn.a_next) */
	unsigned n;
	unsigned unauth; /* of them, not authenticated */
	char addr[64];
};

static struct addr_count *A[ADDR_BUCKETS];
static struct addr_count *addrs; /* every entry (l_next) */

static struct addr_count **addr_slot(const char *addr)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)addr; *p; p++)
		h = (h ^ *p) * 16777619u;
	struct addr_count **pp = &A[h % ADDR_BUCKETS];
	while (*pp && strcmp((*pp)->addr, addr) != 0)
		pp = &(*pp)->next;
	return pp;
}

/* Under the lock: connections (not being closed) from addr. */
static unsigned from_addr(const char *addr)
{
	struct addr_count *a = *addr_slot(addr);
	return a ? a->n : 0;
}

/* Under the lock: hc counts for its address (false: out of memory). */
static bool addr_hold(struct hconn *hc)
{
	struct addr_count **pp = addr_slot(hc->addr);
	if (!*pp) {
		struct addr_count *a = calloc(1, sizeof(*a));
		if (!a)
			return false;
		snprintf(a->addr, sizeof(a->addr), "%s", hc->addr);
		a->l_next = addrs;
		if (addrs)
			addrs->l_prev = a;
		addrs = a;
		*pp = a;
	}
	struct addr_count *a = *pp;
	hc->a_next = NULL;
	hc->a_prev = a->tail;
	if (a->tail)
		a->tail->a_next = hc;
	else
		a->head = hc;
	a->tail = hc;
	a->n++;
	if (!hc->g_authed)
		a->unauth++;
	hc->from = a;
	return true;
}

/* Under the lock: hc no longer counts (closing, or gone). */
static void addr_release(struct hconn *hc)
{
	struct addr_count *a = hc->from;
	if (!a)
		return;
	hc->from = NULL;
	if (hc->a_prev)
		hc->a_prev->a_next = hc->a_next;
	else
		a->head = hc->a_next;
	if (hc->a_next)
		hc->a_next->a_prev = hc->a_prev;
	else
		a->tail = hc->a_prev;
	hc->a_prev = hc->a_next = NULL;
	if (!hc->g_authed)
		a->unauth--;
	if (--a->n == 0) {
		struct addr_count **pp = addr_slot(a->addr);
		*pp = a->next;
		if (a->l_prev)
			a->l_prev->l_next = a->l_next;
		else
			addrs = a->l_next;
		if (a->l_next)
			a->l_next->l_prev = a->l_prev;
		free(a);
	}
}

/*
 * Under the lock: closes hc (once) and says why (reset_fd). The connection is reset
 * (connect(2) to AF_UNSPEC: tcp_disconnect, one RST), not shut down: a
 * shutdown(2) sent a FIN the client answered, and the close that followed
 * a RST as well (the trickled bytes unread), each packet a wakeup of the
 * client and of the connection's worker; an attacker's connection evicted
 * for each legitimate logon at the limit made that a cost per logon. The
 * worker serving it sees the error at once, reading or writing, and closes
 * it. Where the reset is refused, the shutdown as before.
 */
static void reset_fd(int fd)
{
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	if (fd >= 0 && connect(fd, &unspec, sizeof(unspec)) != 0)
		shutdown(fd, SHUT_RDWR);
}

static void close_conn(struct hconn *hc, const char *why)
{
	if (hc->closing)
		return;
	hc->closing = why;
	G.count--;
	addr_release(hc);
	reset_fd(hc->fd);
}

/*
 * Under the lock, at a limit only: connections whose client has closed its
 * end, which the worker serving them has not noticed yet, are closed now
 * and stop counting. With workers each serving many connections, a client
 * that closes and at once reconnects can be seen before its old connection
 * is cleaned up; it must not be refused for it. (A client that half-closes
 * and still waits for an answer loses it, and only when the server is at a
 * limit.) One poll(2) over the candidates, not a syscall for each: of one
 * address (from, at --max-per-ip), or of all (NULL, at --max-connections;
 * at most once per RECLAIM_ALL_MS, so that refusals under a flood do not
 * each cost a walk of every connection).
 */
#define RECLAIM_ALL_MS 20

static unsigned reclaim_closed(const struct addr_count *from)
{
	unsigned n = 0, k = 0, want = from ? from->n : G.count;
	int64_t now;

	if (!from) {
		now = fe_now_ms();
		if (now - G.reclaimed_at < RECLAIM_ALL_MS)
			return 0;
		G.reclaimed_at = now;
	}
	if (want > G.pfd_cap) {
		struct pollfd *p = realloc(G.pfd, want * sizeof(*p));
		if (!p)
			return 0;
		G.pfd = p;
		G.pfd_cap = want;
	}
	struct hconn *c = from ? from->head : G.head;
	for (; c && k < want; c = from ? c->a_next : c->next) {
		if (c->closing || c->fd < 0)
			continue;
		G.pfd[k].fd = c->fd;
		G.pfd[k].events = POLLRDHUP;
		G.pfd[k].revents = 0;
		k++;
	}
	if (k == 0 || poll(G.pfd, k, 0) <= 0)
		return 0;
	/* The same walk again: nothing left the list meanwhile (the lock). */
	unsigned i = 0;
	c = from ? from->head : G.head;
	for (struct hconn *next; c && i < k; c = next) {
		next = from ? c->a_next : c->next;
		if (c->closing || c->fd < 0)
			continue;
		if (G.pfd[i++].revents & (POLLRDHUP | POLLHUP | POLLERR)) {
			close_conn(c, "closed by the client");
			n++;
		}
	}
	return n;
}

/*
 * Under the lock, at --max-connections: the connection a newcomer from an
 * address that holds `mine` connections may close. Slots are shared fairly
 * between addresses: the victim is the oldest unauthenticated connection of
 * the address that holds the most, and only if that address would still
 * hold more than the newcomer's would: an attacker's reconnection thus
 * evicts its own kind, never the one connection of a client elsewhere, and
 * two addresses that hold as many do not evict each other in turn (every
 * eviction brings the evicted one's reconnection).
 */
static struct hconn *victim_for(unsigned mine)
{
	struct addr_count *most = NULL;

	for (struct addr_count *a = addrs; a; a = a->l_next)
		if (a->unauth && (!most || a->n > most->n))
			most = a;
	if (!most || most->n < mine + 2)
		return NULL;
	for (struct hconn *c = most->head; c; c = c->a_next)
		if (!c->g_authed)
			return c;
	return NULL; /* cannot be: most->unauth > 0 */
}

enum MHD_Result httpd_guard_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	const struct httpd_config *cfg = httpd_S.cfg;
	char ip[64], evicted[64] = "";
	unsigned same;
	bool per_ip = false, full = false;

	(void)cls;
	(void)addrlen;
	hold_next = false;
	fe_sockaddr_addr(addr, ip, sizeof(ip));
	pthread_mutex_lock(&G.lock);
	struct addr_count *mine = *addr_slot(ip);
	same = mine ? mine->n : 0;
	if (cfg->max_per_ip && same >= cfg->max_per_ip && reclaim_closed(mine) > 0)
		same = from_addr(ip);
	if (cfg->max_per_ip && same >= cfg->max_per_ip) {
		per_ip = true;
	} else if (G.count >= cfg->max_connections) {
		/* The newcomer's own address first: a client that closes and
		 * reconnects at once (a new connection per logon) has its old
		 * connections there, not yet cleaned up; one poll(2) of them,
		 * not throttled. (Looked up again: a reclaim above may have
		 * freed it; not used after this one, for the same reason.) */
		mine = *addr_slot(ip);
		if (mine && reclaim_closed(mine) > 0)
			same = from_addr(ip);
	}
	if (!per_ip && G.count >= cfg->max_connections) {
		struct hconn *victim = victim_for(same);
		if (!victim && reclaim_closed(NULL) > 0) {
			same = from_addr(ip);
			if (G.count >= cfg->max_connections)
				victim = victim_for(same);
		}
		if (victim) {
			snprintf(evicted, sizeof(evicted), "%s", victim->peer);
			close_conn(victim, "evicted");
		} else if (G.count >= cfg->max_connections) {
			full = true;
		}
	}
	/* A refusal is held until the next tick if there is room (counted in
	 * httpd_guard_add, which resets it at once if there is none by then). */
	if ((per_ip || full) && G.held < held_max(cfg->max_connections))
		hold_next = true;
	pthread_mutex_unlock(&G.lock);
	if (full)
		fe_live_event(&httpd_S.live, NTLM_EVENT_CONN_REFUSED, ip,
			      "connection refused: %u connections, none that may give way "
			      "(--max-connections)",
			      cfg->max_connections);
	else if (per_ip)
		fe_live_event(&httpd_S.live, NTLM_EVENT_CONN_REFUSED, ip,
			      "connection refused: %u connections from this address "
			      "(--max-per-ip)",
			      cfg->max_per_ip);
	else if (evicted[0])
		fe_live_event(&httpd_S.live, NTLM_EVENT_CONN_EVICTED, evicted,
			      "unauthenticated connection closed to make room for %s "
			      "(--max-connections %u reached)",
			      ip, cfg->max_connections);
	return (per_ip || full) && !hold_next ? MHD_NO : MHD_YES;
}

void httpd_guard_add(struct hconn *hc, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	const union MHD_ConnectionInfo *ai =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	bool hold = hold_next;

	hold_next = false;
	hc->fd = ci ? ci->connect_fd : -1;
	fe_sockaddr_addr(ai ? ai->client_addr : NULL, hc->addr, sizeof(hc->addr));
	pthread_mutex_lock(&G.lock);
	hc->prev = G.tail;
	hc->next = NULL;
	if (G.tail)
		G.tail->next = hc;
	else
		G.head = hc;
	G.tail = hc;
	if (hold) {
		/* refused (httpd_guard_accept): not counted, never served
		 * (httpd_guard_held), reset at the next tick (sweep) */
		hc->held = true;
		hc->closing = "refused";
		if (G.held++ >= held_max(httpd_S.cfg->max_connections)) {
			reset_fd(hc->fd); /* no room to hold it: closed at once */
			hc->hs_deadline = 1;
		}
	} else {
		hc->hs_deadline = fe_now_ms() + (int64_t)httpd_S.cfg->handshake_timeout * 1000;
		G.count++;
		if (!addr_hold(hc))
			close_conn(hc, "out of memory");
	}
	pthread_mutex_unlock(&G.lock);
}

bool httpd_guard_held(const struct hconn *hc)
{
	return hc->held; /* set before its first request, on its own thread */
}

void httpd_guard_remove(struct hconn *hc)
{
	pthread_mutex_lock(&G.lock);
	if (hc->prev)
		hc->prev->next = hc->next;
	else if (G.head == hc)
		G.head = hc->next;
	if (hc->next)
		hc->next->prev = hc->prev;
	else if (G.tail == hc)
		G.tail = hc->prev;
	if (hc->held)
		G.held--;
	else if (!hc->closing)
		G.count--;
	addr_release(hc);
	hc->prev = hc->next = NULL;
	hc->fd = -1;
	pthread_mutex_unlock(&G.lock);
}

void httpd_guard_authed(struct hconn *hc, bool authed)
{
	pthread_mutex_lock(&G.lock);
	if (hc->from && hc->g_authed != authed) {
		if (authed)
			hc->from->unauth--;
		else
			hc->from->unauth++;
	}
	hc->g_authed = authed;
	hc->hs_deadline = authed ? 0 : fe_now_ms() + (int64_t)httpd_S.cfg->handshake_timeout * 1000;
	pthread_mutex_unlock(&G.lock);
}

void httpd_guard_request(struct hconn *hc, bool headers_done)
{
	pthread_mutex_lock(&G.lock);
	if (headers_done)
		hc->hdr_deadline = 0;
	else if (hc->g_authed)
		hc->hdr_deadline = fe_now_ms() + (int64_t)httpd_S.cfg->header_timeout * 1000;
	pthread_mutex_unlock(&G.lock);
}

/* Closes what is past its deadline; the events go out after the lock. */
static void sweep(void)
{
	struct {
		char peer[64];
		bool handshake;
	} late[64];
	unsigned n = 0, more = 0;
	int64_t now = fe_now_ms();

	pthread_mutex_lock(&G.lock);
	for (struct hconn *c = G.head; c; c = c->next) {
		if (c->held && c->fd >= 0 && !c->hs_deadline) {
			reset_fd(c->fd);      /* a refusal held since the last tick */
			c->hs_deadline = now; /* (as a mark: reset once) */
			continue;
		}
		if (c->closing)
			continue;
		bool hs = c->hs_deadline && now >= c->hs_deadline;
		bool hdr = c->hdr_deadline && now >= c->hdr_deadline;
		if (!hs && !hdr)
			continue;
		close_conn(c, "deadline");
		if (n < sizeof(late) / sizeof(late[0])) {
			snprintf(late[n].peer, sizeof(late[n].peer), "%s", c->peer);
			late[n++].handshake = hs;
		} else {
			more++;
		}
	}
	pthread_mutex_unlock(&G.lock);
	for (unsigned i = 0; i < n; i++) {
		if (late[i].handshake)
			fe_live_event(&httpd_S.live, NTLM_EVENT_HANDSHAKE_TIMEOUT, late[i].peer,
				      "handshake not complete within %u s (--handshake-timeout): "
				      "connection closed",
				      httpd_S.cfg->handshake_timeout);
		else
			fe_live_event(&httpd_S.live, NTLM_EVENT_HANDSHAKE_TIMEOUT, late[i].peer,
				      "request headers not complete within %u s "
				      "(--header-timeout): connection closed",
				      httpd_S.cfg->header_timeout);
	}
	for (unsigned i = 0; i < more; i++)
		fe_live_event(&httpd_S.live, NTLM_EVENT_HANDSHAKE_TIMEOUT, "",
			      "deadline passed: connection closed");
	fe_live_flush(&httpd_S.live, false);
}

static void *guard_thread(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&G.lock);
	while (!G.stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&G.wake, &G.lock, &ts);
		if (G.stop)
			break;
		pthread_mutex_unlock(&G.lock);
		sweep();
		httpd_log_flush();
		pthread_mutex_lock(&G.lock);
	}
	pthread_mutex_unlock(&G.lock);
	return NULL;
}

int httpd_guard_start(char *why, size_t why_len)
{
	G.stop = false;
	G.head = G.tail = NULL;
	G.count = 0;
	if (pthread_create(&G.thread, NULL, guard_thread, NULL) != 0) {
		snprintf(why, why_len, "cannot start the connection guard thread");
		return -1;
	}
	G.running = true;
	return 0;
}

void httpd_guard_stop(void)
{
	if (!G.running)
		return;
	pthread_mutex_lock(&G.lock);
	G.stop = true;
	pthread_cond_signal(&G.wake);
	pthread_mutex_unlock(&G.lock);
	pthread_join(G.thread, NULL);
	G.running = false;
	free(G.pfd);
	G.pfd = NULL;
	G.pfd_cap = 0;
}
