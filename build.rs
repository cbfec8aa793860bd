//! Embeds every `rules/**/*.toml` in the binary: adding a rule file adds it to the catalogue.

use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut out = String::from("/// Every embedded rule file: (path relative to the package, contents).\n");
    out.push_str("pub const EMBEDDED_RULE_FILES: &[(&str, &str)] = &[\n");
    for file in &files {
        let relative = file.strip_prefix(env!("CARGO_MANIFEST_DIR")).expect("under the package");
        let relative = relative.to_string_lossy().replace('\\', "/");
        let relative = relative.trim_start_matches('/');
        out.push_str(&format!("    ({relative:?}, include_str!({:?})),\n", file.display().to_string()));
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded_rules.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "toml") {
            files.push(path);
        }
    }
}
