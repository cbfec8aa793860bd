#!/usr/bin/env python3
"""Generates the benchmark's pathological inputs, one directory per case, at a scale factor, so
that bench/run.sh can time each at scale 1 and 2 and show that time grows with size, no faster.

    python3 bench/hostile.py DIR SCALE

Cases (at scale 1): a 25 MB single-line minified script; a script of 1,000,000 short lines; a
`.properties` file of 150,000 keys (parsed as data, the densest model); YAML
nested 50,000 deep in flow style and 1,500 deep in block style; 5,000 tiny files; an INI file of
40,000 sections, a `.properties` file of 20,000 dotted prefixes, an `.npmrc` of 20,000 scopes and a
Rust function of 20,000 bindings (each a child or binding lookup); 200 findings on one 1 MB line
(read in human output) and 100,000 findings in one file (read in SARIF); a line naming a token
provider 25,000 times; and a sparse 1 GB file
that the size cap must skip without reading.
"""
import os
import sys


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as out:
        out.write(text)


def main():
    root, scale = sys.argv[1], int(sys.argv[2])
    chunk = 'var a{i}=function(t){{return t.token||t.auth||x.password}},b{i}={{key:"k{i}",headers:{{}}}};'
    write(f"{root}/minified/app.min.js", "".join(chunk.format(i=i) for i in range(scale * 290_000)))
    lines = (f"export TOKEN_{i}=\"$V\"\n" if i % 50 == 0 else f"x{i}=1\n" for i in range(scale * 1_000_000))
    write(f"{root}/short-lines/values.sh", "".join(lines))
    keys = (f"token_{i}=x\n" if i % 50 == 0 else f"k{i}=v\n" for i in range(scale * 150_000))
    write(f"{root}/dense-config/values.properties", "".join(keys))
    depth = scale * 50_000
    write(f"{root}/deep-yaml/flow.yaml", "auth: " + "[" * depth + "]" * depth + "\n")
    block_depth = scale * 1_500
    write(f"{root}/deep-yaml/block.yaml", "".join(" " * i + f"k{i}:\n" for i in range(block_depth)) + " " * block_depth + "password: x\n")
    for i in range(scale * 5_000):
        write(f"{root}/tiny-files/d{i % 50}/f{i}.sh", f"echo {i}\nexport TOKEN_{i}=\"$VAULT\"\n")
    # Config models with many siblings: each section, prefix or scope is a child lookup.
    sections = scale * 40_000
    write(f"{root}/ini-sections/setup.cfg", "".join(f"[s{i}]\npassword = v{i}\n" for i in range(sections)))
    write(f"{root}/dotted-keys/app.properties", "".join(f"a{i}.b{i}.password = v{i}\n" for i in range(scale * 20_000)))
    scopes = (f"@s{i}:registry=https://r{i}.example.com/\n//r{i}.example.com/:_password=p{i}\n" for i in range(scale * 20_000))
    write(f"{root}/npmrc-scopes/.npmrc", "".join(scopes))
    bindings = "".join(f'    let password_{i} = "v{i}";\n' for i in range(scale * 20_000))
    last = scale * 20_000 - 1
    use = f'    reqwest::Client::new().get("https://jira.example.com/").basic_auth("svc", Some(password_{last}));\n'
    write(f"{root}/rust-bindings/src/lib.rs", f"pub fn f() {{\n{bindings}{use}}}\n")
    # Output growth: 200 findings on one 1 MB line (human output shows a window per finding), and
    # 100,000 findings in one file (SARIF is streamed; the scan keeps each finding once).
    # The user:password pairs are joined at run time, so that this generator is not itself a
    # finding when credlint scans its own checkout.
    pair = ":".join
    line = "".join(f"curl -u {pair(('svc', f'Summer{i:06d}!'))} https://jira{i}.example.com/; " for i in range(scale * 200))
    write(f"{root}/long-line/one.sh", line + "x" * (scale * 1_000_000 - len(line)) + "\n")
    many = (f"curl -u {pair(('a', f'Sum{i:07d}!'))} https://h/\n" for i in range(scale * 100_000))
    write(f"{root}/many-findings/many.sh", "".join(many))
    # One line naming a provider 25,000 times: each keyword format searches the line once, not
    # once per mention (it did: 36 s at 1x).
    write(f"{root}/keyword-line/notes.txt", "datadog_api_key " * (scale * 25_000) + "\n")
    os.makedirs(f"{root}/huge-skipped", exist_ok=True)
    with open(f"{root}/huge-skipped/dump.sql", "w") as out:
        out.truncate(scale * 1_000_000_000)


if __name__ == "__main__":
    main()
