#!/usr/bin/env python3
"""Group the missed flag cases of `bench/corpora.sh --misses DIR` by the capability that would
close them (Python 3 standard library only).

    python3 bench/miss_groups.py DIR [--examples N]

Reads DIR/<corpus>.md (written by corpora.sh), puts every missed case into the first group whose
test matches (a keyword classification of the upstream rule, the category and the labeled line;
read the groups as approximate), and prints the groups, largest first, with N examples each,
secrets masked with bench/review/review.py's masker. File-level cases (gosec, detect-secrets,
semgrep generic/) are classified by their labeled line.
"""
import os
import re
import sys
from collections import defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "review"))
from review import mask_line  # noqa: E402

KW = r"(?:pass(?:word|wd|phrase)?|pwd|pw|secret|token|api[_-]?key|apikey|key|auth|cred)"
ENTRY = re.compile(r"^- `(?P<loc>[^`]+)` \[(?P<cat>[^\]]*)\] (?P<rule>.*?)(?: \(file-level\))?(?: window \[.*\])?(?: flagged by .*)?$")

GROUPS = [
    ("corpus-artifact",
     "not a miss: the case's value is an upstream constant's NAME that build.py left unresolved "
     "(`SL_TOKEN`, `CL_PW`, `CLOUD_IAM_KEY`): credlint rightly reads it as a reference; fix the corpus"),
    ("dataflow",
     "data flow: a literal assigned to a neutral name (`data = \"…\"`) reaches a credential sink "
     "(JDBC `getConnection`, `PasswordAuthentication`, `KerberosKey`) in another method, class or file"),
    ("empty-password",
     "an empty or missing password at a database connection (a different check: not a literal to revoke)"),
    ("signing-key",
     "sink kind: signing/encryption keys and app secrets (JWT/HMAC `sign`/`verify`, Flask `SECRET_KEY`, "
     "session secrets, `SecretKeySpec`, key passphrases)"),
    ("private-key", "value format: PEM/PKCS private key blocks and other key material by format"),
    ("url-token",
     "a credential in a URL's path or query, or a webhook URL (Slack/Teams/Discord webhooks, `?token=`), "
     "not in its userinfo"),
    ("infra-dsl",
     "sink kind: build and infrastructure DSLs (Dockerfile `ARG`/`ENV`, Terraform provider/resource "
     "attributes such as `master_auth`, AWS static keys, Gradle `credentials {}`)"),
    ("comparison",
     "syntactic form: a credential-named value compared with a literal (`if password == \"…\"`)"),
    ("default-arg",
     "syntactic form: a literal default of a credential-named parameter (`def f(password=\"…\")`)"),
    ("call-arg",
     "sink kind: credential parameters of non-HTTP clients and SDKs (DB drivers, SMTP/LDAP/SSH, "
     "cloud SDKs: `connect(password=\"…\")`, `login(user, \"…\")`)"),
    ("vendor-token",
     "value format: vendor tokens recognised by their shape alone, with no credential-named context "
     "(Slack `xox?-`, AWS `AKIA…`, Google `AIza…`, Discord, Artifactory, GitLab `gl*-`, JWTs, ~80 vendors)"),
    ("named-literal",
     "syntactic form: a literal bound to a credential-named variable, field, key or config entry that "
     "never reaches an auth sink in the file (`password = \"…\"`, `api_key: …`, `char secret[] = \"…\"`, "
     "dict/hash entries, unquoted config values)"),
    ("url-userinfo", "a `user:secret@` URL missed (in a string or f-string, or in a text file)"),
    ("entropy", "value format: a high-entropy string with no credential-named context (entropy detectors)"),
    ("placeholder-sent",
     "a placeholder-looking pair (`auth=('user', 'pass')`) actually sent, over http:// — placeholders are "
     "suppressed even at a real sink"),
    ("other", "other"),
]


