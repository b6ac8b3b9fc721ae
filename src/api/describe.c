/* SPDX-License-Identifier: MIT */
/*
 * api/describe.c: ntlm_token_describe(), every field of one NTLMSSP
 * message as text or JSON (the `ntlm decode` output).
 *
 * The token is decoded by the wire layer first, so a malformed token fails
 * with the decoder's status before anything is rendered; the renderer only
 * reads decoded structs (and re-reads AV pair values, already checked by the
 * decoder, through the bounded reader).
 *
 * Text: one `field: value` per line; nested values (flag bits, AV pairs,
 * the NTLMv2 client challenge) are indented by two spaces per level. JSON:
 * one object with the same field names, except that `mic: present` is
 * "mic_present": true (docs/cli.md lists the shape).
 * Strings from the peer are escaped in both forms: in text, control bytes
 * become \xNN and C1 and bidi controls \uNNNN (so a user name cannot forge
 * lines, send terminal escapes or reorder the display); in JSON all of them
 * become \uNNNN. An embedded U+0000 is shown as \x00 / \u0000 rather than
 * cutting the string short.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"
#include "wire/wire.h"
#include "ntlmssp/unstable.h"

/* ---- the output: one text buffer (text/buf.c) and the layout state ---- */

struct out {
	struct ntlm_buf b; /* growable; its error is sticky */
	bool json;
	unsigned depth; /* text: indentation level */
	bool comma;	/* json: a member or element precedes in this container */
};

static void raw(struct out *o, const char *s, size_t n)
{
	ntlm_buf_put(&o->b, s, n);
}

static void raws(struct out *o, const char *s)
{
	ntlm_buf_puts(&o->b, s);
}

#define rawf(o, ...) ntlm_buf_printf(&(o)->b, __VA_ARGS__)

static void hex(struct out *o, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		char two[2] = { digits[p[i] >> 4], digits[p[i] & 15] };
		raw(o, two, 2);
	}
}

/* Escapes text from the peer (text/buf.c: controls, C1, line separators,
 * bidi controls; \xNN / \uNNNN in text, \uNNNN in JSON). */
static void esc(struct out *o, const char *s, size_t n)
{
	ntlm_buf_escape(&o->b, s, n, o->json ? NTLM_ESCAPE_JSON : NTLM_ESCAPE_TEXT);
}

/* ---- fields ------------------------------------------------------------ */

static void nl(struct out *o)
{
	if (!o->json)
		raws(o, "\n");
}

/* Starts a member: `"k":` in JSON, `<indent>k:` in text. */
static void key(struct out *o, const char *k)
{
	if (o->json) {
		if (o->comma)
			raws(o, ",");
		raws(o, "\"");
		raws(o, k);
		raws(o, "\":");
		o->comma = true;
		return;
	}
	for (unsigned i = 0; i < o->depth; i++)
		raws(o, "  ");
	raws(o, k);
	raws(o, ":");
}

/* Starts an array element (JSON only). */
static void elem(struct out *o)
{
	if (o->comma)
		raws(o, ",");
	o->comma = true;
}

static void open_obj(struct out *o, const char *k)
{
	key(o, k);
	if (o->json) {
		raws(o, "{");
		o->comma = false;
	} else {
		raws(o, "\n");
		o->depth++;
	}
}

static void close_obj(struct out *o)
{
	if (o->json) {
		raws(o, "}");
		o->comma = true;
	} else {
		o->depth--;
	}
}

static void open_arr(struct out *o, const char *k)
{
	key(o, k);
	if (o->json) {
		raws(o, "[");
		o->comma = false;
	} else {
		raws(o, "\n");
		o->depth++;
	}
}

static void close_arr(struct out *o)
{
	if (o->json) {
		raws(o, "]");
		o->comma = true;
	} else {
		o->depth--;
	}
}

/* A value we generate ourselves (no escaping needed): a JSON string. */
static void f_text(struct out *o, const char *k, const char *v)
{
	key(o, k);
	if (o->json) {
		raws(o, "\"");
		raws(o, v);
		raws(o, "\"");
	} else if (*v) {
		raws(o, " ");
		raws(o, v);
	}
	nl(o);
}

static void f_hex(struct out *o, const char *k, const uint8_t *p, size_t n)
{
	key(o, k);
	raws(o, o->json ? "\"" : n ? " " : "");
	hex(o, p, n);
	if (o->json)
		raws(o, "\"");
	nl(o);
}

