/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pt_exec.c - execve under the tracer: dynamic programs run with the guest's loader, #! too. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <talloc.h>
#include <unistd.h>

#include "common/ld_opts.h"
#include "ptrace/pt_exec.h"
#include "ptrace/pt_mem.h"
#include "ptrace/pt_proc.h"
#include "ptrace/pt_shim.h"

/* Nested #! interpreters followed before ELOOP, as the kernel. */
#define PT_EXEC_DEPTH 4
/* Bytes of a #! line the kernel looks at (BINPRM_BUF_SIZE). */
#define PT_EXEC_LINE 256
/* argv entries read from the tracee at most (E2BIG beyond). */
#define PT_EXEC_MAX_ARGS (1u << 20)
/* Loaders larger than this are not scanned for --argv0. */
#define PT_EXEC_MAX_LOADER (64L << 20)
/* Pointers read from the tracee's argv per pt_mem_read. */
#define PT_EXEC_CHUNK 64

/* What a program file asks for (anything else is left to the kernel). */
enum pt_exec_kind {
	PT_EXEC_PLAIN,	 /* static, not ours to judge, or not readable: exec it as named */
	PT_EXEC_SCRIPT,	 /* #! line: interp and arg */
	PT_EXEC_DYNAMIC, /* ELF with PT_INTERP: interp */
};

/* One argv entry: a string of ours (pushed below the stack) or the tracee's own, by address. */
struct pt_arg {
	const char *str;
	unsigned long addr;
};

/* An exec being planned; a child of t->event. */
struct pt_exec_state {
	char guest[PATH_MAX]; /* the program now run, canonical guest path */
	char host[PATH_MAX];  /* ... and its host path: what the kernel executes */
	char interp[PATH_MAX];
	char arg[PT_EXEC_LINE + 1];
	struct pt_arg *av; /* the argv, talloc array; NULL until read */
	size_t n;
};

/* #! line in buf (NUL-terminated): interpreter and optional argument, as the kernel splits. */
static int pt_exec_script(char *buf, struct pt_exec_state *x)
{
	char *p = buf + 2, *name, *end;

	p[strcspn(p, "\n")] = '\0';
	p += strspn(p, " \t");
	name = p;
	p += strcspn(p, " \t");
	if (p == name)
		return PT_EXEC_PLAIN; /* no interpreter: the kernel says ENOEXEC */
	if (*p)
		*p++ = '\0';
	p += strspn(p, " \t");
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	strcpy(x->interp, name);
	strcpy(x->arg, p);
	return PT_EXEC_SCRIPT;
}

/* The PT_INTERP segment ph of fd into x->interp. */
static int pt_exec_interp(int fd, const Elf64_Phdr *ph, struct pt_exec_state *x)
{
	size_t len = ph->p_filesz;

	if (len < 2 || len > sizeof(x->interp) ||
	    pread(fd, x->interp, len, (off_t)ph->p_offset) != (ssize_t)len ||
	    x->interp[len - 1] != '\0')
		return PT_EXEC_PLAIN; /* malformed: the kernel answers ENOEXEC */
	x->arg[0] = '\0';
	return PT_EXEC_DYNAMIC;
}

/* ELF header buf of fd: PT_EXEC_DYNAMIC when it names an interpreter. */
static int pt_exec_elf(int fd, const char *buf, struct pt_exec_state *x)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	unsigned int i;

	memcpy(&eh, buf, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) || eh.e_phentsize != sizeof(ph))
		return PT_EXEC_PLAIN;
	for (i = 0; i < eh.e_phnum && i < 65536 / sizeof(ph); i++) {
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) != sizeof(ph))
			return PT_EXEC_PLAIN;
		if (ph.p_type == PT_INTERP)
			return pt_exec_interp(fd, &ph, x);
	}
	return PT_EXEC_PLAIN;
}

/* What x->host asks for, read from the tracer (same credentials as tracee pid). */
static int pt_exec_kind(pid_t pid, struct pt_exec_state *x)
{
	char buf[PT_EXEC_LINE + 1], self[PATH_MAX];
	const char *host = pt_fs_self(pid, x->host, self);
	struct stat st;
	ssize_t n = 0;
	int fd, k = PT_EXEC_PLAIN;

	fd = open(host, O_RDONLY | O_CLOEXEC | (host == x->host ? O_NOFOLLOW : 0));
	if (fd < 0)
		return PT_EXEC_PLAIN; /* missing, unreadable or a symlink: the kernel says */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    faccessat(AT_FDCWD, host, X_OK, AT_EACCESS) == 0)
		n = pread(fd, buf, PT_EXEC_LINE, 0);
	if (n >= 2 && buf[0] == '#' && buf[1] == '!') {
		buf[n] = '\0';
		k = pt_exec_script(buf, x);
	} else if (n >= (ssize_t)sizeof(Elf64_Ehdr)) {
		k = pt_exec_elf(fd, buf, x);
	}
	close(fd);
	return k;
}

