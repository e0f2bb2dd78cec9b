/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli_opts.c - udocker's option grammar: --opt=value, --opt value, stop at first positional. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

/* Index of option name (long or short form) in cmd's table, or -1. */
int cli_opt_index(const struct cli_cmd *cmd, const char *name)
{
	for (int i = 0; cmd->opts && cmd->opts[i].name; i++)
		if (!strcmp(cmd->opts[i].name, name) ||
		    (cmd->opts[i].alias && !strcmp(cmd->opts[i].alias, name)))
			return i;
	return -1;
}

/* "-it": short flags that take no value, given together; 1 when every letter is one. */
static int parse_cluster(const struct cli_cmd *cmd, const char *word, struct cli_args *a)
{
	char one[3] = {'-', 0, 0};
	size_t i, n = strlen(word);
	int k;

	if (n < 3 || word[1] == '-' || strchr(word, '='))
		return 0;
	for (i = 1; i < n; i++) {
		one[1] = word[i];
		k = cli_opt_index(cmd, one);
		if (k < 0 || cmd->opts[k].arg)
			return 0;
	}
	for (i = 1; i < n; i++) {
		one[1] = word[i];
		a->set[cli_opt_index(cmd, one)]++;
	}
	return 1;
}

/* Match one argv word; consumes a following value when needed. Returns words used or -errno. */
static int parse_one(const struct cli_cmd *cmd, int argc, char **argv, int i, struct cli_args *a,
		     struct udc_error *e)
{
	char name[128];
	const char *eq = strchr(argv[i], '=');
	size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
	int k;

	if (n >= sizeof(name))
		return udc_fail(e, EINVAL, "%s: unknown option %.40s...", cmd->name, argv[i]);
	memcpy(name, argv[i], n);
	name[n] = '\0';
	k = cli_opt_index(cmd, name);
	if (k < 0 && parse_cluster(cmd, argv[i], a))
		return 1;
	if (k < 0)
		return udc_fail(e, EINVAL, "%s: unknown option %s", cmd->name, name);
	a->set[k]++;
	if (!cmd->opts[k].arg) {
		if (eq)
			return udc_fail(e, EINVAL, "%s: option %s takes no value", cmd->name, name);
		return 1;
	}
	if (eq) {
		a->val[k] = eq + 1;
		return 1;
	}
	if (i + 1 >= argc)
		return udc_fail(e, EINVAL, "%s: option %s needs a value", cmd->name, name);
	a->val[k] = argv[i + 1];
	return 2;
}

/* Parse argv against cmd's options; scanning stops at the first positional argument ("-" is
 * positional: it means stdin/stdout) or after "--". */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, struct cli_args *a,
	      struct udc_error *e)
{
	int i = 0, used;

	memset(a, 0, sizeof(*a));
	while (i < argc && argv[i][0] == '-' && argv[i][1] != '\0') {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		used = parse_one(cmd, argc, argv, i, a, e);
		if (used < 0)
			return used;
		i += used;
	}
	a->optv = argv;
	a->optc = i;
	a->pos = argv + i;
	a->npos = argc - i;
	if (a->npos < cmd->min_pos)
		return udc_fail(e, EINVAL, "%s: missing argument: usage: udockerc %s %s", cmd->name,
				cmd->name, cmd->usage);
	if (cmd->max_pos >= 0 && a->npos > cmd->max_pos)
		return udc_fail(e, EINVAL, "%s: unexpected argument '%s'", cmd->name,
				a->pos[cmd->max_pos]);
	return 0;
}

/* 1 when option name was given. */
int cli_has(const struct cli_cmd *cmd, const struct cli_args *a, const char *name)
{
	int k = cli_opt_index(cmd, name);

	return k >= 0 && a->set[k] > 0;
}

/* The last value of option name, or NULL. */
const char *cli_val(const struct cli_cmd *cmd, const struct cli_args *a, const char *name)
{
	int k = cli_opt_index(cmd, name);

	return k >= 0 ? a->val[k] : NULL;
}

/* Every value of the repeatable option name, in order (the option words were checked by
 * cli_parse already), NULL-terminated, child of mem_ctx. */
const char **cli_vals(TALLOC_CTX *mem_ctx, const struct cli_cmd *cmd, const struct cli_args *a,
		      const char *name)
{
	int want = cli_opt_index(cmd, name), n = 0;
	const char **vals = talloc_zero_array(mem_ctx, const char *, (size_t)a->optc + 1);

	for (int i = 0; vals && i < a->optc; i++) {
		char word[128];
		const char *eq = strchr(a->optv[i], '=');
		size_t len = eq ? (size_t)(eq - a->optv[i]) : strlen(a->optv[i]);
		int k;

		if (len >= sizeof(word) || !strcmp(a->optv[i], "--"))
			continue;
		memcpy(word, a->optv[i], len);
		word[len] = '\0';
		k = cli_opt_index(cmd, word);
		if (k < 0 || !cmd->opts[k].arg)
			continue;
		if (!eq)
			i++; /* the value is the next word, whichever option this is */
		if (k == want)
			vals[n++] = eq ? eq + 1 : a->optv[i];
	}
	return vals;
}

/* Print the usage and options of cmd on stdout. */
void cli_usage(const struct cli_cmd *cmd)
{
	printf("%s: %s\n\nUsage: udockerc %s %s\n", cmd->name, cmd->summary, cmd->name, cmd->usage);
	if (!cmd->opts || !cmd->opts[0].name)
		return;
	printf("\nOptions:\n");
	for (int i = 0; cmd->opts[i].name; i++) {
		char left[64];

		snprintf(left, sizeof(left), "%s%s%s%s%s", cmd->opts[i].alias ?: "",
			 cmd->opts[i].alias ? ", " : "", cmd->opts[i].name,
			 cmd->opts[i].arg ? "=" : "", cmd->opts[i].arg ?: "");
		printf("  %-26s %s\n", left, cmd->opts[i].help);
	}
}
