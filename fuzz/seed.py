#!/usr/bin/env python3
"""Builds fuzz/corpus/<target>/ from the repository's fixtures and rule files.

The text and config targets take a first byte that selects the file kind (see
src/fuzzing.rs), so each seed is prefixed with the byte that selects its own kind.
"""
import hashlib
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
corpus = root / "fuzz" / "corpus"

# Order must match text_kinds(), config_kinds() (FileKind::ALL order) in src/fuzzing.rs.
TEXT = ["python", "javascript", "java", "go", "ruby", "php", "csharp", "powershell", "shell",
        "groovy", "terraform", "env", "netrc", "git-credentials", "dockerfile", "markdown", "text"]
CONFIG = ["yaml", "json", "toml", "ini", "properties", "xml", "npmrc", "git-config"]
ALL = ["python", "javascript", "java", "go", "ruby", "php", "csharp", "powershell", "shell", "rust",
       "groovy", "terraform", "yaml", "json", "toml", "ini", "properties", "env", "xml", "netrc",
       "npmrc", "git-credentials", "git-config", "dockerfile", "markdown", "text"]

SUFFIX = {".py": "python", ".js": "javascript", ".ts": "javascript", ".java": "java", ".kt": "java",
          ".kts": "java", ".go": "go", ".rb": "ruby", ".php": "php", ".cs": "csharp", ".ps1": "powershell",
          ".sh": "shell", ".zshrc": "shell", ".gradle": "groovy", ".tf": "terraform", ".env": "env",
          ".netrc": "netrc", ".md": "markdown", ".yml": "yaml", ".yaml": "yaml", ".json": "json",
          ".toml": "toml", ".conf": "ini", ".pypirc": "ini", ".properties": "properties", ".xml": "xml",
          ".gitconfig": "git-config", ".npmrc": "npmrc", ".rs": "rust"}


def kind_of(path):
    if path.name == "Jenkinsfile":
        return "groovy"
    if path.name == "Dockerfile":
        return "dockerfile"
    return SUFFIX.get(path.suffix or "." + path.name.lstrip("."))


def put(target, data):
    directory = corpus / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)


for path in sorted((root / "fixtures").rglob("*")):
    if not path.is_file():
        continue
    kind = kind_of(path)
    if kind is None:
        continue
    data = path.read_bytes()[:64 * 1024]
    if kind in TEXT:
        put("text_patterns", bytes([TEXT.index(kind)]) + data)
    if kind in CONFIG:
        put("config_parsers", bytes([CONFIG.index(kind)]) + data)
    if kind == "rust":
        put("rust_extractor", data)
    put("suppression_comments", bytes([ALL.index(kind)]) + data)

for path in sorted((root / "rules").rglob("*.toml")):
    put("rule_loader", path.read_bytes())

for seed in [b"dXNlcjpwYXNzd29yZA==", b"Basic c3ZjOlN1bW1lcjIwMjQh", b"YWxhZGRpbjpvcGVuc2VzYW1l",
             b"ATATT3xFfGF0", b"ghp_16C7e42F292c6912E7710c838347Ae178B4a", b"Summer2024!", b"hunter2",
             b"NjQ0NzE3NjY2MDQ0OrvTkPmJ6C8uSMkn9KeNbhGqOkDj", b"${JIRA_TOKEN}", b"changeme"]:
    put("decoding", seed)
    put("classifier", seed)
# Raw diff records (first half) and two sides of a file (second half, split at a NUL).
zero, blob = b"0" * 40, b"a" * 40
raw = b":100644 100644 " + blob + b" " + zero + b" M\0a b.sh\0:000000 100644 " + zero + b" " + blob + b" A\0new.sh\0"
sides = b"#!/bin/sh\r\necho a\n\0#!/bin/sh\ncurl -u a:b https://x/\necho a\n"
put("git_changes", raw + b"-" * max(0, len(sides) - len(raw)) + sides)

print("seeded", ", ".join(f"{d.name}: {len(list(d.iterdir()))}" for d in sorted(corpus.iterdir())))
