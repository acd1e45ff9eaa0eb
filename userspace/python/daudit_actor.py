# SPDX-License-Identifier: MIT
"""Declare to daudit the actor (the person) this thread works for.

A thin ctypes binding of libdaudit (daudit_actor(3)).  Each Python thread
is an operating-system thread with its own declaration::

    import daudit_actor

    with daudit_actor.actor("emp-0042", request="req-17",
                            client=("192.0.2.7", 51234)):
        rows = read_customer_records()

set() returns 0 when the declaration is in force in daudit.ko, else a
negative errno (-errno.ENOENT: the module is not loaded, -errno.EPERM: this
program is not an `app` of the policy).  When libdaudit cannot be loaded
every function does nothing and returns -errno.ELIBACC: the application
keeps serving.  DAUDIT_LIBRARY=/path/to/libdaudit.so.1 loads that file
instead of looking the library up by its soname.
"""

import contextlib
import ctypes
import errno
import os
import socket
import struct

__all__ = ["set", "clear", "status", "actor", "available"]

SONAME = "libdaudit.so.1"


def _load():
    path = os.environ.get("DAUDIT_LIBRARY") or SONAME
    try:
        lib = ctypes.CDLL(path, use_errno=True)
    except OSError:
        return None
    lib.daudit_actor_set.argtypes = (ctypes.c_char_p, ctypes.c_char_p,
                                     ctypes.c_char_p, ctypes.c_uint32)
    lib.daudit_actor_set.restype = ctypes.c_int
    lib.daudit_actor_clear.argtypes = ()
    lib.daudit_actor_clear.restype = ctypes.c_int
    lib.daudit_actor_status.argtypes = ()
    lib.daudit_actor_status.restype = ctypes.c_int
    return lib


_lib = _load()
_UNAVAILABLE = -errno.ELIBACC


def available():
    """True when libdaudit was loaded."""
    return _lib is not None


def _bytes(value):
    if value is None or isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")


def _sockaddr(client):
    """(host, port) as the bytes of a struct sockaddr_in or sockaddr_in6."""
    host, port = client
    port = int(port)
    if not 0 <= port <= 65535:
        raise ValueError("port out of range")
    try:
        addr = socket.inet_pton(socket.AF_INET, host)
        return struct.pack("=H", socket.AF_INET) + struct.pack(
            "!H", port) + addr + bytes(8)
    except OSError:
        pass
    addr = socket.inet_pton(socket.AF_INET6, host)
    return struct.pack("=H", socket.AF_INET6) + struct.pack(
        "!HI", port, 0) + addr + bytes(4)


def set(actor, request=None, client=None):  # pylint: disable=redefined-builtin
    """Declare @actor (str or bytes, 1..64 bytes) for this thread.

    @request: request id (at most 64 bytes) or None; @client: the client's
    (host, port), host a literal IPv4 or IPv6 address, or None.
    """
    if _lib is None:
        return _UNAVAILABLE
    actor, request = _bytes(actor), _bytes(request)
    # C strings end at a NUL: refuse rather than cut the id short.
    if (actor and b"\0" in actor) or (request and b"\0" in request):
        return -errno.EINVAL
    try:
        sa = _sockaddr(client) if client is not None else None
    except (OSError, ValueError, TypeError):
        return -errno.EINVAL
    return _lib.daudit_actor_set(actor, request, sa, len(sa) if sa else 0)


def clear():
    """This thread works for nobody any more."""
    if _lib is None:
        return _UNAVAILABLE
    return _lib.daudit_actor_clear()


def status():
    """1 if this thread is registered, else the last attempt's -errno."""
    if _lib is None:
        return _UNAVAILABLE
    return _lib.daudit_actor_status()


@contextlib.contextmanager
def actor(name, request=None, client=None):
    """Declare @name for the block, clear it after; yields set()'s result."""
    result = set(name, request, client)
    try:
        yield result
    finally:
        clear()