/* What the loader at host takes (enum ld_opt); the last loader's answer is kept. */
static unsigned int pt_exec_loader_opts(struct pt_loop *l, const char *host)
{
	struct pt_loader_cache *c = &l->loader;
	struct stat st;
	void *m;
	int fd = open(host, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) != 0 || st.st_size <= 0 || st.st_size > PT_EXEC_MAX_LOADER) {
		close(fd);
		return 0;
	}
	if (c->ino == st.st_ino && c->dev == st.st_dev && c->size == st.st_size &&
	    c->mtime.tv_sec == st.st_mtim.tv_sec && c->mtime.tv_nsec == st.st_mtim.tv_nsec) {
		close(fd);
		return c->opts;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return 0;
	*c = (struct pt_loader_cache){st.st_dev, st.st_ino, st.st_size, st.st_mtim,
				      ld_opts_scan(m, (size_t)st.st_size)};
	munmap(m, (size_t)st.st_size);
	return c->opts;
}

/* Append entry a to x's argv. */
static int pt_argv_add(struct pt_exec_state *x, struct pt_arg a)
{
	if (x->n >= PT_EXEC_MAX_ARGS)
		return -E2BIG;
	if (!x->av || (x->n >= 8 && (x->n & (x->n - 1)) == 0)) { /* 8, 16, 32...: full */
		struct pt_arg *v = talloc_realloc(x, x->av, struct pt_arg, x->av ? 2 * x->n : 8);

		if (!v)
			return -ENOMEM;
		x->av = v;
	}
	x->av[x->n++] = a;
	return 0;
}

/* Read the tracee's argv array at addr (NULL: empty) into x, by address. */
static int pt_argv_read(struct pt_loop *l, struct pt_tracee *t, unsigned long addr,
			struct pt_exec_state *x)
{
	unsigned long p[PT_EXEC_CHUNK];
	size_t len, i;
	int r;

	for (x->n = 0; addr; addr += len) {
		len = 4096 - addr % 4096; /* never past the page that holds the NULL */
		if (len > sizeof(p))
			len = sizeof(p);
		len = len < sizeof(p[0]) ? sizeof(p[0]) : len - len % sizeof(p[0]);
		r = pt_mem_read(t->pid, addr, p, len, l->memflags);
		if (r)
			return r;
		for (i = 0; i < len / sizeof(p[0]); i++) {
			if (!p[i])
				return x->n ? 0 : pt_argv_add(x, (struct pt_arg){.str = ""});
			r = pt_argv_add(x, (struct pt_arg){.addr = p[i]});
			if (r)
				return r;
		}
	}
	return pt_argv_add(x, (struct pt_arg){.str = ""}); /* NULL argv: "" as argv[0] */
}

/* Replace argv[0] of x with the k entries of ins. */
static int pt_argv_head(struct pt_exec_state *x, const struct pt_arg *ins, size_t k)
{
	size_t i, n = x->n;
	int r;

	for (i = 1; i < k; i++) {
		r = pt_argv_add(x, (struct pt_arg){0});
		if (r)
			return r;
	}
	if (n > 1)
		memmove(x->av + k, x->av + 1, (n - 1) * sizeof(*x->av));
	memcpy(x->av, ins, k * sizeof(*ins));
	return 0;
}

/* Resolve an interpreter name in the guest view into x->guest/host; ENOENT when missing. */
static int pt_exec_resolve(struct pt_loop *l, const struct pt_exec_req *q, const char *name,
			   struct pt_exec_state *x)
{
	(void)l;
	return pm_canon(q->table, q->fs, q->cwd, name, PM_FOLLOW, x->guest, x->host);
}

/* #! at script name: argv becomes [interp, arg?, name, argv[1..]] and interp is run next. */
static int pt_exec_shebang(struct pt_loop *l, const struct pt_exec_req *q, const char **name,
			   struct pt_exec_state *x)
{
	struct pt_arg ins[3] = {{0}};
	size_t k = 0;
	int r;

	ins[k++].str = talloc_strdup(x, x->interp);
	if (x->arg[0])
		ins[k++].str = talloc_strdup(x, x->arg);
	ins[k++].str = *name;
	if (!ins[0].str || !ins[k - 2].str)
		return -ENOMEM; /* k - 2: the argument when there is one, else the interpreter */
	*name = ins[0].str;
	r = pt_argv_head(x, ins, k);
	return r ? r : pt_exec_resolve(l, q, *name, x);
}

/*
 * The name a loader without --argv0 gets for the program: it becomes the program's argv[0], so
 * the name it was exec'd by where the loader opens the same file with it (one with a '/', from
 * the cwd), for multi-call programs (busybox as /bin/ls) and for what argv[0] tells a program
 * about itself; else the canonical guest path.
 */
