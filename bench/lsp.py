#!/usr/bin/env python3
"""The language server's latency and memory (issue #21). Not a test: it prints numbers for the README.

    python3 bench/lsp.py [CREDLINT] [EDITS]

Opens a 2,000-line Python file in `credlint lsp`, then changes one line at a time and times each
change to its published diagnostics (median and 95th percentile of 200 changes). Then it sends
EDITS changes (default 36,000: an hour of editing at ten changes a second) as fast as the server
takes them, and reports its resident memory before and after, from /proc. Python 3 standard
library only.

With LSP_WORKSPACE=DIR the session's root is DIR: the server scans it in the background (for the
whole-repository rules) while the changes are timed, and its memory includes that scan's.
"""
import json
import os
import statistics
import subprocess
import queue
import sys
import threading
import time


def frame(message):
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class Server:
    def __init__(self, binary):
        self.process = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 0
        # A reader thread: the server writes while it is being written to, and a full pipe each
        # way would stop both.
        self.messages = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            length = None
            while True:
                line = self.process.stdout.readline()
                if not line:
                    self.messages.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            self.messages.put(json.loads(self.process.stdout.read(length)))

    def send(self, message):
        self.process.stdin.write(frame(message))
        self.process.stdin.flush()

    def receive(self):
        message = self.messages.get(timeout=60)
        if message is None:
            raise SystemExit("the server closed its output")
        return message

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id:
                return message.get("result")

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self, uri):
        while True:
            message = self.receive()
            if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                return message["params"]["diagnostics"]

    def rss_mb(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")


def document(lines, edit):
    """A 2,000-line module with a few credentials; `edit` changes one line's value."""
    out = []
    # Joined at run time, so that this generator is not itself a finding when credlint scans its
    # own checkout.
    password = "".join(("Win", f"ter{edit:06d}#"))
    for i in range(lines):
        if i == 1000:
            out.append(f'requests.get("https://jira.example.com/rest/api/2/myself", auth=("svc", "{password}"))\n')
        elif i % 250 == 0:
            out.append(f'session.auth = ("svc{i}", os.environ["JIRA_" + "PASSWORD_{i}"])\n')
        else:
            out.append(f"value_{i} = compute({i}, name='field_{i}')  # edit {edit}\n")
    return "".join(out)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/credlint"
    edits = int(sys.argv[2]) if len(sys.argv) > 2 else 36_000
    server = Server(binary)
    workspace = os.environ.get("LSP_WORKSPACE")
    root_uri = "file://" + os.path.abspath(workspace) if workspace else None
    server.request("initialize", {"processId": os.getpid(), "rootUri": root_uri, "capabilities": {}})
    server.notify("initialized", {})
    uri = "file:///tmp/credlint-bench-lsp/module.py"
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": document(2000, 0)}})
    first = server.diagnostics(uri)
    assert any(d["code"] == "basic-auth-password" for d in first), first
    latencies = []
    for version in range(2, 202):
        text = document(2000, version)
        started = time.perf_counter()
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]})
        server.diagnostics(uri)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    before = server.rss_mb()
    texts = [document(2000, v) for v in range(8)]
    started = time.perf_counter()
    for version in range(edits):
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 300 + version}, "contentChanges": [{"text": texts[version % 8]}]})
        if version % 500 == 0:
            server.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 1000, "character": 80}})
    server.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}})
    elapsed = time.perf_counter() - started
    after = server.rss_mb()
    server.request("shutdown", None)
    server.notify("exit", None)
    server.process.wait(timeout=30)
    if workspace:
        print(f"workspace: {workspace} (scanned in the background)")
    print(f"2,000-line Python file ({len(texts[0]) / 1024:.0f} KB): change to diagnostics, 200 changes: "
          f"median {statistics.median(latencies):.1f} ms, p95 {latencies[int(len(latencies) * 0.95)]:.1f} ms, max {latencies[-1]:.1f} ms")
    print(f"{edits:,} changes in {elapsed:.1f} s (debounced: diagnosed when the queue empties); "
          f"RSS {before:.1f} MB before, {after:.1f} MB after")


if __name__ == "__main__":
    main()
