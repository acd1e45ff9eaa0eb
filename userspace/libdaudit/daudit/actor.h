/* SPDX-License-Identifier: MIT */
/*
 * libdaudit: declared actors.  An application that works for many people
 * under one account declares, per thread and per request, whom it works
 * for; daudit.ko attributes the thread's reads of protected data to that
 * actor.  A declaration is a write to the thread's own memory, no system
 * call.  See daudit_actor(3).
 *
 * Self-contained: it needs neither the kernel's nor daudit's uapi header.
 * Link with -ldaudit (pkg-config libdaudit).
 */
#ifndef DAUDIT_ACTOR_H
#define DAUDIT_ACTOR_H

#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest actor and request ids, in bytes, without a terminating NUL. */
#ifndef DAUDIT_ACTOR_MAX
#define DAUDIT_ACTOR_MAX	64
#endif
#ifndef DAUDIT_REQUEST_MAX
#define DAUDIT_REQUEST_MAX	64
#endif

/*
 * Declare that the calling thread now works for @actor (1..64 bytes,
 * NUL-terminated), on request @request (NULL or at most 64 bytes) of
 * @client (NULL, or a struct sockaddr_in or sockaddr_in6 of @client_len
 * bytes).  Returns 0 when the declaration is in force in the kernel, else
 * a negative errno: -EINVAL, -ENAMETOOLONG, -EAFNOSUPPORT (the arguments;
 * nothing is declared), -ENOENT or -ENODEV (daudit.ko not loaded), -EPERM
 * (this program may not declare actors), ...  The declaration is written
 * in every case but a bad argument, and is in force as soon as a later
 * call registers the thread.
 */
int daudit_actor_set(const char *actor, const char *request,
		     const struct sockaddr *client, socklen_t client_len);

/* The thread works for nobody any more (no system call); returns 0. */
int daudit_actor_clear(void);

/*
 * 1 when the calling thread's area is registered with daudit.ko, else
 * the negative errno of its last registration attempt, 0 if none yet.
 */
int daudit_actor_status(void);

#ifdef __cplusplus
}
#endif

#endif /* DAUDIT_ACTOR_H */
