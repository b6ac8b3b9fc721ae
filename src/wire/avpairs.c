/* SPDX-License-Identifier: MIT */
/*
 * wire: AV_PAIR lists, MS-NLMP 2.2.2.1 (and Single_Host_Data, 2.2.2.2).
 *
 *   off size    field
 *   0   2       AvId
 *   2   2       AvLen
 *   4   AvLen   Value
 *
 * Pairs follow each other with no padding; the list ends with MsvAvEOL
 * (AvId 0, AvLen 0). Single_Host_Data: Size u32, Z4 u32, CustomData[8],
 * MachineID[32] (48 bytes; Size counts them and may announce more).
 */
#include <stdio.h>

#include "text/text.h"
#include "wire/priv.h"

static const char *const av_names[] = {
	[MsvAvEOL] = "MsvAvEOL",
	[MsvAvNbComputerName] = "MsvAvNbComputerName",
	[MsvAvNbDomainName] = "MsvAvNbDomainName",
	[MsvAvDnsComputerName] = "MsvAvDnsComputerName",
	[MsvAvDnsDomainName] = "MsvAvDnsDomainName",
	[MsvAvDnsTreeName] = "MsvAvDnsTreeName",
	[MsvAvFlags] = "MsvAvFlags",
	[MsvAvTimestamp] = "MsvAvTimestamp",
	[MsvAvSingleHost] = "MsvAvSingleHost",
	[MsvAvTargetName] = "MsvAvTargetName",
	[MsvAvChannelBindings] = "MsvAvChannelBindings",
};

#define SINGLE_HOST_MIN 48u

const char *ntlm_wire_av_name(uint16_t id)
{
	return id < ARRAY_SIZE(av_names) ? av_names[id] : NULL;
}

/* "MsvAvFlags", or "AvId 0x1234" for an unknown id (into buf). */
static const char *label(uint16_t id, char buf[16])
{
	const char *n = ntlm_wire_av_name(id);
	if (n)
		return n;
	snprintf(buf, 16, "AvId 0x%04x", id);
	return buf;
}

static bool is_name(uint16_t id)
{
	return (id >= MsvAvNbComputerName && id <= MsvAvDnsTreeName) || id == MsvAvTargetName;
}

/* The AvLen a fixed-size pair must have; 0 for variable-size pairs. */
static size_t fixed_len(uint16_t id)
{
	switch (id) {
	case MsvAvFlags:
		return 4;
	case MsvAvTimestamp:
		return 8;
	case MsvAvChannelBindings:
		return 16;
	default:
		return 0;
	}
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

/* Checks one pair's value against the rules for its AvId. */
static ntlm_status check_value(uint16_t id, struct ntlm_slice v)
{
	char buf[16];
	const char *name = label(id, buf);
	size_t want = fixed_len(id);

	if (want && v.len != want)
		return ntlm_err(NTLM_E_AV_BAD_LENGTH, "%s: AvLen %zu, must be %zu", name, v.len,
				want);
	if (id == MsvAvSingleHost) {
		if (v.len < SINGLE_HOST_MIN)
			return ntlm_err(NTLM_E_AV_BAD_LENGTH, "%s: AvLen %zu, must be at least %u",
					name, v.len, SINGLE_HOST_MIN);
		if (le32(v.p) != v.len)
			return ntlm_err(NTLM_E_AV_BAD_LENGTH, "%s: AvLen %zu but Size field %u",
					name, v.len, le32(v.p));
	}
	if (is_name(id))
		return ntlm_text_utf16le_check(v.p, v.len, name);
	return NTLM_OK;
}

ntlm_status ntlm_wire_avlist_decode(struct ntlm_slice in, struct ntlm_wire_avlist *out,
				    size_t *consumed)
{
	struct ntlm_rd r;
	char buf[16];

	out->n = 0;
	if (consumed)
		*consumed = 0;
	ntlm_rd_init(&r, in.p, in.len);
	for (;;) {
		uint16_t id, len;
		struct ntlm_slice v;

		if (ntlm_rd_left(&r) == 0)
			return ntlm_err(NTLM_E_AV_NO_EOL, "AV list: %zu bytes end without MsvAvEOL",
					in.len);
		NTLM_TRY(ntlm_rd_u16le(&r, &id, "AV pair AvId"));
		NTLM_TRY(ntlm_rd_u16le(&r, &len, label(id, buf)));
		NTLM_TRY(ntlm_rd_sub(&r, len, &v, label(id, buf)));
		if (id == MsvAvEOL) {
			if (len != 0)
				return ntlm_err(NTLM_E_AV_BAD_LENGTH,
						"MsvAvEOL: AvLen %u, must be 0", len);
			break;
		}
		NTLM_TRY(check_value(id, v));
		if (ntlm_wire_avlist_find(out, id))
			return ntlm_err(NTLM_E_AV_DUPLICATE, "%s: appears twice in the AV list",
					label(id, buf));
		if (out->n == NTLM_WIRE_AV_MAX)
			return ntlm_err(NTLM_E_AV_TOO_MANY, "AV list: more than %d pairs (%s)",
					NTLM_WIRE_AV_MAX, label(id, buf));
		out->av[out->n].id = id;
		out->av[out->n].value = v;
		out->n++;
	}
	if (consumed)
		*consumed = r.pos;
	return NTLM_OK;
}

static void put_pair(struct ntlm_wr *w, uint16_t id, struct ntlm_slice v)
{
	if (v.len > UINT16_MAX) {
		char buf[16];
		if (w->err == NTLM_OK)
			w->err = ntlm_err(NTLM_E_INVALID_ARGUMENT,
					  "%s: %zu-byte value does not fit AvLen", label(id, buf),
					  v.len);
		return;
	}
	ntlm_wr_u16le(w, id);
	ntlm_wr_u16le(w, (uint16_t)v.len);
	ntlm_wr_bytes(w, v.p, v.len);
}

void ntlm_wire_avlist_encode(struct ntlm_wr *w, const struct ntlm_wire_avlist *l)
{
	static const struct ntlm_slice empty = { NULL, 0 };
	for (size_t i = 0; i < l->n; i++)
		put_pair(w, l->av[i].id, l->av[i].value);
	put_pair(w, MsvAvEOL, empty);
}

const struct ntlm_wire_av *ntlm_wire_avlist_find(const struct ntlm_wire_avlist *l, uint16_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->av[i].id == id)
			return &l->av[i];
	return NULL;
}

