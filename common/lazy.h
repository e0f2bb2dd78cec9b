/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lazy.h - bind libcurl, libarchive and libcrypto at their first use, not at start-up. */
#ifndef UDC_LAZY_H
#define UDC_LAZY_H

/*
 * `udockerc run` needs none of them, yet linking them costs every start 7 ms of the dynamic
 * loader's time (libcurl alone brings 32 libraries: Kerberos, LDAP, GnuTLS, ICU, ...), more than
 * the rest of a container's start. common/lazy_{curl,archive,crypto}.c define the functions
 * udockerc calls, each of which looks its real one up once (dlopen + dlsym) and calls it.
 * docs/design/lazy-libraries.md says more.
 */

/* The address of sym in library lib (a soname), loading lib on first use. When lib or sym is
 * missing, as when the dynamic loader cannot load a program: one line on stderr, exit 127. */
void *lazy_sym(const char *lib, const char *sym);

/* One function of LAZY_LIB: ret name params, forwarding args to the real one. */
#define LAZY_FN(ret, name, params, args)                                                           \
	ret name params                                                                            \
	{                                                                                          \
		static ret(*fp) params;                                                            \
		ret(*f) params = __atomic_load_n(&fp, __ATOMIC_ACQUIRE);                           \
		if (!f) {                                                                          \
			f = (ret(*) params)lazy_sym(LAZY_LIB, #name);                              \
			__atomic_store_n(&fp, f, __ATOMIC_RELEASE);                                \
		}                                                                                  \
		return f args;                                                                     \
	}

/* The same for a function returning void. */
#define LAZY_VOID(name, params, args)                                                              \
	void name params                                                                           \
	{                                                                                          \
		static void(*fp) params;                                                           \
		void(*f) params = __atomic_load_n(&fp, __ATOMIC_ACQUIRE);                          \
		if (!f) {                                                                          \
			f = (void(*) params)lazy_sym(LAZY_LIB, #name);                             \
			__atomic_store_n(&fp, f, __ATOMIC_RELEASE);                                \
		}                                                                                  \
		f args;                                                                            \
	}

#endif
