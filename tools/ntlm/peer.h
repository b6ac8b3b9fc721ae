/* SPDX-License-Identifier: MIT */
/*
 * What `ntlm client` and `ntlm server` share: loading the policy and the
 * password, the length-prefixed TCP framing (with deadlines and size limits
 * checked before anything is allocated), bounded line reading for the
 * --stdio modes (ntlm-lines/1), and the wrap layout of the data phase.
 */
#ifndef NTLM_TOOL_PEER_H
#define NTLM_TOOL_PEER_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fe.h"
#include "tool.h"

/* Frames: a 4-byte big-endian length, then that many bytes (docs/cli.md). */
#define FRAME_TOKEN_MAX NTLM_MAX_TOKEN	     /* NEGOTIATE / CHALLENGE / AUTHENTICATE / result */
#define FRAME_DATA_MAX 65536u		     /* a data-phase message: signature || data */
#define LINE_DATA_MAX (FRAME_DATA_MAX - 16u) /* longest stdin line the client sends */

/* ntlm-lines/1: the longest line, without its "\n" (a WRAP of 65536 + 6 bytes
 * in base64 is about 87 KiB). */
#define STDIO_LINE_MAX (128u * 1024u)

#ifndef PASSWORD_MAX
#define PASSWORD_MAX 1024 /* bytes of UTF-8, as `ntlm hash` */
#endif
#define DEFAULT_TIMEOUT 30 /* seconds */

/* The options `ntlm client` and `ntlm server` both take. */
struct peer_opts {
	struct config_list config;
	const char *profile, *audit;
	const char *timeout; /* as given; see peer_opts_finish */
	bool stdio;
	int timeout_ms;
};

/* The getopt_long values of the options of struct peer_opts: -c/--config
 * and -p/--profile take their short letter; --audit, --timeout and --stdio
 * these. */
enum { PEER_OPT_AUDIT = 0x1000, PEER_OPT_TIMEOUT, PEER_OPT_STDIO };

/* The struct option rows of those, and of --help, for a command's table. */
/* clang-format off */
#define PEER_LONG_OPTIONS \
	{ "help", no_argument, NULL, 'h' }, \
	{ "config", required_argument, NULL, 'c' }, \
	{ "profile", required_argument, NULL, 'p' }, \
	{ "audit", required_argument, NULL, PEER_OPT_AUDIT }, \
	{ "timeout", required_argument, NULL, PEER_OPT_TIMEOUT }, \
	{ "stdio", no_argument, NULL, PEER_OPT_STDIO }
/* clang-format on */

/* When ch (from tool_getopt_exact) is one of these (or 'c', 'p'), records it with
 * its value v and returns true. */
bool peer_opt(const struct tool_cmd *c, int ch, const char *v, struct peer_opts *p);

/* After the options: --config and --profile exclude each other; --timeout
 * (default DEFAULT_TIMEOUT s) into timeout_ms. Usage errors exit 2. */
void peer_opts_finish(const struct tool_cmd *c, struct peer_opts *p);

/* Loads the --config files (later wins), or the --profile NAME, or the cis
 * profile. Dies (exit 2) with the file:line of the first error. */
struct ntlm_policy *peer_load_policy(const struct tool_cmd *c, const struct config_list *config,
				     const char *profile);

/* Opens the audit: the JSON Lines file path (--audit), else the policy's
 * AuditLog destinations (syslog by default), ident "ntlm-COMMAND". */
struct ntlm_audit *peer_open_audit(const struct tool_cmd *c, const struct ntlm_policy *policy,
				   const char *path);

/* Reads the first line of a password file into buf (NUL-terminated, a
 * trailing "\n" or "\r\n" dropped). The file must be a regular file that
 * neither group nor others can read or write. Dies (exit 2) naming the file. */
void peer_read_password_file(const struct tool_cmd *c, const char *path, char *buf, size_t cap);