def classify(corpus, cat, rule, line):
    low = line.lower()
    value = re.split(r"=>|:=|[=:]", line, maxsplit=1)[-1].strip().strip("\"'`;, ")
    if re.fullmatch(r"(?:CL|SL|CLOUD|IBM|COS)_[A-Z0-9_]+", value) or re.search(r"\b(SL_TOKEN|CL_PW|CL_API_KEY|CLOUD_IAM_KEY|SL_API_KEY_ENV)\b", line):
        return "corpus-artifact"
    if corpus == "juliet-java":
        return "dataflow"
    if "DbNoPassword" in rule or "password-empty-string" in rule:
        return "empty-password"
    if "PRIVATE KEY" in line or "private-key" in rule or "private_key" in rule:
        return "private-key"
    if re.search(r"Base64|Hex|high_entropy|S6418", rule):
        return "entropy"
    if cat == "credential-in-url" and re.search(r"://[^/\s]*:[^@\s]*@", line):
        return "url-userinfo"
    if cat == "other-secret" and not re.search(r"secret-in-build-arg|aws-account-id", rule) \
            or "passphrase" in rule:
        return "signing-key"
    if re.search(r"https?://\S*(webhook|hooks\.|/services/|[?&](token|key|api_key|access_token)=)", low) \
            or "webhook" in rule or ("softlayer" in rule and "http" in low):
        return "url-token"
    if re.search(r"secret-in-build-arg|terraform|gke|aws-provider|aws-lambda|gradle|docker|aws-account-id", rule) \
            or re.match(r"\s*(ARG|ENV)\s", line):
        return "infra-dsl"
    if re.search(r"(==|!=)", line) and re.search(KW, low):
        return "comparison"
    if re.search(r"\b(def|func|function)\b[^)]*" + KW + r"\w*\s*=", low):
        return "default-arg"
    if "no-auth-over-http" in rule:
        return "placeholder-sent"
    if "S6437" in rule or re.search(r"\w\(.*(\b" + KW + r"\w*\s*=\s*['\"]|['\"][^'\"]*['\"]\s*,\s*['\"])", low) \
            and not re.match(r"\s*\w+\s*=\s*['\"]", line):
        return "call-arg"
    if cat == "hardcoded-token" and not re.search(r"keyword|generic|S2068|S6418|node_|Base64|Hex", rule) \
            and not re.search(r"\b\w*" + KW + r"\w*['\"]?\s*(=|:)", low):
        return "vendor-token"
    if re.search(KW, low):
        return "named-literal"
    if cat == "hardcoded-token":
        return "vendor-token"
    return "other"


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    d = sys.argv[1]
    n_ex = int(sys.argv[sys.argv.index("--examples") + 1]) if "--examples" in sys.argv else 3
    groups = defaultdict(list)
    for fn in sorted(os.listdir(d)):
        if not fn.endswith(".md"):
            continue
        corpus = fn[:-3]
        in_missed, entry = False, None
        with open(os.path.join(d, fn), encoding="utf-8") as fh:
            for raw in fh:
                raw = raw.rstrip("\n")
                if raw.startswith("## "):
                    in_missed = raw.startswith("## Missed")
                    continue
                if not in_missed:
                    continue
                m = ENTRY.match(raw)
                if m:
                    entry = m
                    continue
                if entry and raw.startswith("      "):
                    line = raw[6:]
                    g = classify(corpus, entry.group("cat"), entry.group("rule"), line)
                    groups[g].append((corpus, entry.group("loc"), entry.group("cat"), entry.group("rule"), line))
                    entry = None
    desc = dict(GROUPS)
    total = sum(len(v) for v in groups.values())
    print(f"{total} missed flag cases in {len(groups)} groups\n")
    for g, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        per = defaultdict(int)
        for it in items:
            per[it[0]] += 1
        print(f"## {len(items)} × {g}: {desc[g]}")
        print("   by corpus: " + ", ".join(f"{c} {n}" for c, n in sorted(per.items(), key=lambda kv: -kv[1])))
        seen, shown = set(), 0
        for corpus, loc, cat, rule, line in items:
            if shown >= n_ex or (corpus, rule) in seen:
                continue
            seen.add((corpus, rule))
            shown += 1
            print(f"   - {corpus}: `{loc}` [{cat}] {rule}: `{mask_line(line, []).strip()[:120]}`")
        print()


if __name__ == "__main__":
    main()