static void f_uint(struct out *o, const char *k, uint64_t v)
{
	key(o, k);
	rawf(o, o->json ? "%llu" : " %llu", (unsigned long long)v);
	nl(o);
}

static void f_bool(struct out *o, const char *k, bool v)
{
	key(o, k);
	raws(o, o->json ? (v ? "true" : "false") : (v ? " true" : " false"));
	nl(o);
}

/* JSON null; in text, `k: <word>`. */
static void f_null(struct out *o, const char *k, const char *word)
{
	key(o, k);
	if (o->json)
		raws(o, "null");
	else
		rawf(o, " %s", word);
	nl(o);
}

/* The bytes of a slice as a hex field and its length as `<k>_len`. */
static void f_buf(struct out *o, const char *k, struct ntlm_slice s)
{
	char lk[64];
	snprintf(lk, sizeof(lk), "%s_len", k);
	f_uint(o, lk, s.len);
	f_hex(o, k, s.p, s.len);
}

/*
 * A wire string (UTF-16LE or OEM) as UTF-8. The whole string is converted
 * once to get the decoder's verdict, then shown piecewise around U+0000
 * units so an embedded NUL is visible instead of ending the string.
 */
static ntlm_status f_wstr(struct out *o, const char *k, struct ntlm_slice s, bool unicode,
			  const char *what)
{
	size_t unit = unicode ? 2 : 1, start = 0;
	char *u = NULL;

	if (s.len) {
		NTLM_TRY(ntlm_wire_str_to_utf8(s, unicode, &u, what));
		free(u);
	}
	key(o, k);
	raws(o, o->json ? "\"" : s.len ? " " : "");
	for (size_t i = 0; i <= s.len; i += unit) {
		bool end = i + unit > s.len;
		if (!end && (s.p[i] != 0 || (unicode && s.p[i + 1] != 0)))
			continue;
		if (i > start) {
			struct ntlm_slice seg = { s.p + start, i - start };
			NTLM_TRY(ntlm_wire_str_to_utf8(seg, unicode, &u, what));
			esc(o, u, strlen(u));
			free(u);
		}
		if (end)
			break;
		esc(o, "", 1);
		start = i + unit;
	}
	if (o->json)
		raws(o, "\"");
	nl(o);
	return NTLM_OK;
}

/* ---- shared pieces ----------------------------------------------------- */

/* FILETIME (100 ns ticks since 1601-01-01 UTC) as ISO 8601. */
static void filetime_iso(uint64_t ft, char *buf, size_t len)
{
	uint64_t secs = ft / 10000000u, frac = ft % 10000000u;
	int64_t z = (int64_t)(secs / 86400u) - 134774; /* days since 1970-01-01 */
	unsigned sod = (unsigned)(secs % 86400u);

	/* Gregorian civil date from a day count, eras of 400 years that start
	 * on March 1st so the leap day falls at the end of each year. */
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t day = doy - (153 * mp + 2) / 5 + 1;
	int64_t mon = mp < 10 ? mp + 3 : mp - 9;
	int64_t year = yoe + era * 400 + (mon <= 2);

	snprintf(buf, len, "%04lld-%02lld-%02lldT%02u:%02u:%02u.%07lluZ", (long long)year,
		 (long long)mon, (long long)day, sod / 3600, sod / 60 % 60, sod % 60,
		 (unsigned long long)frac);
}

static void f_filetime(struct out *o, const char *k, uint64_t ft)
{
	char iso[48];
	filetime_iso(ft, iso, sizeof(iso));
	if (o->json) {
		open_obj(o, k);
		f_uint(o, "filetime", ft);
		f_text(o, "utc", iso);
		close_obj(o);
	} else {
		key(o, k);
		rawf(o, " %llu (%s)", (unsigned long long)ft, iso);
		nl(o);
	}
}

/* JSON: {"value", "names" (the named bits), "reserved" (the others)};
 * text: the value, then one indented "NAME: bit" line per bit set. */
static void f_flags(struct out *o, uint32_t flags)
{
	uint32_t reserved = ntlm_wire_flags_reserved(flags);
	char v[16];

	snprintf(v, sizeof(v), "0x%08x", flags);
	if (o->json) {
		open_obj(o, "flags");
		f_text(o, "value", v);
		key(o, "names");
		ntlm_buf_flags(&o->b, flags & ~reserved, NTLM_FLAGS_JSON);
		snprintf(v, sizeof(v), "0x%08x", reserved);
		f_text(o, "reserved", v);
		close_obj(o);
		return;
	}
	f_text(o, "flags", v);
	o->depth++;
	for (unsigned i = 0; i < 32; i++) {
		uint32_t bit = 1u << i;
		const char *name = ntlm_wire_flag_name(bit);
		if (!(flags & bit))
			continue;
		snprintf(v, sizeof(v), "0x%08x", bit);
		f_text(o, name ? name : "reserved", v);
	}
	o->depth--;
}

