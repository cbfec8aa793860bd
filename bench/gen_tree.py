#!/usr/bin/env python3
"""Generates the benchmark's synthetic tree: many projects of many file kinds, with basic-auth
passwords planted at known places, and a manifest of what was planted.

    python3 bench/gen_tree.py DIR [MEGABYTES]      (default 520)

The filler is ordinary code and configuration that mentions tokens, passwords and auth the way
real code does (so the keyword prefilter has work to do) without holding a literal credential.
Each planted password is distinct, so none is also a shared credential. The manifest
(DIR/planted.json) lists (path, 1-based line, rule) for every plant: bench/run.sh checks that the
scan reports every one, and counts anything else it reports.
"""
import json
import os
import random
import sys

WORDS = ("alpha bravo charlie delta echo foxtrot gamma harbor indigo juniper kilo lima metro "
         "nova orbit pixel quartz raven sierra tango umbra vector willow xenon yankee zephyr").split()
SEASONS = ["Summer", "Winter", "Autumn", "Spring", "Harbor", "Falcon", "Monday", "Dragon"]
SYMBOLS = "!#$%&*@?"


def ident(rng):
    return rng.choice(WORDS) + "_" + rng.choice(WORDS) + str(rng.randrange(100))


def password(rng, used):
    while True:
        value = f"{rng.choice(SEASONS)}{rng.randrange(1990, 2030)}{rng.choice(SYMBOLS)}{rng.choice('xyzqk')}{rng.randrange(10, 99)}"
        if value not in used:
            used.add(value)
            return value


# Filler blocks per kind: format strings over `{a}`, `{b}`, `{n}` (identifiers and a number).
FILLER = {
    "py": [
        "def {a}(self, {b}):\n    \"\"\"Return the {b} for this session.\"\"\"\n    token = self._token_cache.get({b})\n    if token is None:\n        token = self._refresh_token({b})\n    return token\n\n",
        "class {a}Client:\n    def __init__(self, base_url, timeout={n}):\n        self.base_url = base_url\n        self.timeout = timeout\n        self.session = requests.Session()\n\n",
        "    for {a} in range({n}):\n        result.append(compute({a}, {b}))\n    logger.debug(\"processed %d items\", len(result))\n",
        "PASSWORD_MIN_LENGTH = {n}\n\ndef validate_password(candidate):\n    return len(candidate) >= PASSWORD_MIN_LENGTH and any(c.isdigit() for c in candidate)\n\n",
        "# auth: the caller passes a bearer token read from the environment\n{a} = os.environ.get(\"{A}_TOKEN\")\n",
    ],
    "js": [
        "export function {a}({b}) {{\n  const token = getAuthToken({b});\n  return fetch(`${{BASE}}/api/{a}`, {{ headers: {{ Authorization: `Bearer ${{token}}` }} }});\n}}\n\n",
        "const {a} = ({b}) => {{\n  if (!{b}) return null;\n  return {b}.map((x) => x * {n}).filter(Boolean);\n}};\n\n",
        "// password reset flow: the user receives a one-time link\nfunction reset{A}(email) {{\n  return api.post('/password/reset', {{ email }});\n}}\n\n",
    ],
    "java": [
        "    public {A} {a}(String {b}) {{\n        if ({b} == null) {{\n            throw new IllegalArgumentException(\"{b} must not be null\");\n        }}\n        return repository.find{A}({b}, {n});\n    }}\n\n",
        "    private final TokenProvider tokenProvider;\n    private final int retries = {n};\n\n",
        "    @Override\n    public String toString() {{\n        return \"{A}{{\" + \"id=\" + id + \", name='\" + name + '\\'' + '}}';\n    }}\n\n",
    ],
    "go": [
        "func {a}(ctx context.Context, {b} string) (*{A}, error) {{\n\ttoken, err := auth.TokenFromContext(ctx)\n\tif err != nil {{\n\t\treturn nil, fmt.Errorf(\"{a}: %w\", err)\n\t}}\n\treturn fetch{A}(ctx, token, {b}, {n})\n}}\n\n",
        "type {A} struct {{\n\tName    string `json:\"name\"`\n\tCount   int    `json:\"count\"`\n\tEnabled bool   `json:\"enabled\"`\n}}\n\n",
    ],
    "rs": [
        "pub fn {a}({b}: &str) -> Result<{A}, Error> {{\n    let parsed = {b}.parse::<u64>().map_err(Error::from)?;\n    Ok({A} {{ value: parsed * {n} }})\n}}\n\n",
        "impl {A} {{\n    pub fn token_len(&self) -> usize {{\n        self.token.len()\n    }}\n}}\n\n",
    ],
    "sh": [
        "echo \"building {a} ({n})\"\nmake -C {b} all\n",
        "if [ -z \"${{{A}_TOKEN:-}}\" ]; then\n  echo \"{A}_TOKEN is not set\" >&2\n  exit 1\nfi\n",
        "for f in {a}/*.log; do\n  gzip -9 \"$f\"\ndone\n",
    ],
    "yml": [
        "{a}_{i}:\n  enabled: true\n  replicas: {n}\n  image: registry.internal/{b}:1.{n}\n",
        "{b}_{i}:\n  runs-on: ubuntu-latest\n  steps:\n    - uses: actions/checkout@v4\n    - run: make test-{a}\n",
    ],
    "json": [
        "  \"{a}_{i}\": {{\"enabled\": true, \"limit\": {n}, \"auth\": \"oauth\", \"scopes\": [\"read\", \"write\"]}},\n",
    ],
    "toml": [
        "[{a}_{i}]\nname = \"{b}\"\nretries = {n}\ntoken_env = \"{A}_TOKEN\"\n\n",
    ],
    "xml": [
        "  <dependency>\n    <groupId>org.{a}</groupId>\n    <artifactId>{b}</artifactId>\n    <version>1.{n}.0</version>\n  </dependency>\n",
    ],
    "md": [
        "## {A}\n\nSet the `{A}_TOKEN` environment variable to a personal access token before running `{b}`.\nThe token needs read access. See the password policy for rotation ({n} days).\n\n",
    ],
    "properties": [
        "{a}.{b}.timeout={n}\n{a}.{b}.enabled=true\n",
    ],
}

