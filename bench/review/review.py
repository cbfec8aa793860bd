#!/usr/bin/env python3
"""Helper of bench/review/run.sh (Python 3 standard library only).

    review.py report --repo R --tree DIR --scan SCAN.json --rev SHA --rev-date D --extracted TEXT
                     --credlint-commit C --verdicts V.tsv --out R.md
    review.py precision --dir bench/review --out PRECISION.md

`report` writes one repository's table: counts per rule x severity; every error and warning
(when there are more than 50: every distinct pattern with its count, then a seeded random sample
of 50); a seeded random sample of 30 notes. Each listed finding shows the rule, severity,
path:line, the line with secrets masked, and the verdict and reason read from V.tsv, keyed by
rule, path, line and a short hash of the masked line (unjudged findings are added to V.tsv
as `?`). `precision` reads the listed rows back out of every report.
"""
import argparse
import collections
import hashlib
import os
import random
import re
import sys

SAMPLE_ERRORS = 50
SAMPLE_NOTES = 30
SEVERITIES = ["error", "warning", "note"]
VERDICTS = ["TP", "FP", "severity"]

# ------------------------------------------------------------------ masking

KEYWORD = r"(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|key|auth(?:orization)?|credentials?|bearer|basic)"
KEY_VALUE = re.compile(
    r"(?i)(\b[\w.-]*" + KEYWORD + r"[\w.-]*['\"]?\s*(?:=>|:=|[:=]|,)\s*)"  # key and separator
    r"(\"[^\"]*\"|'[^']*'|`[^`]*`|[^\s,;(){}\[\]'\"=>][^\s,;()}\]'\"]*)")
HEADER = re.compile(r"(?i)\b(basic|bearer|token)(\s+)([A-Za-z0-9+/=._~-]{4,})")
URL_USERINFO = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^\s/:@'\"]*:)([^\s@/'\"]+)(@)")
QUERY = re.compile(r"([?&][\w.-]+=)([^&\s'\"#)]+)")
CURL_USER = re.compile(r"(\s(?:-u|--user|--password|-a|--proxy-user)[=\s]+['\"]?[^\s:'\"]*:?)([^\s'\"]+)")
WORD = re.compile(r"[A-Za-z0-9+/_\-~]{16,}={0,2}")