bool ntlm_wire_avlist_flags(const struct ntlm_wire_avlist *l, uint32_t *flags)
{
	const struct ntlm_wire_av *a = ntlm_wire_avlist_find(l, MsvAvFlags);
	if (!a || a->value.len != 4)
		return false;
	*flags = le32(a->value.p);
	return true;
}

bool ntlm_wire_avlist_timestamp(const struct ntlm_wire_avlist *l, uint64_t *filetime)
{
	const struct ntlm_wire_av *a = ntlm_wire_avlist_find(l, MsvAvTimestamp);
	if (!a || a->value.len != 8)
		return false;
	*filetime = ((uint64_t)le32(a->value.p + 4) << 32) | le32(a->value.p);
	return true;
}

bool ntlm_wire_avlist_single_host(const struct ntlm_wire_avlist *l,
				  struct ntlm_wire_single_host *sh)
{
	const struct ntlm_wire_av *a = ntlm_wire_avlist_find(l, MsvAvSingleHost);
	struct ntlm_rd r;

	if (!a || a->value.len < SINGLE_HOST_MIN)
		return false;
	ntlm_rd_init(&r, a->value.p, a->value.len);
	/* 48 bytes are there: none of these reads can fail */
	return ntlm_rd_u32le(&r, &sh->size, "Single_Host_Data.Size") == NTLM_OK &&
	       ntlm_rd_u32le(&r, &sh->z4, "Single_Host_Data.Z4") == NTLM_OK &&
	       ntlm_rd_bytes(&r, sh->custom_data, sizeof(sh->custom_data),
			     "Single_Host_Data.CustomData") == NTLM_OK &&
	       ntlm_rd_bytes(&r, sh->machine_id, sizeof(sh->machine_id),
			     "Single_Host_Data.MachineID") == NTLM_OK;
}

ntlm_status ntlm_wire_avlist_set(struct ntlm_wire_avlist *l, uint16_t id, struct ntlm_slice v)
{
	char buf[16];

	if (id == MsvAvEOL)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "MsvAvEOL: the encoder appends it");
	for (size_t i = 0; i < l->n; i++) {
		if (l->av[i].id == id) {
			l->av[i].value = v;
			return NTLM_OK;
		}
	}
	if (l->n == NTLM_WIRE_AV_MAX)
		return ntlm_err(NTLM_E_AV_TOO_MANY, "AV list: no room for %s (%d pairs kept)",
				label(id, buf), NTLM_WIRE_AV_MAX);
	l->av[l->n].id = id;
	l->av[l->n].value = v;
	l->n++;
	return NTLM_OK;
}