# Plants: (extension, line template, rule). `{pw}` is a fresh password, `{host}` a host.
BASIC = ["basic-auth-password", "hardcoded-credential"]
PLANTS = {
    "py": ("    jira = JIRA(server=\"https://{host}\", basic_auth=(\"svc-{a}\", \"{pw}\"))\n", BASIC),
    "js": ("const client = new JiraApi({{ host: '{host}', username: 'svc-{a}', password: '{pw}' }});\n", BASIC),
    "java": ("        String auth = Credentials.basic(\"svc-{a}\", \"{pw}\");\n", BASIC),
    "go": ("\treq.SetBasicAuth(\"svc-{a}\", \"{pw}\")\n", BASIC),
    "sh": ("curl -u 'svc-{a}:{pw}' https://{host}/rest/api/2/myself\n", BASIC),
    "properties": ("jira.password={pw}\n", ["hardcoded-credential"]),
}

KIND_WEIGHTS = {"py": 18, "js": 16, "java": 14, "go": 10, "rs": 8, "sh": 8, "yml": 8, "json": 5, "toml": 3,
                "xml": 3, "md": 5, "properties": 2}


def filler_block(rng, kind, i):
    a, b = ident(rng), ident(rng)
    return rng.choice(FILLER[kind]).format(a=a, b=b, A=a.upper(), n=rng.randrange(1, 1000), i=i)


def main():
    root = sys.argv[1]
    megabytes = int(sys.argv[2]) if len(sys.argv) > 2 else 520
    rng = random.Random(20261127)
    kinds = list(KIND_WEIGHTS)
    weights = [KIND_WEIGHTS[k] for k in kinds]
    # Pre-render filler so writing is a join, not a format per line.
    # Blocks are numbered (`{i}`) so that keys stay unique within a config file.
    pools = {kind: [filler_block(rng, kind, i) for i in range(3000)] for kind in kinds}
    planted, used = [], set()
    total, index = 0, 0
    target = megabytes * 1_000_000
    while total < target:
        kind = rng.choices(kinds, weights)[0]
        project = f"project{index % 400:03d}"
        directory = os.path.join(root, project, "src", rng.choice(WORDS))
        os.makedirs(directory, exist_ok=True)
        name = f"{ident(rng)}_{index}.{kind}"
        path = os.path.join(directory, name)
        size = int(rng.lognormvariate(9.3, 0.9))  # median ~11 KB, a long tail
        parts, written = [], 0
        pool = pools[kind]
        # Distinct blocks per file (keys stay unique); a config file is a whole document.
        for block in rng.sample(pool, len(pool)):
            if written >= size:
                break
            parts.append(block)
            written += len(block)
        text = "".join(parts)
        if kind == "json":
            text = "{\n" + text.rstrip(",\n") + "\n}\n"
        elif kind == "xml":
            text = "<project>\n<dependencies>\n" + text + "</dependencies>\n</project>\n"
        if kind in PLANTS and index % 25 == 0:
            template, rule = PLANTS[kind]
            line = template.format(a=ident(rng), pw=password(rng, used), host=f"jira{index}.corp-{rng.choice(WORDS)}.net")
            cut = text.rfind("\n", 0, len(text) // 2) + 1
            text = text[:cut] + line + text[cut:]
            for one in rule:
                planted.append({"path": os.path.relpath(path, root), "line": text.count("\n", 0, cut) + 1, "rule": one})
        with open(path, "w") as out:
            out.write(text)
        total += len(text)
        index += 1
    with open(os.path.join(root, "planted.json"), "w") as out:
        json.dump({"files": index, "bytes": total, "planted": planted}, out, indent=1)
    print(f"{index} files, {total / 1e6:.0f} MB, {len(planted)} planted findings", file=sys.stderr)


if __name__ == "__main__":
    main()