static void f_version(struct out *o, bool has, const struct ntlm_wire_version *v)
{
	if (!has) {
		f_null(o, "version", "absent");
		return;
	}
	if (o->json) {
		open_obj(o, "version");
		f_uint(o, "major", v->major);
		f_uint(o, "minor", v->minor);
		f_uint(o, "build", v->build);
		f_uint(o, "revision", v->revision);
		f_hex(o, "reserved", v->reserved, sizeof(v->reserved));
		close_obj(o);
		return;
	}
	key(o, "version");
	rawf(o, " %u.%u.%u (revision %u)", v->major, v->minor, v->build, v->revision);
	if (v->reserved[0] | v->reserved[1] | v->reserved[2])
		rawf(o, " reserved %02x%02x%02x", v->reserved[0], v->reserved[1], v->reserved[2]);
	nl(o);
}

static const struct {
	uint32_t bit;
	const char *name;
} avflag_names[] = {
	{ NTLM_AVFLAG_CONSTRAINED, "CONSTRAINED" },
	{ NTLM_AVFLAG_MIC_PRESENT, "MIC_PRESENT" },
	{ NTLM_AVFLAG_UNVERIFIED_SPN, "UNVERIFIED_SPN" },
};

static const char *avflag_name(uint32_t bit)
{
	for (size_t i = 0; i < ARRAY_SIZE(avflag_names); i++)
		if (avflag_names[i].bit == bit)
			return avflag_names[i].name;
	return NULL;
}

/* MsvAvFlags: "0x00000002 (MIC_PRESENT)" / "value" + "names". */
static void f_avflags(struct out *o, const char *k, uint32_t f)
{
	char b[16];
	bool first = true;

	snprintf(b, sizeof(b), "0x%08x", f);
	if (o->json) {
		f_text(o, k, b);
		open_arr(o, "names");
	} else {
		key(o, k);
		rawf(o, " %s", b);
	}
	for (unsigned i = 0; i < 32; i++) {
		uint32_t bit = 1u << i;
		const char *name = avflag_name(bit);
		char u[16];
		if (!(f & bit))
			continue;
		if (!name) {
			snprintf(u, sizeof(u), "0x%08x", bit);
			name = u;
		}
		if (o->json) {
			elem(o);
			rawf(o, "\"%s\"", name);
		} else {
			rawf(o, "%s%s", first ? " (" : "|", name);
		}
		first = false;
	}
	if (o->json) {
		close_arr(o);
	} else {
		if (!first)
			raws(o, ")");
		nl(o);
	}
}

static ntlm_status f_single_host(struct out *o, const char *k, struct ntlm_slice v)
{
	struct ntlm_rd r;
	uint32_t size, z4;
	uint8_t custom[8], machine[32];

	ntlm_rd_init(&r, v.p, v.len);
	NTLM_TRY(ntlm_rd_u32le(&r, &size, "MsvAvSingleHost.Size"));
	NTLM_TRY(ntlm_rd_u32le(&r, &z4, "MsvAvSingleHost.Z4"));
	NTLM_TRY(ntlm_rd_bytes(&r, custom, sizeof(custom), "MsvAvSingleHost.CustomData"));
	NTLM_TRY(ntlm_rd_bytes(&r, machine, sizeof(machine), "MsvAvSingleHost.MachineID"));
	if (o->json)
		f_hex(o, k, v.p, v.len);
	else
		open_obj(o, k);
	f_uint(o, "size", size);
	f_uint(o, "z4", z4);
	f_hex(o, "custom_data", custom, sizeof(custom));
	f_hex(o, "machine_id", machine, sizeof(machine));
	if (!o->json)
		close_obj(o);
	return NTLM_OK;
}

/*
 * One AV pair. Text: `Name: value` (unknown ids as `0x000b: <hex>`). JSON:
 * {"id":n,"name":"Name"|null,"value":"...", plus typed extras}.
 */
