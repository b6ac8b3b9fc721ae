/* SPDX-License-Identifier: MIT */
/*
 * gss/mech.c: what the mechanism says about itself: its OID, its SASL name
 * (GS2-NTLM, the name gss-ntlmssp registered, so that SASL configurations
 * keep working) and its attributes (RFC 5587).
 */
#include <stdlib.h>
#include <string.h>

#include "mech.h"

#define SASL_NAME "GS2-NTLM"

MECH_EXPORT OM_uint32 gss_indicate_mechs(OM_uint32 *minor, gss_OID_set *mechs)
{
	OM_uint32 m;
	if (!mechs)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_WRITE, NTLM_E_INVALID_ARGUMENT,
				  "indicate_mechs: NULL output");
	if (GSS_ERROR(gss_create_empty_oid_set(&m, mechs)) ||
	    GSS_ERROR(gss_add_oid_set_member(&m, &gssn_oid, mechs))) {
		gss_release_oid_set(&m, mechs);
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	}
	return gssn_ok(minor, GSS_S_COMPLETE);
}

static OM_uint32 set_str(OM_uint32 *minor, gss_buffer_t b, const char *s)
{
	if (!b)
		return GSS_S_COMPLETE;
	return gssn_buf_set(minor, b, s, strlen(s));
}

MECH_EXPORT OM_uint32 gss_inquire_saslname_for_mech(OM_uint32 *minor, const gss_OID mech,
						    gss_buffer_t sasl_name, gss_buffer_t mech_name,
						    gss_buffer_t description)
{
	OM_uint32 m;
	if (mech && !gss_oid_equal(mech, &gssn_oid))
		return gssn_failf(minor, GSS_S_BAD_MECH, NTLM_E_INVALID_ARGUMENT,
				  "inquire_saslname_for_mech: another mechanism");
	if (set_str(minor, sasl_name, SASL_NAME) || set_str(minor, mech_name, "NTLM") ||
	    set_str(minor, description, "NTLM (ntlmssp, policy-enforcing)")) {
		gss_release_buffer(&m, sasl_name);
		gss_release_buffer(&m, mech_name);
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	}
	return gssn_ok(minor, GSS_S_COMPLETE);
}

MECH_EXPORT OM_uint32 gss_inquire_mech_for_saslname(OM_uint32 *minor, const gss_buffer_t sasl_name,
						    gss_OID *mech)
{
	if (!sasl_name || !mech)
		return gssn_failf(minor, GSS_S_CALL_INACCESSIBLE_READ, NTLM_E_INVALID_ARGUMENT,
				  "inquire_mech_for_saslname: NULL argument");
	/* public: the SASL mechanism name */
	if (sasl_name->length != strlen(SASL_NAME) || !sasl_name->value ||
	    memcmp(sasl_name->value, SASL_NAME, sasl_name->length) != 0) /* public: name */
		return gssn_failf(minor, GSS_S_BAD_MECH, NTLM_E_INVALID_ARGUMENT,
				  "inquire_mech_for_saslname: not " SASL_NAME);
	*mech = &gssn_oid;
	return gssn_ok(minor, GSS_S_COMPLETE);
}

static OM_uint32 oid_set(OM_uint32 *minor, gss_const_OID const *list, size_t n, gss_OID_set *out)
{
	OM_uint32 m;
	if (GSS_ERROR(gss_create_empty_oid_set(&m, out)))
		return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (GSS_ERROR(gss_add_oid_set_member(&m, (gss_OID)list[i], out))) {
			gss_release_oid_set(&m, out);
			return gssn_failf(minor, GSS_S_FAILURE, NTLM_E_NOMEM, "out of memory");
		}
	return GSS_S_COMPLETE;
}

MECH_EXPORT OM_uint32 gss_inquire_attrs_for_mech(OM_uint32 *minor, gss_const_OID mech,
						 gss_OID_set *mech_attrs, gss_OID_set *known_attrs)
{
	if (mech && !gss_oid_equal(mech, &gssn_oid))
		return gssn_failf(minor, GSS_S_BAD_MECH, NTLM_E_INVALID_ARGUMENT,
				  "inquire_attrs_for_mech: another mechanism");
	/* no AUTH_TARG (no mutual authentication), no DELEG_CRED, no PFS */
	gss_const_OID have[] = { GSS_C_MA_MECH_CONCRETE, GSS_C_MA_AUTH_INIT, GSS_C_MA_INTEG_PROT,
				 GSS_C_MA_CONF_PROT,	 GSS_C_MA_MIC,	     GSS_C_MA_WRAP,
				 GSS_C_MA_REPLAY_DET,	 GSS_C_MA_OOS_DET,   GSS_C_MA_CBINDINGS,
				 GSS_C_MA_CTX_TRANS };
	if (mech_attrs) {
		*mech_attrs = GSS_C_NO_OID_SET;
		OM_uint32 maj = oid_set(minor, have, sizeof(have) / sizeof(have[0]), mech_attrs);
		if (maj)
			return maj;
	}
	if (known_attrs) {
		*known_attrs = GSS_C_NO_OID_SET;
		OM_uint32 maj = oid_set(minor, have, sizeof(have) / sizeof(have[0]), known_attrs);
		if (maj) {
			OM_uint32 m;
			if (mech_attrs)
				gss_release_oid_set(&m, mech_attrs);
			return maj;
		}
	}
	return gssn_ok(minor, GSS_S_COMPLETE);
}