/* Parses a positive number of seconds (1..86400). */
bool peer_parse_seconds(const char *s, int *out);

/* Monotonic milliseconds. */
int64_t peer_now_ms(void);

enum frame_rc {
	FRAME_OK = 0,
	FRAME_EOF,	 /* the peer closed before the first byte of a frame */
	FRAME_TIMEOUT,	 /* the deadline passed */
	FRAME_TOO_LARGE, /* the length prefix is over the limit: nothing was read past it */
	FRAME_IO	 /* a read/write error, or the peer closed inside a frame */
};

/* Reads one frame of at most max bytes, waiting until deadline_ms
 * (peer_now_ms() scale). *out is allocated (at least 1 byte, so a 0-length
 * frame is not NULL) only after the length was checked; free() it. On
 * FRAME_TOO_LARGE, *len holds the announced length. err gets one line. */
enum frame_rc frame_read(int fd, size_t max, int64_t deadline_ms, uint8_t **out, size_t *len,
			 char *err, size_t errlen);

/* Writes one frame (len <= FRAME_DATA_MAX + 16) before deadline_ms. */
enum frame_rc frame_write(int fd, const uint8_t *p, size_t len, int64_t deadline_ms, char *err,
			  size_t errlen);

/* Before close(): ends our side (FIN), then reads and drops what the peer
 * still sends (at most 1 MiB, until deadline_ms or its FIN), so a frame just
 * sent is not lost to the RST that closing with unread data would cause. */
void peer_linger(int fd, int64_t deadline_ms);

/* A bounded reader of "\n"-terminated lines from a file descriptor. */
struct line_reader {
	int fd;
	size_t max;  /* longest line accepted, without the "\n" */
	char *buf;   /* owned: max + 2 bytes */
	size_t len;  /* bytes in buf */
	size_t drop; /* bytes of the line returned last, dropped on the next call */
	bool eof;
	unsigned long lineno; /* lines returned so far */
};

void line_reader_init(struct line_reader *r, int fd, size_t max);
void line_reader_free(struct line_reader *r);

enum line_rc { LINE_OK = 0, LINE_EOF, LINE_TOO_LONG, LINE_IO };

/* The next line, NUL-terminated, without its "\n" (and a "\r" before it,
 * when strip_cr). A last line without "\n" is returned as a line. *line
 * points into the reader and is valid until the next call. */
enum line_rc line_read(struct line_reader *r, bool strip_cr, char **line, size_t *len);

/* The data phase (docs/cli.md): with SEAL negotiated, ntlm_seal; otherwise
 * the signature (ntlm_sign: a real one with SIGN, the ALWAYS_SIGN dummy with
 * neither) followed by the plaintext. out holds len + 16 bytes. */
ntlm_status peer_wrap(struct ntlm_ctx *ctx, const uint8_t *in, size_t len, uint8_t *out);
/* The inverse; in_len >= 16; out holds in_len - 16 bytes. */
ntlm_status peer_unwrap(struct ntlm_ctx *ctx, const uint8_t *in, size_t in_len, uint8_t *out);

/* "sealed", "signed" or "unprotected" (the ALWAYS_SIGN dummy signature). */
const char *peer_protection(uint32_t flags);

/* Every set bit by name, joined with '|' ("-" when none); reserved bits as
 * hex. */
void peer_flag_names(uint32_t flags, char *buf, size_t len);

/* Copies s into buf with control bytes and DEL escaped as \xNN, so text from
 * the peer stays on one line; with field, also ' ' and '\\', so a name stays
 * one space-separated field. */
void peer_escape(const char *s, bool field, char *buf, size_t len);

/* "<STATUS_NAME>: <detail>" (the detail escaped) into buf. */
void peer_status_text(ntlm_status st, char *buf, size_t len);

/* Exit status for a library failure: 1 for authentication or policy, 2 else. */
int peer_exit_for(ntlm_status st);

#endif