static ntlm_status av_pair(struct out *o, const struct ntlm_wire_av *a)
{
	const char *name = ntlm_wire_av_name(a->id);
	char idk[16];
	const char *k;
	struct ntlm_rd r;
	uint32_t u32;
	uint64_t u64;

	snprintf(idk, sizeof(idk), "0x%04x", a->id);
	k = o->json ? "value" : name ? name : idk;
	if (o->json) {
		elem(o);
		raws(o, "{");
		o->comma = false;
		f_uint(o, "id", a->id);
		if (name)
			f_text(o, "name", name);
		else
			f_null(o, "name", "");
	}
	ntlm_rd_init(&r, a->value.p, a->value.len);
	switch (a->id) {
	case MsvAvNbComputerName:
	case MsvAvNbDomainName:
	case MsvAvDnsComputerName:
	case MsvAvDnsDomainName:
	case MsvAvDnsTreeName:
	case MsvAvTargetName:
		NTLM_TRY(f_wstr(o, k, a->value, true, name));
		break;
	case MsvAvFlags:
		NTLM_TRY(ntlm_rd_u32le(&r, &u32, "MsvAvFlags"));
		f_avflags(o, k, u32);
		break;
	case MsvAvTimestamp:
		NTLM_TRY(ntlm_rd_u64le(&r, &u64, "MsvAvTimestamp"));
		if (o->json) {
			char iso[48];
			filetime_iso(u64, iso, sizeof(iso));
			f_text(o, k, iso);
			f_uint(o, "filetime", u64);
		} else {
			f_filetime(o, k, u64);
		}
		break;
	case MsvAvSingleHost:
		NTLM_TRY(f_single_host(o, k, a->value));
		break;
	default: /* MsvAvChannelBindings, unknown ids */
		f_hex(o, k, a->value.p, a->value.len);
		break;
	}
	if (o->json) {
		raws(o, "}");
		o->comma = true;
	}
	return NTLM_OK;
}

static ntlm_status f_avlist(struct out *o, const char *k, const struct ntlm_wire_avlist *l)
{
	open_arr(o, k);
	for (size_t i = 0; i < l->n; i++)
		NTLM_TRY(av_pair(o, &l->av[i]));
	close_arr(o);
	return NTLM_OK;
}

static void f_header(struct out *o, const char *type, uint32_t n, size_t len)
{
	f_text(o, "type", type);
	f_uint(o, "message_type", n);
	f_uint(o, "length", len);
}

/* ---- the three messages ------------------------------------------------ */

/* MS-NLMP 2.2.1.1 */
static ntlm_status negotiate(struct out *o, const uint8_t *msg, size_t len)
{
	struct ntlm_wire_negotiate m;

	NTLM_TRY(ntlm_wire_negotiate_decode(msg, len, &m));
	f_header(o, "NEGOTIATE", NTLM_WIRE_NEGOTIATE, len);
	f_flags(o, m.flags);
	f_version(o, m.has_version, &m.version);
	NTLM_TRY(f_wstr(o, "domain", m.domain, false, "DomainName"));
	NTLM_TRY(f_wstr(o, "workstation", m.workstation, false, "WorkstationName"));
	return NTLM_OK;
}

/* MS-NLMP 2.2.1.2 */
static ntlm_status challenge(struct out *o, const uint8_t *msg, size_t len)
{
	struct ntlm_wire_challenge m;

	NTLM_TRY(ntlm_wire_challenge_decode(msg, len, &m));
	f_header(o, "CHALLENGE", NTLM_WIRE_CHALLENGE, len);
	f_flags(o, m.flags);
	f_version(o, m.has_version, &m.version);
	NTLM_TRY(f_wstr(o, "target_name", m.target_name, m.flags & NTLMSSP_NEGOTIATE_UNICODE,
			"TargetName"));
	f_hex(o, "server_challenge", m.server_challenge, sizeof(m.server_challenge));
	f_hex(o, "reserved", m.reserved, sizeof(m.reserved));
	f_uint(o, "target_info_len", m.target_info.len);
	return f_avlist(o, "target_info", &m.av);
}

/* NTLMv2_CLIENT_CHALLENGE, 2.2.2.7 */
static ntlm_status ntlmv2(struct out *o, const struct ntlm_wire_ntlmv2_response *v)
{
	open_obj(o, "ntlmv2");
	f_hex(o, "ntproofstr", v->ntproofstr, sizeof(v->ntproofstr));
	f_uint(o, "resp_type", v->resp_type);
	f_uint(o, "hi_resp_type", v->hi_resp_type);
	f_filetime(o, "timestamp", v->timestamp);
	f_hex(o, "client_challenge", v->client_challenge, sizeof(v->client_challenge));
	NTLM_TRY(f_avlist(o, "av_pairs", &v->av));
	f_hex(o, "trailing", v->trailing.p, v->trailing.len);
	close_obj(o);
	return NTLM_OK;
}

