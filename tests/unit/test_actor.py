#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The Python binding daudit_actor, over the libdaudit named by
DAUDIT_LIBRARY, on a host without daudit.ko.  Prints TAP like cmocka."""
import errno
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PYDIR = os.path.join(HERE, "..", "..", "userspace", "python")
sys.path.insert(0, PYDIR)
import daudit_actor  # noqa: E402  pylint: disable=wrong-import-position

NO_MODULE = (-errno.ENOENT, -errno.ENODEV)
results = []


def test(fn):
    try:
        fn()
        results.append((True, fn.__name__, ""))
    except Exception as e:  # pylint: disable=broad-except
        results.append((False, fn.__name__, repr(e)))
    return fn


@test
def the_library_is_loaded():
    assert daudit_actor.available(), os.environ.get("DAUDIT_LIBRARY")


@test
def without_the_module_set_returns_its_errno():
    assert daudit_actor.status() in (0,) + NO_MODULE
    r = daudit_actor.set("emp-01", "req-1", ("192.0.2.1", 40000))
    assert r in NO_MODULE, r
    assert daudit_actor.status() == r
    assert daudit_actor.set(b"emp-01", client=("2001:db8::1", 443)) == r
    assert daudit_actor.clear() == 0


@test
def bad_arguments_are_refused():
    assert daudit_actor.set("a" * 64) in NO_MODULE
    assert daudit_actor.set("a" * 65) == -errno.ENAMETOOLONG
    assert daudit_actor.set("é" * 33) == -errno.ENAMETOOLONG  # 66 bytes
    assert daudit_actor.set("emp", "r" * 65) == -errno.ENAMETOOLONG
    assert daudit_actor.set("") == -errno.EINVAL
    assert daudit_actor.set("emp\0x") == -errno.EINVAL
    assert daudit_actor.set("emp", client=("crm.example", 80)) == -errno.EINVAL
    assert daudit_actor.set("emp", client=("192.0.2.1", 70000)) == -errno.EINVAL


@test
def the_context_manager_yields_the_result():
    with daudit_actor.actor("emp-02", "req-2") as r:
        assert r in NO_MODULE, r


@test
def without_the_library_every_call_does_nothing():
    code = ("import daudit_actor as d, errno; "
            "e = -errno.ELIBACC; "
            "assert not d.available(); "
            "assert d.set('emp') == d.clear() == d.status() == e; "
            "r = d.actor('emp').__enter__(); assert r == e")
    env = dict(os.environ, DAUDIT_LIBRARY="/nonexistent/libdaudit.so.1",
               PYTHONPATH=PYDIR)
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


print("1..%d" % len(results))
for n, (ok, name, why) in enumerate(results, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", n, name))
    if why:
        print("# " + why)
sys.exit(0 if all(r[0] for r in results) else 1)
