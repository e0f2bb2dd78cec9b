/* SPDX-License-Identifier: GPL-2.0-or-later */
/* reg_platform.c - platform strings (os/arch/variant): parsing, normalising, the host's own. */
#include "pull/reg_manifest.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

/* Architecture aliases, as uname and people spell them, to the names image indexes use. A
 * variant of NULL keeps the one given; "" is replaced only when none was given. */
/* clang-format off */
static const struct {
	const char *alias, *arch, *variant;
} arch_aliases[] = {
	{ "x86_64", "amd64", NULL },
	{ "x86-64", "amd64", NULL },
	{ "amd64", "amd64", NULL },
	{ "aarch64", "arm64", "v8" },
	{ "arm64", "arm64", "v8" },
	{ "armhf", "arm", "v7" },
	{ "armel", "arm", "v6" },
	{ "arm", "arm", "v7" },
	{ "i386", "386", NULL },
	{ "i486", "386", NULL },
	{ "i586", "386", NULL },
	{ "i686", "386", NULL },
	{ "x86", "386", NULL },
	{ "armv7l", "arm", "v7" },
	{ "armv7", "arm", "v7" },
	{ "armv6l", "arm", "v6" },
	{ "armv6", "arm", "v6" },
	{ "armv5tel", "arm", "v5" },
	{ "armv5tejl", "arm", "v5" },
	{ "armv5l", "arm", "v5" },
	{ "armv8l", "arm", "v8" },
	{ "loongarch64", "loong64", NULL },
};
/* clang-format on */

static void set_field(char *dst, size_t size, const char *src, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Rewrite p->arch (and a missing or numeric variant) to the canonical spelling. */
static void normalise(struct reg_platform *p)
{
	for (size_t i = 0; i < sizeof(arch_aliases) / sizeof(*arch_aliases); i++) {
		if (strcmp(p->arch, arch_aliases[i].alias) != 0)
			continue;
		set_field(p->arch, sizeof(p->arch), arch_aliases[i].arch,
			  strlen(arch_aliases[i].arch));
		if (arch_aliases[i].variant && !p->variant[0])
			snprintf(p->variant, sizeof(p->variant), "%s", arch_aliases[i].variant);
		break;
	}
	/* "linux/arm/7" and "linux/arm64/8" mean v7 and v8 */
	if ((!strcmp(p->arch, "arm") || !strcmp(p->arch, "arm64")) &&
	    isdigit((unsigned char)p->variant[0]) && strlen(p->variant) < sizeof(p->variant) - 1) {
		memmove(p->variant + 1, p->variant, strlen(p->variant) + 1);
		p->variant[0] = 'v';
	}
}

/* A field of a platform string: 1 to 31 characters of [a-z0-9._-] (lowercased). */
static int copy_part(char *dst, size_t size, const char *src, size_t n)
{
	if (n == 0 || n >= size)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = (char)tolower((unsigned char)src[i]);

		if (!isalnum((unsigned char)c) && c != '.' && c != '_' && c != '-')
			return 0;
		dst[i] = c;
	}
	dst[n] = '\0';
	return 1;
}

/* Parse "os/arch[/variant]" into p (normalised); 0, or -EINVAL naming s. */
int reg_platform_parse(const char *s, struct reg_platform *p, struct udc_error *e)
{
	const char *arch = strchr(s, '/');
	const char *variant = arch ? strchr(arch + 1, '/') : NULL;
	int ok;

	memset(p, 0, sizeof(*p));
	ok = arch && copy_part(p->os, sizeof(p->os), s, (size_t)(arch - s));
	if (ok && variant)
		ok = copy_part(p->arch, sizeof(p->arch), arch + 1, (size_t)(variant - arch - 1)) &&
		     copy_part(p->variant, sizeof(p->variant), variant + 1, strlen(variant + 1));
	else if (ok)
		ok = copy_part(p->arch, sizeof(p->arch), arch + 1, strlen(arch + 1));
	if (!ok) {
		memset(p, 0, sizeof(*p));
		return udc_fail(e, EINVAL, "invalid platform '%s' (want os/arch[/variant])", s);
	}
	normalise(p);
	return 0;
}

/* The platform for a uname machine string; unknown machines are taken as the arch name. */
void reg_platform_from_machine(const char *machine, struct reg_platform *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->os, sizeof(p->os), "linux");
	set_field(p->arch, sizeof(p->arch), machine, strlen(machine));
	normalise(p);
}

/* The host's platform from uname(2) at run time: a binary may run on a compatible CPU. */
void reg_platform_host(struct reg_platform *p)
{
	struct utsname u;

	if (uname(&u) != 0)
		snprintf(u.machine, sizeof(u.machine), "unknown");
	reg_platform_from_machine(u.machine, p);
}

/* "os/arch[/variant]" into buf (truncated to size), or "(none)"; returns buf. */
char *reg_platform_str(const struct reg_platform *p, char *buf, size_t size)
{
	if (!p->os[0])
		snprintf(buf, size, "(none)");
	else
		snprintf(buf, size, "%s/%s%s%s", p->os, p->arch, p->variant[0] ? "/" : "",
			 p->variant);
	return buf;
}
