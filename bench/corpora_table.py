#!/usr/bin/env python3
"""Helper of bench/corpora.sh (Python 3 standard library only).

    corpora_table.py convert CREDLINT.json            -> scorer JSONL on stdout
    corpora_table.py table --work DIR --corpora DIR --tools DIR [--misses OUT] CORPUS...

`convert` keeps each finding's primary location only (path, start line); related locations
(the connection, other uses of a shared credential) are not what a user is told is the problem.
`table` reads score.py's --json output per corpus and prints one markdown table; with
--misses it writes OUT/<corpus>.md listing every missed flag case and every flagged clean case
(caveat cases excluded, as in the FP rate) with the labeled source line.
"""
import argparse
import collections
import json
import os
import sys

CATEGORIES = ["basic-auth-password", "hardcoded-password", "hardcoded-token",
              "credential-in-url", "other-secret"]
MISSION = ["basic-auth-password", "hardcoded-password", "credential-in-url"]
KEYS = ["flag_total", "flag_hit", "clean_total", "clean_flagged", "caveat_clean", "caveat_flagged"]


def convert(path):
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    for f in doc["findings"]:
        loc = f["location"]
        print(json.dumps({"file": loc["path"], "line": loc["start"]["line"],
                          "rule": f["rule"], "severity": f["severity"]}))


def add(total, bucket):
    for k in KEYS:
        total[k] += bucket.get(k, 0)


def row(label, b):
    def pct(n, d):
        return f"{100 * n / d:.1f}%" if d else "-"
    ft, fh, ct, cf = b["flag_total"], b["flag_hit"], b["clean_total"], b["clean_flagged"]
    if not (ft or ct or b["caveat_clean"]):
        return None
    return f"| {label} | {ft} | {fh} | {pct(fh, ft)} | {ct} | {cf} | {pct(cf, ct)} |"


def table(args):
    out = ["| corpus | category | flag cases | hits | recall | clean cases (excl. caveat) | flagged | FP rate |",
           "|---|---|---|---|---|---|---|---|"]
    grand = {c: collections.Counter() for c in CATEGORIES}
    grand_all = collections.Counter()
    for corpus in args.corpus:
        with open(os.path.join(args.work, corpus + ".score.json"), encoding="utf-8") as fh:
            res = json.load(fh)
        mission = collections.Counter()
        for cat in CATEGORIES:
            b = res["by_category"].get(cat)
            if not b:
                continue
            add(grand[cat], b)
            if cat in MISSION:
                add(mission, b)
            r = row(f"{corpus} | {cat}", b)
            if r:
                out.append(r)
        r = row(f"{corpus} | mission (pooled)", mission)
        if r:
            out.append(r)
        add(grand_all, res["overall"])
        out.append(row(f"**{corpus}** | **overall**", res["overall"]))
    mission = collections.Counter()
    for cat in CATEGORIES:
        if cat in MISSION:
            add(mission, grand[cat])
        r = row(f"all | {cat}", grand[cat])
        if r:
            out.append(r)
    out.append(row("**all** | **mission (pooled): " + ", ".join(MISSION) + "**", mission))
    out.append(row("**all** | **overall**", grand_all))
    print("\n".join(out))
    print()
    print("Overall includes `not-credential` cases. Clean cases with a `caveat`/`scope_note` are left "
          "out of the FP rate (clean only within the upstream rule's narrow scope).")
    if args.misses:
        write_misses(args)


def write_misses(args):
    sys.path.insert(0, args.tools)
    import score as scorer  # ../shared/corpora/score.py
    os.makedirs(args.misses, exist_ok=True)
    for corpus in args.corpus:
        cdir = os.path.join(args.corpora, corpus)
        truth = scorer.load_truth(cdir)
        findings = scorer.load_findings(os.path.join(args.work, corpus + ".jsonl"), cdir)
        res = scorer.score(truth, findings)
        by_line = collections.defaultdict(list)
        for f in findings:
            by_line[(f["file"], f["line"])].append(f"{f['rule']}/{f['severity']}")
        by_file = collections.defaultdict(list)
        for f in findings:
            by_file[f["file"]].append(f"{f['line']}:{f['rule']}/{f['severity']}")
        fn = [c["row"] for c in res["cases"] if c["row"]["expect"] == "flag" and not c["marked"]]
        fp = [c["row"] for c in res["cases"] if c["row"]["expect"] == "clean" and c["marked"]
              and not scorer._is_caveat(c["row"])]
        lines = [f"# {corpus}: {len(fn)} missed flag cases, {len(fp)} flagged clean cases", ""]
        for title, rows in (("Missed flag cases", fn), ("Flagged clean cases", fp)):
            groups = collections.Counter((r.get("category"), r.get("source_rule", "")) for r in rows)
            lines += [f"## {title}: {len(rows)}", "", "By category and upstream rule:", ""]
            lines += [f"- {n} × {cat} / {rule}" for (cat, rule), n in groups.most_common()]
            lines.append("")
            for r in sorted(rows, key=lambda r: (r.get("category") or "", r.get("source_rule") or "", r["file"], r["line"])):
                text = source_line(cdir, r["file"], r["line"])
                extra = ""
                if r["expect"] == "clean":
                    hits = by_line.get((r["file"], r["line"])) or by_file.get(r["file"]) or []
                    extra = " flagged by " + ", ".join(sorted(set(hits)))
                win = f" window {r['window']}" if r.get("window") and r.get("granularity") != "file" else ""
                gran = " (file-level)" if r.get("granularity") == "file" else ""
                lines.append(f"- `{r['file']}:{r['line']}` [{r.get('category')}] {r.get('source_rule', '')}{gran}{win}{extra}")
                lines.append(f"      {text}")
            lines.append("")
        with open(os.path.join(args.misses, corpus + ".md"), "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines))
    print(f"\nmisses written to {args.misses}/<corpus>.md", file=sys.stderr)


def source_line(cdir, rel, line):
    try:
        with open(os.path.join(cdir, rel), encoding="utf-8", errors="replace") as fh:
            for n, text in enumerate(fh, 1):
                if n == line:
                    return text.rstrip("\n")[:240]
    except OSError:
        pass
    return ""


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "convert":
        convert(sys.argv[2])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["table"])
    ap.add_argument("--work", required=True)
    ap.add_argument("--corpora", required=True)
    ap.add_argument("--tools", required=True)
    ap.add_argument("--misses")
    ap.add_argument("corpus", nargs="+")
    table(ap.parse_args())


if __name__ == "__main__":
    main()
