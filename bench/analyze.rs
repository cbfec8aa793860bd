//! Benchmark of the whole-repository analysis alone: a synthetic repository of N credential uses
//! (default 100,000) spread over 10,000 files, 2,000 reference names, 500 literals and 300 hosts.
//!
//!     cargo run --release --example analyze -- [USES]
//!
//! Prints the time to build the graph and find shared credentials, median of 5 runs.

use std::path::PathBuf;
use std::time::Instant;

use credlint::analyze::{AnalyzeSettings, FileSites, SiteUse, Sites, build_graph, shared_credentials};
use credlint::fact::{CredentialUse, RefKind, Scheme, Target, Value};
use credlint::rules::Catalogue;
use credlint::span::Span;

fn synthetic_sites(count: usize) -> Sites {
    let mut files: Vec<FileSites> = (0..10_000)
        .map(|f| FileSites { path: PathBuf::from(format!("src/module{}/file{f}.py", f % 100)), ..FileSites::default() })
        .collect();
    let mut texts = credlint::text::Interner::default();
    for i in 0..count {
        // A small linear congruential generator keeps the input the same on every run.
        let r = (i as u64).wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407) >> 33;
        let secret = if r.is_multiple_of(5) {
            Value::literal(format!("k3Jd9sLq0Zx7Vb2Nw8Rt5Yp1{:08}", r % 500), Span::new(10, 42))
        } else {
            Value::Reference {
                kind: RefKind::Env,
                name: format!("SERVICE_{}_TOKEN", r % 2000),
                span: Span::new(10, 30),
            }
        };
        let host = format!("api{}.example.net", (r >> 7) % 300);
        let file = &mut files[i % 10_000];
        file.test_or_doc.push(false);
        let credential = CredentialUse {
            scheme: Scheme::Bearer,
            user: None,
            secret,
            secret_name: None,
            target: Some(Target { text: format!("https://{host}/v1"), host: Some(host), span: Span::new(50, 70) }),
            connection: None,
            span: Span::new(0, 80),
            extractor: "bench".into(),
        };
        file.uses.push(SiteUse::of(credential, &mut texts).expect("a literal or a reference"));
    }
    Sites::new(files)
}

fn main() {
    let count: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let catalogue = Catalogue::embedded().expect("embedded rules load");
    let mut times = Vec::new();
    let mut found = 0;
    for _ in 0..5 {
        let sites = synthetic_sites(count);
        let start = Instant::now();
        let graph = build_graph(sites, false);
        found = shared_credentials(&graph, &catalogue, &AnalyzeSettings::default()).len();
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "{count} uses: graph + shared-credential analysis median {:.1} ms ({found} shared credentials)",
        times[2].as_secs_f64() * 1000.0
    );
}
