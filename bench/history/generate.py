"""A `git fast-import` stream for the history benchmark (bench/history.sh).

    python3 generate.py COMMITS FILES_PER_COMMIT > stream

COMMITS commits on main, each rewriting FILES_PER_COMMIT files of mixed kinds (Python, shell,
YAML, JSON, .env, Go, JavaScript, properties, Markdown, text) with content no other version has,
so there are COMMITS * FILES_PER_COMMIT distinct blobs; a side branch of 50 commits that is never
merged; and PLANTS basic-auth passwords, each added in one commit and deleted 500 commits later,
which the script expects `credlint scan --history` to report as removed. Deterministic (seeded).
"""

import random
import sys

commits = int(sys.argv[1])
per_commit = int(sys.argv[2])
rng = random.Random(20261127)
out = sys.stdout.buffer

KINDS = ["py", "sh", "yml", "json", "env", "go", "js", "properties", "md", "txt"]
DIRS = [f"{top}/{sub}" for top in ["src", "deploy", "ci", "config", "docs", "tools", "services", "lib"]
        for sub in ["core", "api", "jobs", "util", "ops"]]
PATHS = [f"{rng.choice(DIRS)}/file{i}.{KINDS[i % len(KINDS)]}" for i in range(3000)]
WORDS = "alpha beta gamma delta sync deploy fetch index build report retry cache queue worker".split()
# Passwords planted in history: seasons, years and a symbol, as people choose them.
PLANTS = [(c, f"{season}{year}{symbol}") for c, season, year, symbol in [
    (commits // 10, "Summer", 2019, "!"),
    (commits * 3 // 10, "Winter", 2020, "#"),
    (commits // 2, "Autumn", 2021, "!"),
    (commits * 7 // 10, "Spring", 2022, "?"),
    (commits * 9 // 10 - 600, "Harvest", 2023, "!"),
]]


def body(kind, tag):
    lines = []
    for n in range(rng.randint(8, 30)):
        w1, w2 = rng.choice(WORDS), rng.choice(WORDS)
        if kind == "py":
            lines.append(f"def {w1}_{n}(x):\n    return x + {rng.randint(0, 999)}  # {w2}")
            if n == 3:
                lines.append('token = os.environ["API_TOKEN"]\nrequests.get("https://api.example.com/v1/items", headers={"Authorization": f"Bearer {token}"})')
        elif kind == "sh":
            lines.append(f"echo {w1} {w2} {n}")
            if n == 2:
                lines.append('curl -H "Authorization: Bearer $DEPLOY_TOKEN" https://deploy.example.com/api/v1/release')
        elif kind == "yml":
            lines.append(f"{w1}_{n}:\n  name: {w2}\n  retries: {rng.randint(1, 9)}")
            if n == 1:
                lines.append("deploy:\n  env:\n    TOKEN: ${{ secrets.DEPLOY_TOKEN }}")
        elif kind == "json":
            lines.append(f'  "{w1}_{n}": "{w2}",')
        elif kind == "env":
            lines.append(f"{w1.upper()}_{n}={w2}")
        elif kind == "go":
            lines.append(f"func {w1}{n}() int {{ return {rng.randint(0, 999)} }} // {w2}")
        elif kind == "js":
            lines.append(f"const {w1}{n} = () => '{w2}';")
        elif kind == "properties":
            lines.append(f"{w1}.{w2}.{n}={rng.randint(0, 99999)}")
        else:
            lines.append(f"{w1} {w2} {n} {rng.random():.6f}")
    if kind == "json":
        return "{\n" + "\n".join(lines) + f'\n  "rev": "{tag}"\n}}\n'
    comment = {"py": "#", "sh": "#", "yml": "#", "env": "#", "properties": "#", "go": "//", "js": "//"}.get(kind, "")
    return f"{comment} rev {tag}\n" + "\n".join(lines) + "\n"


def data(text):
    raw = text.encode()
    out.write(b"data %d\n" % len(raw))
    out.write(raw)
    out.write(b"\n")


def commit(ref, mark, parent, number, changes):
    out.write(b"commit %s\nmark :%d\n" % (ref.encode(), mark))
    out.write(b"committer Bench <bench@example.com> %d +0000\n" % (1_600_000_000 + number * 60))
    data(f"change {number}\n")
    if parent:
        out.write(b"from :%d\n" % parent)
    for change in changes:
        if change[0] == "D":
            out.write(b"D %s\n" % change[1].encode())
        else:
            out.write(b"M 100644 inline %s\n" % change[1].encode())
            data(change[2])


planted_at = {c: (i, password) for i, (c, password) in enumerate(PLANTS)}
deleted_at = {c + 500: i for i, (c, _) in enumerate(PLANTS)}
for number in range(1, commits + 1):
    changes = []
    for slot in range(per_commit):
        path = PATHS[(number * per_commit + slot * 7919) % len(PATHS)] if number > 1 else PATHS[slot]
        kind = path.rsplit(".", 1)[1]
        changes.append(("M", path, body(kind, f"{number}-{slot}")))
    # Paths touched twice in one commit would leave one version unseen: keep the last.
    changes = list({path: (op, path, text) for op, path, text in changes}.values())
    if number in planted_at:
        i, password = planted_at[number]
        script = f"#!/bin/sh\ncurl -u svc:{password} https://jira.example.com/rest/api/2/myself\n"
        changes.append(("M", f"deploy/planted{i}.sh", script))
    if number in deleted_at:
        changes.append(("D", f"deploy/planted{deleted_at[number]}.sh"))
    commit("refs/heads/main", number, number - 1 if number > 1 else None, number, changes)

# A side branch that is never merged: its blobs are reachable only from its ref.
parent = commits // 2
for n in range(50):
    mark = commits + 1 + n
    path = f"feature/file{n}.py"
    commit("refs/heads/feature", mark, parent, commits + n, [("M", path, body("py", f"feature-{n}"))])
    parent = mark
out.write(b"done\n")
