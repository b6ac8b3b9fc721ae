/* SPDX-License-Identifier: MIT */
/*
 * Deterministic generators of valid wire structs for the property tests
 * (decode(encode(m)) == m). Header-only; the bytes that generated slices
 * borrow live in the generator's pool.
 */
#ifndef NTLM_TEST_WIRE_GEN_H
#define NTLM_TEST_WIRE_GEN_H

#include <stdlib.h>
#include <string.h>

#include "wire/wire.h"

struct wg {
	uint64_t s; /* xorshift64 state, never 0 */
	uint8_t pool[16384];
	size_t used;
};

static inline void wg_init(struct wg *g, uint64_t seed)
{
	g->s = seed ? seed : 0x9e3779b97f4a7c15ull;
	g->used = 0;
}

static inline uint64_t wg_next(struct wg *g)
{
	g->s ^= g->s << 13;
	g->s ^= g->s >> 7;
	g->s ^= g->s << 17;
	return g->s;
}

static inline uint32_t wg_below(struct wg *g, uint32_t n)
{
	return n ? (uint32_t)(wg_next(g) % n) : 0;
}

static inline uint8_t *wg_alloc(struct wg *g, size_t n)
{
	if (sizeof(g->pool) - g->used < n)
		abort(); /* a test bug: raise the pool size */
	uint8_t *p = g->pool + g->used;
	g->used += n;
	return p;
}

static inline struct ntlm_slice wg_bytes(struct wg *g, size_t n)
{
	struct ntlm_slice s = { NULL, n };
	if (n) {
		uint8_t *p = wg_alloc(g, n);
		for (size_t i = 0; i < n; i++)
			p[i] = (uint8_t)wg_next(g);
		s.p = p;
	}
	return s;
}

/* Valid UTF-16LE of `units` code units, with some surrogate pairs. */
static inline struct ntlm_slice wg_utf16(struct wg *g, size_t units)
{
	struct ntlm_slice s = { NULL, units * 2 };
	if (!units)
		return s;
	uint8_t *p = wg_alloc(g, units * 2);
	for (size_t i = 0; i < units; i++) {
		uint16_t u;
		if (i + 1 < units && wg_below(g, 4) == 0) {
			uint16_t hi = (uint16_t)(0xd800 + wg_below(g, 0x400));
			uint16_t lo = (uint16_t)(0xdc00 + wg_below(g, 0x400));
			p[2 * i] = (uint8_t)hi;
			p[2 * i + 1] = (uint8_t)(hi >> 8);
			i++;
			u = lo;
		} else {
			do
				u = (uint16_t)wg_next(g);
			while (u >= 0xd800 && u <= 0xdfff);
		}
		p[2 * i] = (uint8_t)u;
		p[2 * i + 1] = (uint8_t)(u >> 8);
	}
	s.p = p;
	return s;
}

/* A text field: UTF-16 when unicode, else any OEM bytes; sometimes empty. */
static inline struct ntlm_slice wg_text(struct wg *g, bool unicode)
{
	size_t n = wg_below(g, 4) == 0 ? 0 : 1 + wg_below(g, 30);
	return unicode ? wg_utf16(g, n) : wg_bytes(g, n);
}

static inline void wg_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A valid value for an AvId (not MsvAvEOL). */
static inline struct ntlm_slice wg_av_value(struct wg *g, uint16_t id)
{
	switch (id) {
	case MsvAvNbComputerName:
	case MsvAvNbDomainName:
	case MsvAvDnsComputerName:
	case MsvAvDnsDomainName:
	case MsvAvDnsTreeName:
	case MsvAvTargetName:
		return wg_utf16(g, wg_below(g, 40));
	case MsvAvFlags:
		return wg_bytes(g, 4);
	case MsvAvTimestamp:
		return wg_bytes(g, 8);
	case MsvAvChannelBindings:
		return wg_bytes(g, 16);
	case MsvAvSingleHost: {
		struct ntlm_slice s = wg_bytes(g, 48 + 4 * wg_below(g, 3));
		wg_le32((uint8_t *)(uintptr_t)s.p, (uint32_t)s.len);
		return s;
	}
	default:
		return wg_bytes(g, wg_below(g, 20));
	}
}

/* Every defined AvId (1..10) plus `extra` unknown ones, in a random order. */
static inline void wg_avlist(struct wg *g, struct ntlm_wire_avlist *l, size_t extra)
{
	uint16_t ids[NTLM_WIRE_AV_MAX];
	size_t n = 0;
	for (uint16_t id = MsvAvNbComputerName; id <= MsvAvChannelBindings; id++)
		ids[n++] = id;
	for (size_t i = 0; i < extra && n < NTLM_WIRE_AV_MAX; i++)
		ids[n++] = (uint16_t)(0x000b + i * 0x101);
	for (size_t i = n; i > 1; i--) {
		size_t j = wg_below(g, (uint32_t)i);
		uint16_t t = ids[i - 1];
		ids[i - 1] = ids[j];
		ids[j] = t;
	}
	l->n = n;
	for (size_t i = 0; i < n; i++) {
		l->av[i].id = ids[i];
		l->av[i].value = wg_av_value(g, ids[i]);
	}
}

static inline void wg_version(struct wg *g, struct ntlm_wire_version *v)
{
	v->major = (uint8_t)wg_next(g);
	v->minor = (uint8_t)wg_next(g);
	v->build = (uint16_t)wg_next(g);
	memset(v->reserved, 0, sizeof(v->reserved));
	if (wg_below(g, 3) == 0)
		v->reserved[wg_below(g, 3)] = (uint8_t)wg_next(g);
	v->revision = wg_below(g, 2) ? NTLMSSP_REVISION_W2K3 : (uint8_t)wg_next(g);
}

/* Random flags with exactly the charset bits asked for. */
static inline uint32_t wg_flags(struct wg *g, uint32_t charset)
{
	uint32_t f = (uint32_t)wg_next(g);
	f &= ~(NTLMSSP_NEGOTIATE_UNICODE | NTLM_NEGOTIATE_OEM);
	return f | charset;
}

static inline uint32_t wg_charset(struct wg *g)
{
	static const uint32_t sets[] = { NTLMSSP_NEGOTIATE_UNICODE, NTLM_NEGOTIATE_OEM,
					 NTLMSSP_NEGOTIATE_UNICODE | NTLM_NEGOTIATE_OEM };
	return sets[wg_below(g, 3)];
}

#endif
