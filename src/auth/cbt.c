/* SPDX-License-Identifier: MIT */
/*
 * auth: the MsvAvChannelBindings value (MS-NLMP 2.2.2.1, 3.1.5.1.2): MD5 of
 * the RFC 2744 3.11 gss_channel_bindings_struct, each integer as a
 * little-endian u32, each buffer preceded by its length, no padding.
 */
#include "auth/auth.h"
#include "crypto/crypto.h"

static void le32(uint8_t b[4], uint32_t v)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

/* An empty buffer is hashed as nothing; never hand NULL to the hash. */
static struct ntlm_iov buf(const uint8_t *p, uint32_t len)
{
	struct ntlm_iov v = { p, p ? len : 0 };
	return v;
}

/* MS-NLMP 2.2.2.1 MsvAvChannelBindings: MD5(gss_channel_bindings_struct) */
void ntlm_auth_cbt_hash(const struct ntlm_auth_cb *cb, uint8_t out[16])
{
	uint8_t h[5][4];

	le32(h[0], cb->initiator_addrtype);
	le32(h[1], cb->initiator_address_len);
	le32(h[2], cb->acceptor_addrtype);
	le32(h[3], cb->acceptor_address_len);
	le32(h[4], cb->application_data_len);
	struct ntlm_iov v[8] = {
		{ h[0], 4 },
		{ h[1], 4 },
		buf(cb->initiator_address, cb->initiator_address_len),
		{ h[2], 4 },
		{ h[3], 4 },
		buf(cb->acceptor_address, cb->acceptor_address_len),
		{ h[4], 4 },
		buf(cb->application_data, cb->application_data_len),
	};
	ntlm_crypto_md5v(v, ARRAY_SIZE(v), out);
}
