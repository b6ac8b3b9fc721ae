/* SPDX-License-Identifier: MIT */
/*
 * ntlm policy: show the effective settings of a profile or a policy file,
 * check a file (every error, not just the first), and import an INF or .reg
 * file as a native config. The loading, checking and rendering are the
 * library's (ntlm_policy_check_file, ntlm_policy_render).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <ntlmssp/unstable.h>

#include "tool.h"

void cmd_policy_usage(FILE *f)
{
	fputs("usage: ntlm policy show [--profile NAME] [--config FILE]... [--brief]\n"
	      "       ntlm policy check FILE\n"
	      "       ntlm policy import [--profile NAME] FILE\n"
	      "\n"
	      "FILE is a native config, a security template (INF, e.g. a GPO's\n"
	      "GptTmpl.inf) or a .reg export; the format is detected from the content\n"
	      "(docs/policy.md).\n"
	      "\n"
	      "  show    every setting's effective value, its Windows (Group Policy)\n"
	      "          name and registry path, its meaning in words, and where it came\n"
	      "          from: 'profile NAME', FILE:LINE or 'not defined (Windows\n"
	      "          default)'. Without --config or --profile: the default\n"
	      "          profile, cis.\n"
	      "          -c, --config FILE   the policy a file gives; given again,\n"
	      "                              the files apply in order, later wins\n"
	      "          -p, --profile NAME  cis, windows-default, strict or\n"
	      "                              legacy-insecure; with --config: the\n"
	      "                              starting point\n"
	      "          --brief             one 'Name = value  # meaning; source' line each\n"
	      "  check   validate FILE; print 'FILE: ok', or every error as a\n"
	      "          'FILE:LINE: message' line on stderr\n"
	      "  import  print the native config equivalent to FILE on stdout; an\n"
	      "          INF or .reg starts from windows-default (what it does not\n"
	      "          set is not defined), or from --profile NAME (-p)\n"
	      "  -h, --help  show this help\n"
	      "\n"
	      "exit status: 0 success, 2 usage error or a file with errors (each error\n"
	      "is printed as 'FILE:LINE: message')\n",
	      f);
}

/* Loads the files over profile (NULL: the first file's choice); on errors
 * prints each one and exits 2. */
static struct ntlm_policy *load(const struct tool_cmd *self, const char *profile,
				const char *const *paths, size_t n)
{
	struct ntlm_policy *p = NULL;
	char *errors = NULL;
	size_t n_errors = 0;
	ntlm_status st;

	st = ntlm_policy_check_files(profile, paths, n, &p, &errors, &n_errors);
	if (st == NTLM_OK)
		return p;
	if (errors && *errors)
		fputs(errors, stderr); /* "file:line: message" lines */
	else
		die_status(self, st);
	ntlm_free(errors);
	exit(EXIT_USAGE);
}

static void print_rendered(const struct tool_cmd *self, const struct ntlm_policy *p,
			   unsigned format)
{
	char *text = NULL;
	ntlm_status st = ntlm_policy_render(p, format, &text);

	if (st != NTLM_OK)
		die_status(self, st);
	fputs(text, stdout);
	ntlm_free(text);
}

enum { OPT_BRIEF = 256 };

static const struct option show_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "config", required_argument, NULL, 'c' },
	{ "profile", required_argument, NULL, 'p' },
	{ "brief", no_argument, NULL, OPT_BRIEF },
	{ NULL, 0, NULL, 0 },
};
static const struct option check_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
static const struct option import_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "profile", required_argument, NULL, 'p' },
	{ NULL, 0, NULL, 0 },
};

/* The one FILE operand of check / import (and import's --profile NAME). */
static const char *one_file(const struct tool_cmd *self, const char *action, int argc, char **argv,
			    const char **profile)
{
	const char *file = NULL, *v;
	int ch;

	optind = 0;
	while ((ch = tool_getopt_exact(self, argc - 1, argv + 1, profile ? "hp:" : "h",
				       profile ? import_opts : check_opts, &v)) != -1) {
		if (ch == 'h') {
			cmd_policy_usage(stdout);
			exit(0);
		}
		if (*profile) /* -p: import only (check_opts has none) */
			usage_error(self, "--profile given twice");
		*profile = v;
	}
	if (argc - 1 - optind > 1)
		usage_error(self, "%s takes one file", action);
	if (optind < argc - 1)
		file = argv[1 + optind];
	if (!file)
		usage_error(self, "%s needs a file", action);
	if (!*file)
		usage_error(self, "the file name is empty");
	return file;
}

static int show(const struct tool_cmd *self, int argc, char **argv)
{
	struct config_list config = { { NULL }, 0 };
	const char *profile = NULL, *v;
	struct ntlm_policy *p = NULL;
	bool brief = false;
	ntlm_status st;
	int ch;

	optind = 0;
	while ((ch = tool_getopt_exact(self, argc - 1, argv + 1, "hc:p:", show_opts, &v)) != -1) {
		switch (ch) {
		case 'h':
			cmd_policy_usage(stdout);
			return 0;
		case 'c':
			config_add(self, &config, v);
			break;
		case 'p':
			if (profile)
				usage_error(self, "--profile given twice");
			profile = v;
			break;
		default: /* OPT_BRIEF */
			brief = true;
			break;
		}
	}
	if (optind < argc - 1)
		usage_error(self, "show takes no operand (use --config FILE)");
	if (config.n) {
		p = load(self, profile, config.path, config.n);
	} else {
		st = ntlm_policy_new(profile, &p);
		if (st != NTLM_OK)
			die_status(self, st);
	}
	print_rendered(self, p, brief ? NTLM_POLICY_TEXT_DUMP : NTLM_POLICY_TEXT_SHOW);
	ntlm_policy_free(p);
	return 0;
}

static int check(const struct tool_cmd *self, int argc, char **argv)
{
	const char *file = one_file(self, "check", argc, argv, NULL);
	struct ntlm_policy *p = load(self, NULL, &file, 1);
	char *name = xmalloc(strlen(file) + 1);

	printf("%s: ok\n", safe_arg(file, false, name, strlen(file) + 1));
	free(name);
	ntlm_policy_free(p);
	return 0;
}

static int import(const struct tool_cmd *self, int argc, char **argv)
{
	const char *profile = NULL;
	const char *file = one_file(self, "import", argc, argv, &profile);
	struct ntlm_policy *p = load(self, profile, &file, 1);
	char *name = xmalloc(strlen(file) + 1);

	/* The name goes in a comment: shown printable, it cannot end the line. */
	printf("# Imported by 'ntlm policy import' from %s\n",
	       safe_arg(file, false, name, strlen(file) + 1));
	free(name);
	print_rendered(self, p, NTLM_POLICY_TEXT_NATIVE);
	ntlm_policy_free(p);
	return 0;
}

int cmd_policy(const struct tool_cmd *self, int argc, char **argv)
{
	char buf[64];

	if (argc < 2)
		usage_error(self, "no action given (show, check or import)");
	const char *action = argv[1];
	if (strcmp(action, "-h") == 0 || strcmp(action, "--help") == 0) {
		cmd_policy_usage(stdout);
		return 0;
	}
	if (strcmp(action, "show") == 0)
		return show(self, argc, argv);
	if (strcmp(action, "check") == 0)
		return check(self, argc, argv);
	if (strcmp(action, "import") == 0)
		return import(self, argc, argv);
	usage_error(self, "unknown action '%s' (show, check or import)",
		    safe_arg(action, true, buf, 40));
}
