"""The demo's internal customer-lookup web service (part 1 of the demo).

A small JSON-over-HTTP front end to the CRM's PostgreSQL database, as a
company would run it behind its single sign-on proxy: the proxy has
authenticated the employee and passes who it is in the X-Employee header.
The service runs as the system user svc-crm, with no login session, and
reaches PostgreSQL over its unix socket (the protected source).  Every
employee's request is therefore, for the kernel, a read by svc-crm; the
service tells daudit.ko whom it works for: per request, before it queries
the database, it declares the employee (the actor), the request id and the
client's address with daudit_actor, and clears the declaration once the
answer is sent.

    GET /customer?id=N             one customer
    GET /search?name=NAME          customers with that last name (at most 20)
    GET /customers?page=N&size=M   page N (from 0) of the table by id
    GET /export?page=N&size=M      the same page, also appended as CSV to the
                                   employee's file on the export share
    GET /health                    "ok" (no database, no declaration)

Usage: crm_server.py [--listen ADDR] [--port N] [--dsn DSN] [--exports DIR]
Prints "ready <port>" once it accepts connections.
"""

import argparse
import csv
import io
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg2
import psycopg2.pool

try:
    import daudit_actor
except ImportError:  # the binding is not installed: serve without it
    daudit_actor = None

COLUMNS = ("id", "account_id", "first_name", "last_name", "phone", "email",
           "city")
SELECT = "SELECT " + ", ".join(COLUMNS) + " FROM customers "
MAX_PAGE = 1000

# Declarations that did not take (set() < 0), by errno, for /stats.
STATS = {"requests": 0, "declared": 0, "refused": {}}
STATS_LOCK = threading.Lock()


def declare(employee, request, client):
    """Declare @employee for this thread; returns set()'s result."""
    if daudit_actor is None:
        return None
    rc = daudit_actor.set(employee, request=request, client=client)
    with STATS_LOCK:
        if rc == 0:
            STATS["declared"] += 1
        else:
            STATS["refused"][rc] = STATS["refused"].get(rc, 0) + 1
    return rc


def undeclare():
    if daudit_actor is not None:
        daudit_actor.clear()


class Handler(BaseHTTPRequestHandler):
    server_version = "crm/1.0"
    protocol_version = "HTTP/1.1"  # keep-alive: a session, one connection

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass  # one line per request would be most of the demo's output

    def reply(self, code, body):
        data = json.dumps(body, separators=(",", ":")).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # pylint: disable=invalid-name
        url = urllib.parse.urlsplit(self.path)
        args = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/health":
            self.reply(200, {"ok": True})
            return
        if url.path == "/stats":
            with STATS_LOCK:
                self.reply(200, STATS)
            return
        handler = {
            "/customer": self.customer,
            "/search": self.search,
            "/customers": self.page,
            "/export": self.export,
        }.get(url.path)
        if handler is None:
            self.reply(404, {"error": "no such endpoint"})
            return
        employee = self.headers.get("X-Employee", "")
        if not employee:
            self.reply(401, {"error": "no X-Employee header (not via the SSO proxy)"})
            return
        request = self.headers.get("X-Request-Id") or "%x-%x" % (
            os.getpid(), threading.get_ident())
        with STATS_LOCK:
            STATS["requests"] += 1
        # Declared from before the first query until the answer is sent:
        # the reads from PostgreSQL and the answer to the client are the
        # employee's; the client address lets daudit tell that answer
        # apart from data sent anywhere else.
        declare(employee, request, self.client_address[:2])
        try:
            try:
                code, body = handler(employee, args)
            except (KeyError, ValueError) as e:
                code, body = 400, {"error": "bad request: %s" % e}
            except psycopg2.Error as e:
                code, body = 500, {"error": str(e).strip()}
            self.reply(code, body)
        finally:
            undeclare()

    def query(self, sql, params):
        pool = self.server.pool
        conn = pool.getconn()
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                rows = cur.fetchall()
            conn.rollback()  # read only: end the transaction
            return rows
        except psycopg2.Error:
            conn.rollback()
            raise
        finally:
            pool.putconn(conn)

    @staticmethod
    def as_dicts(rows):
        return [dict(zip(COLUMNS, r)) for r in rows]

    def customer(self, _employee, args):
        rows = self.query(SELECT + "WHERE id = %s", (int(args["id"]),))
        if not rows:
            return 404, {"error": "no such customer"}
        return 200, self.as_dicts(rows)[0]

    def search(self, _employee, args):
        rows = self.query(SELECT + "WHERE last_name = %s ORDER BY id LIMIT 20",
                          (args["name"],))
        return 200, self.as_dicts(rows)

    def page_rows(self, args):
        page, size = int(args.get("page", 0)), int(args.get("size", 100))
        if page < 0 or not 0 < size <= MAX_PAGE:
            raise ValueError("page >= 0, 0 < size <= %d" % MAX_PAGE)
        # Keyset paging on the primary key: every page costs the same.
        return page, self.query(SELECT + "WHERE id > %s ORDER BY id LIMIT %s",
                                (page * size, size))

    def page(self, _employee, args):
        page, rows = self.page_rows(args)
        return 200, {"page": page, "columns": COLUMNS, "rows": rows}

    def export(self, employee, args):
        """The page, appended as CSV to the employee's file on the share."""
        page, rows = self.page_rows(args)
        name = "".join(c for c in employee if c.isalnum() or c in "-_")
        path = os.path.join(self.server.exports, "%s-%s.csv" % (
            name, time.strftime("%Y-%m-%d")))
        buf = io.StringIO()
        out = csv.writer(buf, lineterminator="\n")
        for r in rows:
            out.writerow(r)
        data = buf.getvalue().encode()
        with open(path, "ab") as f:
            f.write(data)
        return 200, {"page": page, "exported": len(rows), "bytes": len(data),
                     "file": path}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--listen", default="0.0.0.0")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--dsn", default="host=/run/postgresql dbname=crm")
    ap.add_argument("--exports", default="/srv/exports")
    ap.add_argument("--pool", type=int, default=8)
    a = ap.parse_args()

    server = ThreadingHTTPServer((a.listen, a.port), Handler)
    server.daemon_threads = True
    # Connections are opened on demand, in the request that needs one: no
    # read from PostgreSQL is made for nobody.
    server.pool = psycopg2.pool.ThreadedConnectionPool(0, a.pool, a.dsn)
    server.exports = a.exports
    print("ready %d actor-binding=%s" % (
        server.server_address[1],
        "none" if daudit_actor is None else
        ("loaded" if daudit_actor.available() else "no-libdaudit")),
        flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    server.pool.closeall()
    return 0


if __name__ == "__main__":
    sys.exit(main())