/* MS-NLMP 2.2.1.3 */
static ntlm_status authenticate(struct out *o, const uint8_t *msg, size_t len)
{
	struct ntlm_wire_authenticate m;
	struct ntlm_wire_ntlmv2_response v2 = { 0 };
	enum ntlm_response_type rt;
	const char *rtn;
	bool unicode, mic;
	uint32_t avf = 0;

	NTLM_TRY(ntlm_wire_authenticate_decode(msg, len, &m));
	NTLM_TRY(ntlm_wire_response_classify(&m, &rt));
	if (rt == NTLM_RESP_NTLMV2)
		NTLM_TRY(ntlm_wire_ntlmv2_response_decode(m.nt_response, &v2));
	unicode = m.flags & NTLMSSP_NEGOTIATE_UNICODE;
	rtn = ntlm_wire_response_type_name(rt);

	/* MIC present: the field exists and, for NTLMv2, MsvAvFlags says so
	 * (MS-NLMP 3.2.5.1.2: the flag is the only signal). */
	mic = m.has_mic;
	if (rt == NTLM_RESP_NTLMV2)
		mic = mic && ntlm_wire_avlist_flags(&v2.av, &avf) &&
		      (avf & NTLM_AVFLAG_MIC_PRESENT);

	f_header(o, "AUTHENTICATE", NTLM_WIRE_AUTHENTICATE, len);
	f_flags(o, m.flags);
	f_version(o, m.has_version, &m.version);
	NTLM_TRY(f_wstr(o, "domain", m.domain, unicode, "DomainName"));
	NTLM_TRY(f_wstr(o, "user", m.user, unicode, "UserName"));
	NTLM_TRY(f_wstr(o, "workstation", m.workstation, unicode, "Workstation"));
	f_buf(o, "lm_response", m.lm_response);
	f_buf(o, "nt_response", m.nt_response);
	f_text(o, "response_type", rtn ? rtn : "unknown");
	if (rt == NTLM_RESP_NTLMV2)
		NTLM_TRY(ntlmv2(o, &v2));
	else if (o->json)
		f_null(o, "ntlmv2", "");
	f_buf(o, "encrypted_session_key", m.enc_session_key);
	if (o->json)
		f_bool(o, "mic_present", mic);
	else
		f_text(o, "mic", mic ? "present" : "absent");
	if (m.has_mic)
		f_hex(o, "mic_value", m.mic, sizeof(m.mic));
	else if (o->json)
		f_null(o, "mic_value", "");
	return NTLM_OK;
}

ntlm_status ntlm_token_describe(const uint8_t *token, size_t len, unsigned format, char **out)
{
	struct out o = { 0 };
	uint32_t type;
	ntlm_status st;

	ntlm_err_clear();
	if (!out || (!token && len) || format > NTLM_DESCRIBE_JSON)
		return ntlm_err(NTLM_E_INVALID_ARGUMENT, "ntlm_token_describe: bad argument");
	*out = NULL;
	if (!token)
		token = (const uint8_t *)"";
	o.json = format == NTLM_DESCRIBE_JSON;

	NTLM_TRY(ntlm_wire_peek_type(token, len, &type));
	if (o.json)
		raws(&o, "{");
	switch (type) {
	case NTLM_WIRE_NEGOTIATE:
		st = negotiate(&o, token, len);
		break;
	case NTLM_WIRE_CHALLENGE:
		st = challenge(&o, token, len);
		break;
	case NTLM_WIRE_AUTHENTICATE:
		st = authenticate(&o, token, len);
		break;
	default:
		st = ntlm_err(NTLM_E_BAD_MESSAGE_TYPE,
			      "MessageType %u is not NEGOTIATE (1), CHALLENGE (2) or "
			      "AUTHENTICATE (3)",
			      type);
		break;
	}
	if (o.json)
		raws(&o, "}\n");
	if (st == NTLM_OK && o.b.err != NTLM_OK)
		st = ntlm_err(o.b.err,
			      "ntlm_token_describe: the description does not fit in memory");
	if (st != NTLM_OK) {
		ntlm_buf_free(&o.b);
		return st;
	}
	*out = ntlm_buf_take(&o.b);
	return *out ? NTLM_OK : ntlm_err(NTLM_E_NOMEM, "out of memory");
}