def high_entropy(word):
    if len(word) < 16 or re.fullmatch(r"[a-z_.-]+|[A-Z_.-]+|[a-zA-Z]+(?:[._-][a-zA-Z]+)*", word):
        return False
    # URL paths and file names in lower case (`netbox/api/dcim/sites/1/`) are not secrets
    if re.fullmatch(r"[a-z0-9_./~-]+", word) and sum(c.isdigit() for c in word) <= 3:
        return False
    # dotted identifiers (`Base64.getEncoder`, `StandardCharsets.UTF_8`, `www.apache.org`) are code
    if all(re.fullmatch(r"[A-Za-z_][A-Za-z_]*\d{0,2}[A-Za-z_]*", seg) for seg in word.split(".")):
        return False
    classes = sum(bool(re.search(p, word)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[+/=_~-]"))
    return classes >= 2 and any(c.isdigit() for c in word) or classes >= 3


def mask_line(line, spans):
    """Mask the flagged spans (character ranges in `line`) and anything secret-looking."""
    chars = list(line)
    for a, b in spans:
        for i in range(max(a, 0), min(b, len(chars))):
            chars[i] = "\0"
    s = "".join(chars)
    s = re.sub("\0+", "****", s)

    def sub(rx, group):
        def rep(m):
            parts = [m.group(i) or "" for i in range(1, (m.lastindex or 0) + 1)]
            val = parts[group - 1]
            if val in ("****", '"****"', "'****'") or not val:
                return m.group(0)
            bare = val.strip("\"'` ")
            # keep code and references readable: a call or index (`HTTPDigestAuth(`), a scheme
            # word (`Basic `), an environment or CI reference (`$TOKEN`, `${{ secrets.X }}`)
            if s[m.end():m.end() + 1] in ("(", "[", "{") or bare.lower() in ("basic", "bearer", "token") \
                    or bare.startswith("$") or bare.startswith("secrets."):
                return m.group(0)
            q = val[0] if val[0] in "\"'`" and len(val) >= 2 and val[-1] == val[0] else ""
            parts[group - 1] = f"{q}****{q}" if q else "****"
            return "".join(parts)
        return rx.sub(rep, s)

    s = sub(URL_USERINFO, 2)
    s = sub(KEY_VALUE, 2)
    s = sub(HEADER, 3)
    s = sub(QUERY, 2)
    s = sub(CURL_USER, 2)
    s = WORD.sub(lambda m: "****" if high_entropy(m.group(0)) else m.group(0), s)
    # a trailing comment next to a masked value may spell it out (`# base64 encoded "…"`)
    if "****" in s:
        m = re.search(r"\s(#|//|<!--)\s", s)
        if m and s.find("****") < m.start():
            head, tail = s[:m.start()], s[m.start():]
            s = head + re.sub(r"(\"[^\"]+\"|'[^']+')", lambda q: q.group(0)[0] + "****" + q.group(0)[0], tail)
    return s


def clip(s, spans_hint, width=140):
    s = s.strip()
    if len(s) <= width:
        return s
    i = s.find("****")
    start = max(0, (i if i >= 0 else 0) - width // 3)
    out = s[start:start + width]
    return ("…" if start else "") + out + ("…" if start + width < len(s) else "")


def md_cell(s):
    return s.replace("|", "\\|").replace("`", "'").replace("\t", " ")


# ------------------------------------------------------------------ findings

def read_lines(tree, path, cache):
    if path not in cache:
        try:
            with open(os.path.join(tree, path), "rb") as fh:
                cache[path] = fh.read()
        except OSError:
            cache[path] = b""
    return cache[path]


def line_of(data, lineno, byte_range, extra_ranges):
    """The text of 1-based line `lineno` and the character spans of the given byte ranges on it."""
    lines = data.split(b"\n")
    if not (1 <= lineno <= len(lines)):
        return "", []
    start = sum(len(l) + 1 for l in lines[:lineno - 1])
    raw = lines[lineno - 1]
    end = start + len(raw)
    spans = []
    for br in [byte_range] + extra_ranges:
        if not br:
            continue
        a, b = max(br[0], start), min(br[1], end)
        if a < b:
            ca = len(raw[:a - start].decode("utf-8", "replace"))
            cb = len(raw[:b - start].decode("utf-8", "replace"))
            spans.append((ca, cb))
    return raw.decode("utf-8", "replace").rstrip("\r"), spans


def normalize_path(p):
    while p.startswith("./"):
        p = p[2:]
    return p


def pattern_of(f):
    msg = re.sub(r"`[^`]*`", "`…`", f["message"])
    msg = re.sub(r"\(\*+\)|\([^)]*…[^)]*\)", "(…)", msg)
    msg = re.sub(r"\d+", "N", msg)
    msg = msg if len(msg) <= 100 else msg[:100] + "…"
    base = os.path.basename(f["path"])
    kind = "*." + base.rsplit(".", 1)[1] if "." in base.strip(".") else base
    return (f["rule"], f["severity"], msg, kind)


def load_verdicts(path):
    rows = collections.OrderedDict()
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh):
                line = line.rstrip("\n")
                if n == 0 or not line.strip() or line.startswith("#"):
                    continue
                parts = line.split("\t")
                parts += [""] * (6 - len(parts))
                rule, p, ln, h, verdict, why = parts[:6]
                rows[(rule, p, ln, h)] = (verdict or "?", why)
    return rows


def write_verdicts(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    text = "rule\tpath\tline\thash\tverdict\twhy\n" + "".join(
        f"{k[0]}\t{k[1]}\t{k[2]}\t{k[3]}\t{v[0]}\t{v[1]}\n" for k, v in rows.items())
    old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
    if text != old:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)


def report(a):
    import json
    with open(a.scan, encoding="utf-8") as fh:
        doc = json.load(fh)
    cache = {}
    findings = []
    for f in doc["findings"]:
        loc = f["location"]
        path = normalize_path(loc["path"])
        same_line = [r.get("byte_range") for r in f.get("related", [])
                     if normalize_path(r.get("path", "")) == path]
        text, spans = line_of(read_lines(a.tree, path, cache), loc["start"]["line"], loc.get("byte_range"), same_line)
        masked = mask_line(text, spans)
        h = hashlib.sha1(masked.strip().encode()).hexdigest()[:8]
        findings.append({"rule": f["rule"], "severity": f["severity"], "message": f["message"], "path": path,
                         "line": loc["start"]["line"], "masked": clip(masked, spans), "hash": h})
    findings.sort(key=lambda f: (SEVERITIES.index(f["severity"]), f["rule"], f["path"], f["line"]))
    verdicts = load_verdicts(a.verdicts)

    def key(f):
        return (f["rule"], f["path"], str(f["line"]), f["hash"])

    def verdict(f):
        return verdicts.get(key(f), ("?", ""))

    rng = random.Random(f"credlint-review:{a.repo}")
    loud = [f for f in findings if f["severity"] != "note"]
    notes = [f for f in findings if f["severity"] == "note"]
    loud_listed = loud if len(loud) <= SAMPLE_ERRORS else sorted(
        rng.sample(loud, SAMPLE_ERRORS), key=lambda f: (SEVERITIES.index(f["severity"]), f["rule"], f["path"], f["line"]))
    notes_listed = notes if len(notes) <= SAMPLE_NOTES else sorted(
        rng.sample(notes, SAMPLE_NOTES), key=lambda f: (f["rule"], f["path"], f["line"]))
    # when sampled, the first finding of every pattern the sample missed is judged too
    sampled_pats = {pattern_of(f) for f in loud_listed}
    extra = []
    if len(loud) > SAMPLE_ERRORS:
        for f in loud:
            if pattern_of(f) not in sampled_pats:
                sampled_pats.add(pattern_of(f))
                extra.append(f)
    listed = {key(f) for f in loud_listed + extra + notes_listed}
    for f in loud_listed + extra + notes_listed:
        if key(f) not in verdicts:
            verdicts[key(f)] = ("?", "")
    # unjudged rows of findings no longer listed go; judged ones stay (a finding may come back)
    verdicts = collections.OrderedDict((k, v) for k, v in verdicts.items() if k in listed or v[0] != "?")
    write_verdicts(a.verdicts, verdicts)

    owner_name = a.repo.replace("+", "/")
    out = [f"# credlint review: {owner_name}", "",
           f"- repository: `{owner_name}` at `{a.rev}` ({a.rev_date}), HEAD of the mirror; extracted with "
           f"`extract.py` ({a.extracted.strip()})",
           f"- credlint: commit `{a.credlint_commit}`, `credlint scan --format json --min-severity note "
           f"--fail-on never --today 2026-12-05 .` from the tree's root (the repository's own config, none here unless stated)",
           f"- findings: {len(findings)} ({len(loud)} errors and warnings, {len(notes)} notes); "
           f"files scanned: {doc['summary'].get('files_scanned')}",
           "- verdicts (read from `verdicts/" + a.repo + ".tsv`): **TP** a real credential problem the rule "
           "describes; **FP** not a credential, or the claim is wrong; **severity** right finding, wrong "
           "severity; **?** not judged yet. Secrets and secret-looking values are masked as `****`.",
           "", "## Counts per rule and severity", "",
           "| rule | error | warning | note |", "|---|---|---|---|"]
    counts = collections.Counter((f["rule"], f["severity"]) for f in findings)
    for rule in sorted({f["rule"] for f in findings}):
        out.append(f"| {rule} | " + " | ".join(str(counts[(rule, s)]) for s in SEVERITIES) + " |")
    if not findings:
        out.append("| (none) | 0 | 0 | 0 |")
    hdr = ["| rule | severity | location | line (masked) | verdict | why |", "|---|---|---|---|---|---|"]

    def rows(items):
        res = []
        for f in items:
            v, why = verdict(f)
            res.append(f"| {f['rule']} | {f['severity']} | `{md_cell(f['path'])}:{f['line']}` | "
                       f"`{md_cell(f['masked'])}` | {v} | {md_cell(why)} |")
        return res

    if len(loud) > SAMPLE_ERRORS:
        pats = collections.Counter(pattern_of(f) for f in loud)
        ex = {}
        for f in loud:
            ex.setdefault(pattern_of(f), f)
        sample_v = collections.defaultdict(collections.Counter)
        for f in loud_listed + extra:
            sample_v[pattern_of(f)][verdict(f)[0]] += 1
        out += ["", f"## Errors and warnings: {len(loud)}, in {len(pats)} patterns", "",
                "A pattern is the rule, severity, message (names and numbers elided) and file kind.", "",
                "| count | rule | severity | message | file kind | first example | verdicts of its judged findings |",
                "|---|---|---|---|---|---|---|"]
        for p, n in sorted(pats.items(), key=lambda kv: (-kv[1], kv[0])):
            sv = ", ".join(f"{k} {v}" for k, v in sorted(sample_v[p].items())) or "not sampled"
            out.append(f"| {n} | {p[0]} | {p[1]} | {md_cell(p[2])} | {md_cell(p[3])} | "
                       f"`{md_cell(ex[p]['path'])}:{ex[p]['line']}` | {sv} |")
        out += ["", f"### Random sample of {SAMPLE_ERRORS} errors and warnings (seeded), judged one by one", ""]
    else:
        out += ["", f"## Errors and warnings: all {len(loud)}", ""]
    out += hdr + rows(loud_listed) if loud_listed else ["(none)"]
    if extra:
        out += ["", f"### The first finding of each of the {len(extra)} patterns the sample missed", ""]
        out += hdr + rows(extra)
    title = f"all {len(notes)}" if len(notes) <= SAMPLE_NOTES else f"random sample of {SAMPLE_NOTES} of {len(notes)} (seeded)"
    out += ["", f"## Notes: {title}", ""]
    out += hdr + rows(notes_listed) if notes_listed else ["(none)"]
    out.append("")
    with open(a.out, "w", encoding="utf-8") as fh:
        fh.write("\n".join(out))
    todo = sum(1 for f in loud_listed + extra + notes_listed if verdict(f)[0] == "?")
    print(f"{a.repo}: {len(findings)} findings, {len(loud_listed) + len(extra) + len(notes_listed)} listed, {todo} unjudged -> {a.out}")


# ------------------------------------------------------------------ precision

ROW = re.compile(r"^\| (?P<rule>[a-z-]+) \| (?P<sev>error|warning|note) \| `(?P<loc>.*)` \| `.*` \| (?P<v>TP|FP|severity|\?) \| ")


def parse_report(path):
    judged, counts, rev = [], collections.Counter(), ""
    section = None
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("- repository:"):
                m = re.search(r"at `([0-9a-f]+)`", line)
                rev = m.group(1)[:12] if m else ""
            if line.startswith("## Counts"):
                section = "counts"
            elif line.startswith("## ") or line.startswith("### "):
                section = "list"
            if section == "counts":
                m = re.match(r"^\| ([a-z-]+) \| (\d+) \| (\d+) \| (\d+) \|", line)
                if m:
                    for s, n in zip(SEVERITIES, m.groups()[1:]):
                        counts[(m.group(1), s)] += int(n)
            m = ROW.match(line)
            if m and section == "list":
                judged.append((m.group("rule"), m.group("sev"), m.group("v")))
    return rev, counts, judged


def precision(a):
    reports = sorted(f for f in os.listdir(a.dir) if f.endswith(".md") and "+" in f)
    out = ["# Review precision per repository, rule and severity", "",
           "Generated by `bench/review/run.sh` from the judged tables. precision = TP / judged "
           "(a `severity` verdict is not a TP). `found` is every finding of that rule and severity; "
           "`judged` the ones listed and judged (all of them, or a seeded sample).", ""]
    hdr = ["| repository | rule | severity | found | judged | TP | FP | severity | ? | precision |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    total_found, total = collections.Counter(), collections.defaultdict(collections.Counter)
    body = []
    for r in reports:
        name = r[:-3]
        rev, counts, judged = parse_report(os.path.join(a.dir, r))
        by = collections.defaultdict(collections.Counter)
        for rule, sev, v in judged:
            by[(rule, sev)][v] += 1
        keys = sorted(set(k for k, n in counts.items() if n) | set(by),
                      key=lambda k: (k[0], SEVERITIES.index(k[1])))
        if not keys:
            body.append(f"| {name} | (no findings) | | 0 | 0 | | | | | |")
        for k in keys:
            c = by[k]
            total_found[k] += counts[k]
            total[k].update(c)
            body.append(row(f"{name} `{rev[:8]}`", k, counts[k], c))
    out += ["## Per repository, errors and warnings apart from notes", "",
            "| repository | errors+warnings found | judged | TP | FP | severity | precision | notes found | judged | TP | FP | precision |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in reports:
        rev, counts, judged = parse_report(os.path.join(a.dir, r))
        loud_c, note_c = collections.Counter(), collections.Counter()
        for rule, sev, v in judged:
            (note_c if sev == "note" else loud_c)[v] += 1
        lf = sum(n for (rule, sev), n in counts.items() if sev != "note")
        nf = sum(n for (rule, sev), n in counts.items() if sev == "note")
        lc, nc = cells(lf, loud_c), cells(nf, note_c)
        out.append(f"| {r[:-3]} | {lc[0]} | {lc[1]} | {lc[2]} | {lc[3]} | {lc[4]} | {lc[6]} | "
                   f"{nc[0]} | {nc[1]} | {nc[2]} | {nc[3]} | {nc[6]} |")
    out += ["", "## Per repository, rule and severity", ""] + hdr + body
    out += ["", "## All nine repositories, per rule and severity", "",
            "| rule | severity | found | judged | TP | FP | severity | ? | precision |",
            "|---|---|---|---|---|---|---|---|---|"]
    allc = collections.Counter()
    for k in sorted(total, key=lambda k: (k[0], SEVERITIES.index(k[1]))):
        allc.update(total[k])
        out.append(row(None, k, total_found[k], total[k]))
    out.append(row(None, ("**all rules**", "all"), sum(total_found.values()), allc))
    bysev = collections.defaultdict(collections.Counter)
    fsev = collections.Counter()
    for k, c in total.items():
        bysev[k[1]].update(c)
        fsev[k[1]] += total_found[k]
    out += ["", "## All nine repositories, per severity", "",
            "| severity | found | judged | TP | FP | severity | ? | precision |", "|---|---|---|---|---|---|---|---|"]
    for s in SEVERITIES:
        if fsev[s] or bysev[s]:
            out.append(row(None, (None, s), fsev[s], bysev[s]).replace("|  | ", "| ", 1) if False else
                       "| " + " | ".join([s] + cells(fsev[s], bysev[s])) + " |")
    out.append("")
    with open(a.out, "w", encoding="utf-8") as fh:
        fh.write("\n".join(out))
    print(f"precision -> {a.out}")


def cells(found, c):
    judged = c["TP"] + c["FP"] + c["severity"]
    prec = f"{100 * c['TP'] / judged:.0f}% ({c['TP']}/{judged})" if judged else "-"
    return [str(found), str(judged + c["?"]), str(c["TP"]), str(c["FP"]), str(c["severity"]), str(c["?"]), prec]


def row(repo, k, found, c):
    lead = [repo] if repo is not None else []
    return "| " + " | ".join(lead + [k[0], k[1]] + cells(found, c)) + " |"


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("report")
    for opt in ("repo", "tree", "scan", "rev", "rev-date", "extracted", "credlint-commit", "verdicts", "out"):
        r.add_argument("--" + opt, required=True)
    p = sub.add_parser("precision")
    p.add_argument("--dir", required=True)
    p.add_argument("--out", required=True)
    a = ap.parse_args()
    report(a) if a.cmd == "report" else precision(a)


if __name__ == "__main__":
    main()
