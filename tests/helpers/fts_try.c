/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fts_try.c - walk directories with glibc's fts, built by the guest gcc for tests/run_f.bats.
 * fts_try phys|nochdir|logical DIR...: one line per entry but post-order ones, its fts_path;
 * "BAD ..." when fts_pathlen is not strlen(fts_path) or fts_accpath cannot be lstat'ed, and
 * "NS path" for an entry fts could not stat. fts_try children DIR: the names fts_children gives
 * for the roots before the first read, then each child of DIR (no trailing '/') as
 * fts_path/fts_name, "BAD ..." when its fts_pathlen is not the one of that path.
 */
#include <fts.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int by_name(const FTSENT **a, const FTSENT **b)
{
	return strcmp((*a)->fts_name, (*b)->fts_name);
}

static void check(const FTSENT *p)
{
	struct stat st;

	if (p->fts_pathlen != strlen(p->fts_path))
		printf("BAD pathlen %u %s\n", p->fts_pathlen, p->fts_path);
	if (p->fts_info != FTS_NS && lstat(p->fts_accpath, &st) != 0)
		printf("BAD accpath %s (%s)\n", p->fts_accpath, p->fts_path);
}

static int walk(char **dirs, int opts)
{
	FTS *sp = fts_open(dirs, opts, by_name);
	FTSENT *p;

	if (!sp)
		return perror("fts_open"), 1;
	while ((p = fts_read(sp))) {
		if (p->fts_info == FTS_DP)
			continue;
		if (p->fts_info == FTS_NS)
			printf("NS %s\n", p->fts_path);
		else
			printf("%s\n", p->fts_path);
		check(p);
	}
	return fts_close(sp);
}

static int children(char **dirs)
{
	FTS *sp = fts_open(dirs, FTS_PHYSICAL, NULL);
	FTSENT *p, *c;

	if (!sp)
		return perror("fts_open"), 1;
	for (c = fts_children(sp, FTS_NAMEONLY); c; c = c->fts_link)
		printf("root %s\n", c->fts_name);
	p = fts_read(sp);
	if (!p)
		return perror("fts_read"), 1;
	check(p);
	for (c = fts_children(sp, 0); c; c = c->fts_link) {
		printf("%s/%s\n", c->fts_path, c->fts_name);
		if (c->fts_pathlen != p->fts_pathlen + 1 + c->fts_namelen)
			printf("BAD child pathlen %s\n", c->fts_name);
	}
	return fts_close(sp);
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	if (!strcmp(argv[1], "children"))
		return children(argv + 2);
	if (!strcmp(argv[1], "nochdir"))
		return walk(argv + 2, FTS_PHYSICAL | FTS_NOCHDIR);
	if (!strcmp(argv[1], "logical"))
		return walk(argv + 2, FTS_LOGICAL);
	return walk(argv + 2, FTS_PHYSICAL);
}