static const char *pt_exec_given(const struct pt_exec_req *q, const char *name,
				 const struct pt_exec_state *x)
{
	if (!strchr(name, '/'))
		return x->guest; /* a bare name would be searched for as a library */
	if (name[0] != '/' && strcmp(q->dir, q->cwd) != 0)
		return x->guest; /* relative to a dirfd (execveat), not to the cwd */
	return name;
}

/*
 * ELF with PT_INTERP: the guest loader runs the program,
 * [argv0, --argv0 argv0?, --preload shim?, prog, ...].
 */
static int pt_exec_loader(struct pt_loop *l, const struct pt_exec_req *q, const char *name,
			  struct pt_exec_state *x)
{
	struct pt_arg ins[6] = {{0}};
	size_t k = 0;
	char *prog = talloc_strdup(x, x->guest), *given = talloc_strdup(x, pt_exec_given(q, name, x));
	unsigned int opts;
	const char *shim;
	int r;

	if (!prog || !given)
		return -ENOMEM;
	r = pt_exec_resolve(l, q, x->interp, x);
	if (r)
		return r;
	opts = pt_exec_loader_opts(l, x->host);
	ins[k++] = x->av[0];
	if (opts & LD_OPT_ARGV0) {
		ins[k++].str = "--argv0";
		ins[k++] = x->av[0];
	} else {
		prog = given;
	}
	shim = pt_shim_preload(l, q->table, x->guest, opts);
	if (shim) {
		ins[k++].str = "--preload";
		ins[k++].str = shim;
	}
	ins[k++].str = prog;
	return pt_argv_head(x, ins, k);
}

/* Follow #! and PT_INTERP from x->host; 1 when the argv changed, 0 for a plain exec. */
static int pt_exec_plan(struct pt_loop *l, struct pt_tracee *t, const struct pt_exec_req *q,
			struct pt_exec_state *x)
{
	const char *name = q->path;
	int depth, k, r;

	for (depth = 0;; depth++) {
		k = pt_exec_kind(t->pid, x);
		r = k == PT_EXEC_SCRIPT ? 0 : pt_proc_exec_plan(t, x->guest, q->path);
		if (r)
			return r;
		if (k == PT_EXEC_PLAIN)
			return depth > 0;
		if (!x->av) {
			r = pt_argv_read(l, t, pt_reg_arg(&t->regs, q->arg + 1), x);
			if (r)
				return r;
		}
		if (k == PT_EXEC_DYNAMIC) {
			r = pt_exec_loader(l, q, name, x);
			return r ? r : 1;
		}
		if (depth == PT_EXEC_DEPTH)
			return -ELOOP;
		r = pt_exec_shebang(l, q, &name, x);
		if (r)
			return r;
	}
}

/* Place x's argv (our strings, then the pointer array) below *top; its address in *top. */
static int pt_argv_push(struct pt_loop *l, struct pt_tracee *t, struct pt_exec_state *x,
			unsigned long *top)
{
	unsigned long *p = talloc_array(x, unsigned long, x->n + 1), a;
	size_t i, len = (x->n + 1) * sizeof(*p);
	int r;

	if (!p)
		return -ENOMEM;
	for (i = 0; i < x->n; i++) {
		p[i] = x->av[i].addr;
		if (!x->av[i].str)
			continue;
		r = pt_mem_push_string(t->pid, top, x->av[i].str, l->memflags);
		if (r)
			return r;
		p[i] = *top;
	}
	p[x->n] = 0;
	if (*top < len + PT_ARCH_STACK_ALIGN)
		return -EFAULT;
	a = (*top - len) & ~(unsigned long)(PT_ARCH_STACK_ALIGN - 1);
	r = pt_mem_write(t->pid, a, p, len, l->memflags);
	if (r)
		return r;
	*top = a;
	return 0;
}

int pt_exec(struct pt_loop *l, struct pt_tracee *t, const struct pt_exec_req *q,
	    struct user_regs_struct *r, unsigned long *top)
{
	struct pt_exec_state *x = talloc_zero(t->event, struct pt_exec_state);
	unsigned long argv = 0;
	int n;

	if (!x)
		return -ENOMEM;
	n = pm_canon(q->table, q->fs, q->dir, q->path, q->canon, x->guest, x->host);
	if (n == 0)
		n = pt_exec_plan(l, t, q, x);
	if (n > 0) {
		n = pt_argv_push(l, t, x, top);
		argv = *top;
	}
	if (n == 0)
		n = pt_mem_push_string(t->pid, top, x->host, l->memflags);
	if (n == 0) {
		pt_reg_set_arg(r, q->arg, *top);
		if (argv)
			pt_reg_set_arg(r, q->arg + 1, argv);
	}
	talloc_free(x);
	return n < 0 ? n : 1;
}
