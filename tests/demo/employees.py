"""The demo's twenty employees, as seen by the CRM web service (part 1).

They sit at their own machines and reach the service over HTTP through the
single sign-on proxy, which passes who they are in X-Employee.  Here each
employee is a distinct source address on the loopback network
(emp-01 is 127.0.0.101, ..., emp-20 127.0.0.120), so the service sees, and
declares, twenty different clients.  Runs as root: before each activity it
sets the VM's clock to the simulated time (as the demo's `date -s` does).

    employees.py workday DAY           a working day: every employee looks a
                                       few customers up, 08:30-17:30
    employees.py page EMP DAY HH:MM FIRST LAST [--export]
                                       EMP pages through the customer table,
                                       pages FIRST..LAST-1 of PAGE_SIZE rows
                                       (with --export: through /export)

Prints one summary line per run.  Exits 1 if a request failed.
"""

import argparse
import datetime
import http.client
import json
import random
import sys
import time

SERVER = ("127.0.0.1", 8080)
EMPLOYEES = ["emp-%02d" % i for i in range(1, 21)]
PAGE_SIZE = 1000
LAST_NAMES = ("Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann "
              "Koch Richter Klein Wolf Neumann Schwarz Braun Zimmermann "
              "Hartmann Kruger Lange Werner Krause Lehmann Schmitt Walter "
              "Peters Vogel Jung Roth").split()
N_CUSTOMERS = 100000


def address(emp):
    return "127.0.0.%d" % (100 + int(emp.split("-")[1]))


def set_clock(day, hhmm, second=None):
    """The VM's clock to DAY HH:MM[:SS] (UTC, as the VM's local time)."""
    h, m = (int(x) for x in hhmm.split(":"))
    t = datetime.datetime.fromisoformat(day).replace(
        hour=h, minute=m, second=second if second is not None else 0,
        tzinfo=datetime.timezone.utc)
    time.clock_settime(time.CLOCK_REALTIME, t.timestamp())


class Client:
    """One employee's browser: requests via the proxy, from their address,
    on one kept-alive connection until close()."""

    serial = 0

    def __init__(self, emp):
        self.emp = emp
        self.requests = 0
        self.bytes = 0
        self.conn = None

    def get(self, path):
        Client.serial += 1
        if self.conn is None:
            self.conn = http.client.HTTPConnection(
                *SERVER, timeout=120, source_address=(address(self.emp), 0))
        self.conn.request("GET", path, headers={
            "X-Employee": self.emp,
            "X-Request-Id": "req-%06d" % Client.serial})
        resp = self.conn.getresponse()
        body = resp.read()
        self.requests += 1
        self.bytes += len(body)
        if resp.status != 200 and resp.status != 404:
            raise RuntimeError("%s GET %s: %d %s" % (self.emp, path, resp.status,
                                                    body[:200]))
        return json.loads(body)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def lookup_session(client, rng):
    """Search a name, open one to three of the customers found, or look a
    customer up by the id a caller gave."""
    if rng.random() < 0.3:
        client.get("/customer?id=%d" % rng.randint(1, N_CUSTOMERS))
        client.close()
        return
    found = client.get("/search?name=%s" % rng.choice(LAST_NAMES))
    for c in rng.sample(found, min(len(found), rng.randint(1, 3))):
        client.get("/customer?id=%d" % c["id"])
    client.close()


def workday(day):
    rng = random.Random("workday " + day)
    clients = {e: Client(e) for e in EMPLOYEES}
    # One or two lookup sessions each, at random times in working hours.
    sessions = []
    for e in EMPLOYEES:
        for _ in range(rng.randint(1, 2)):
            minute = rng.randint(8 * 60 + 30, 17 * 60 + 29)
            sessions.append((minute, rng.randint(0, 59), e))
    sessions.sort()
    for minute, second, e in sessions:
        set_clock(day, "%02d:%02d" % divmod(minute, 60), second)
        lookup_session(clients[e], rng)
    reqs = sum(c.requests for c in clients.values())
    got = sum(c.bytes for c in clients.values())
    print("  %s %s: 20 employees, %d lookup sessions, %d requests, %d KiB of answers" % (
        datetime.date.fromisoformat(day).strftime("%a"), day, len(sessions),
        reqs, got // 1024))


def page(emp, day, hhmm, first, last, export):
    client = Client(emp)
    set_clock(day, hhmm, 5)
    endpoint = "/export" if export else "/customers"
    rows = exported = 0
    path = None
    for p in range(first, last):
        r = client.get("%s?page=%d&size=%d" % (endpoint, p, PAGE_SIZE))
        if export:
            rows += r["exported"]
            exported += r["bytes"]
            path = r["file"]
        else:
            rows += len(r["rows"])
    client.close()
    end = time.strftime("%H:%M", time.gmtime())
    line = "  %s-%s %s: GET %s pages %d..%d (%d rows each): %d customers, %d KiB of answers" % (
        hhmm, end, emp, endpoint, first, last - 1, PAGE_SIZE, rows,
        client.bytes // 1024)
    if export:
        line += "\n        the service wrote %d KiB of CSV to %s" % (exported // 1024, path)
    print(line)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="what", required=True)
    w = sub.add_parser("workday")
    w.add_argument("day")
    p = sub.add_parser("page")
    p.add_argument("emp")
    p.add_argument("day")
    p.add_argument("hhmm")
    p.add_argument("first", type=int)
    p.add_argument("last", type=int)
    p.add_argument("--export", action="store_true")
    a = ap.parse_args()
    try:
        if a.what == "workday":
            workday(a.day)
        else:
            page(a.emp, a.day, a.hhmm, a.first, a.last, a.export)
    except (OSError, RuntimeError, ValueError, http.client.HTTPException) as e:
        print("employees: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
