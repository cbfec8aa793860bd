//! The command line: clap's derive structs (what users type) and `run`, which turns them into
//! settings, runs the command and returns the exit code. `main` only maps errors and broken pipes.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{Config, DEFAULT_MAX_FILE_SIZE, compile_excludes};
use crate::finding::Severity;
use crate::report::{self, Format, Summary};
use crate::rules::Catalogue;
use crate::walk::{PathDisplay as WalkDisplay, WalkOptions};
use crate::{ScanSettings, scan};

pub mod output;

/// Flags basic-auth passwords, credentials shared across connections, and credentials without a
/// revocation path, in code and configuration.
#[derive(Debug, Parser)]
#[command(name = "credlint", version, about, long_about = None, propagate_version = true, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

const EXAMPLES: &str = "\
Examples:
  credlint scan                         scan the current directory
  credlint scan --format sarif -o credlint.sarif --fail-on never .
  credlint scan --staged                what a commit would add (pre-commit)
  credlint rules                        the rules; `credlint explain RULE` documents one";

const SCAN_EXAMPLES: &str = "\
Examples:
  credlint scan                                   the current directory, human output
  credlint scan src deploy --exclude 'vendor/'    two directories, without vendor/
  credlint scan --include '*.yml' .github         only the workflow files
  credlint scan --since origin/main --format github   pull-request annotations
  credlint scan --format sarif -o credlint.sarif --exit-zero .
  cat deploy/sync.sh | credlint scan - --stdin-filename deploy/sync.sh";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories (default: the current directory).
    ///
    /// Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 on an error (bad
    /// arguments or config, a file that could not be read).
    #[command(after_help = SCAN_EXAMPLES)]
    Scan(ScanArgs),
    /// List the rules.
    #[command(after_help = "Examples:\n  credlint rules\n  credlint rules --format json | jq -r '.rules[].id'")]
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
        /// Print the prefilter keywords instead, one per line (for benchmarks against ripgrep):
        /// the rules' keywords and the token catalogue's prefixes and keywords.
        #[arg(long)]
        keywords: bool,
        /// List the token catalogue instead: each API token format credlint knows anywhere in a
        /// file, its provider, prefixes, check and where its owner revokes it.
        #[arg(long, conflicts_with = "keywords")]
        tokens: bool,
        /// Add the rule and token format files (*.toml) in DIR, as `scan --rules DIR` does.
        #[arg(long = "rules", value_name = "DIR")]
        rules_dirs: Vec<PathBuf>,
    },
    /// Print the credential graph: which credential serves which connections, with every use.
    ///
    /// Secrets appear only redacted. Exit status 0, or 2 on an error.
    #[command(
        after_help = "Examples:\n  credlint graph --format dot . | dot -Tsvg > graph.svg\n  credlint graph --format mermaid deploy"
    )]
    Graph(GraphArgs),
    /// Write a baseline of today's findings, so that `scan --baseline FILE` reports only new ones.
    ///
    /// The file is keyed on content (rule, file, credential, connection), holds no secret, and
    /// keeps its salt when rewritten.
    #[command(after_help = "Examples:\n  credlint baseline .\n  credlint scan --baseline .credlint-baseline.json .")]
    Baseline(BaselineArgs),
    /// Print a credential inventory skeleton (TOML) for every credential reference the scan
    /// found, with the connections each serves: paste it into .credlint.toml and fill it in.
    #[command(after_help = "Examples:\n  credlint inventory . >> .credlint.toml")]
    Inventory(GraphInputArgs),
    /// Print one rule's documentation and examples, or `sinks`: how to write sinks, and the
    /// sinks in the catalogue.
    #[command(after_help = "Examples:\n  credlint explain basic-auth-password\n  credlint explain sinks")]
    Explain {
        /// The rule id, e.g. basic-auth-password, or `sinks`.
        rule: String,
    },
    /// Serve the Language Server Protocol on stdin and stdout, for an editor.
    ///
    /// Each open document is scanned as it is edited (its in-memory text, through the same
    /// per-file rules as `scan`, its `credlint:ignore` comments applied), with the workspace's
    /// `.credlint.toml` and `.credlint-baseline.json`; a background scan of the workspace, after
    /// start and each save, adds the whole-repository rules (shared-credential, the inventory's).
    /// Findings are published as diagnostics with the rule's page; quick fixes add an ignore
    /// comment, read a hardcoded secret from the environment, or open the rule's page; hover
    /// explains the rule.
    #[command(
        after_help = "Examples:\n  credlint lsp   (started by the editor; see the README for Neovim, Helix and VS Code)"
    )]
    Lsp,
    /// Print a shell completion script, generated from these definitions.
    #[command(
        after_help = "Examples:\n  credlint completions bash > ~/.local/share/bash-completion/completions/credlint\n  \
                            credlint completions zsh > ~/.zfunc/_credlint\n  \
                            credlint completions fish > ~/.config/fish/completions/credlint.fish"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), generated from these definitions.
    #[command(
        after_help = "Examples:\n  credlint man > /usr/local/share/man/man1/credlint.1\n  credlint man | man -l -"
    )]
    Man,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// One line per rule.
    Human,
    /// Every rule's documentation as JSON.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MinSeverity {
    Error,
    Warning,
    Note,
}

impl MinSeverity {
    fn severity(self) -> Severity {
        match self {
            MinSeverity::Error => Severity::Error,
            MinSeverity::Warning => Severity::Warning,
            MinSeverity::Note => Severity::Note,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// What to scan and how: shared by `scan` and `graph`.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files and directories to scan; `-` reads standard input as one file. Files named here are
    /// scanned even if ignored.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// The path standard input stands for (`credlint scan - --stdin-filename PATH`): it decides
    /// the file kind and whether it is test or documentation material, and names it in reports
    /// [default: <stdin>, read as plain text].
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Show paths relative to DIR (default: the root of the git work tree holding the first path,
    /// else the current directory).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Configuration file (default: .credlint.toml, credlint.toml or pyproject.toml with a
    /// [tool.credlint] table, found upward from the first path).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any configuration file.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Add the rule files (*.toml) in DIR to the embedded rules; files of `[[token]]` tables add
    /// token formats to the catalogue (see rules/tokens/README.md).
    #[arg(long = "rules", value_name = "DIR")]
    pub rules_dirs: Vec<PathBuf>,
    /// Skip paths matching this gitignore-style glob (relative to the current directory).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Scan only files matching this gitignore-style glob (relative to the current directory),
    /// or below a directory it matches; may be repeated.
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Worker threads, 1 to 256 (default: the number of CPUs).
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
    /// Skip (and report) files larger than this: bytes, or with a K, M or G suffix (powers of
    /// 1024) [default: 10M].
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    /// Also descend into hidden directories (hidden files are always scanned).
    #[arg(long)]
    pub hidden: bool,
    /// The date that expiries are compared with, YYYY-MM-DD (default: today, UTC), for
    /// reproducible runs.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub today: Option<crate::date::Date>,
    /// Scan every blob reachable from the repository's refs (each distinct blob once), not the
    /// working tree: findings say which commit introduced them and, for a credential gone from
    /// HEAD, which commit removed it. With `scan --since REV`, only commits not reachable from REV.
    #[arg(long)]
    pub history: bool,
}

fn parse_date(text: &str) -> Result<crate::date::Date, String> {
    text.parse()
}

/// `1048576`, `512K`, `10M`, `1G` (binary multiples, case-insensitive, an optional `B`/`iB`).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let lowered = text.trim().to_ascii_lowercase();
    let lowered = lowered.strip_suffix("ib").or_else(|| lowered.strip_suffix('b')).unwrap_or(&lowered);
    let (digits, shift) = match lowered.as_bytes().last() {
        Some(b'k') => (&lowered[..lowered.len() - 1], 10),
        Some(b'm') => (&lowered[..lowered.len() - 1], 20),
        Some(b'g') => (&lowered[..lowered.len() - 1], 30),
        _ => (lowered, 0),
    };
    let number: u64 = digits.parse().map_err(|_| format!("`{text}` is not a size (e.g. 1048576, 512K, 10M, 1G)"))?;
    number.checked_mul(1 << shift).ok_or_else(|| format!("`{text}` is too large"))
}

#[cfg(test)]
mod color_tests {
    use super::auto_color;
    use std::ffi::OsStr;

    #[test]
    fn auto_colour_follows_the_terminal_no_color_clicolor_force_and_term() {
        let os = |s: &'static str| Some(OsStr::new(s));
        assert!(auto_color(true, None, None, os("xterm-256color")));
        assert!(!auto_color(false, None, None, os("xterm")), "not on a pipe");
        assert!(!auto_color(true, os("1"), None, None), "NO_COLOR set");
        assert!(auto_color(true, os(""), None, None), "an empty NO_COLOR is unset");
        assert!(!auto_color(true, None, None, os("dumb")), "TERM=dumb");
        assert!(auto_color(false, None, os("1"), None), "CLICOLOR_FORCE colours a pipe");
        assert!(auto_color(false, None, os("1"), os("dumb")), "CLICOLOR_FORCE is explicit");
        assert!(!auto_color(false, None, os("0"), None), "CLICOLOR_FORCE=0 forces nothing");
        assert!(!auto_color(false, None, os(""), None));
        assert!(!auto_color(true, os("1"), os("1"), None), "NO_COLOR wins");
    }
}

#[cfg(test)]
mod size_tests {
    use super::parse_size;

    #[test]
    fn sizes_take_binary_suffixes() {
        assert_eq!(parse_size("1048576"), Ok(1_048_576));
        assert_eq!(parse_size("512K"), Ok(512 * 1024));
        assert_eq!(parse_size("10M"), Ok(10 << 20));
        assert_eq!(parse_size("10MiB"), Ok(10 << 20));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("99999999999G").is_err());
    }
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE instead of standard output (the exit code does not change). The
    /// file is replaced atomically.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write --output through a symlink (by default a symlinked output file, or a symlinked
    /// directory on the way to it, is refused: a committed symlink must not send the file
    /// elsewhere).
    #[arg(long)]
    pub allow_symlinked_output: bool,
    /// Exit 1 when a finding is at or above this severity, whether --min-severity shows it or not.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Exit 0 whatever the findings (`--fail-on never`); errors still exit 2.
    #[arg(long, conflicts_with = "fail_on")]
    pub exit_zero: bool,
    /// Report findings at or above this severity. Notes are what credlint finds in tests,
    /// examples and documentation: counted in the summary, shown with `--min-severity note`.
    /// The gate (--fail-on) sees every finding, shown or not.
    #[arg(long, value_enum, default_value_t = MinSeverity::Warning)]
    pub min_severity: MinSeverity,
    /// When to use colours in human output. `auto`: on a terminal, unless NO_COLOR is set and
    /// not empty or TERM is `dumb`; CLICOLOR_FORCE (set, not empty, not 0) forces them.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print only the findings: no summary line, no progress.
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print, on standard error, the configuration file used, the rules loaded and the time
    /// taken.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Scan what git has staged (read from the index, not the working tree) and report only
    /// findings that touch staged lines, with the whole repository as context (pre-commit).
    #[arg(long, conflicts_with_all = ["since", "history"])]
    pub staged: bool,
    /// Report only findings that touch lines changed since REV (and untracked files), with the
    /// whole repository as context (pull requests: `--since origin/main`). With `--history`: scan
    /// only the commits not reachable from REV.
    #[arg(long, value_name = "REV")]
    pub since: Option<String>,
    /// Report only findings that are not in this baseline (see `credlint baseline`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Report `credlint:ignore` comments that suppress nothing, so a stale ignore can't hide the
    /// next secret put on its line.
    #[arg(long)]
    pub report_unused_ignores: bool,
    /// Print the context of each file instead of findings: production, test, development,
    /// example or template, the convention that decided it, and the regions inside it that are
    /// in another context (a test function, a CI job's service containers). Outside production
    /// a finding is a note. `--format json` prints it as JSON.
    #[arg(long, conflicts_with_all = ["staged", "since", "baseline", "history"])]
    pub explain_context: bool,
}

#[derive(Debug, Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Json)]
    pub format: GraphFormat,
    /// Write the graph to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write --output through a symlink (by default a symlinked output file, or a symlinked
    /// directory on the way to it, is refused: a committed symlink must not send the file
    /// elsewhere).
    #[arg(long)]
    pub allow_symlinked_output: bool,
}

#[derive(Debug, Args)]
pub struct GraphInputArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Write to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write --output through a symlink (by default a symlinked output file, or a symlinked
    /// directory on the way to it, is refused: a committed symlink must not send the file
    /// elsewhere).
    #[arg(long)]
    pub allow_symlinked_output: bool,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Where to write the baseline (replaced atomically, and only after a scan without errors).
    #[arg(long, short = 'o', value_name = "FILE", default_value = crate::baseline::DEFAULT_BASELINE_FILE)]
    pub output: PathBuf,
    /// Write --output through a symlink (by default a symlinked output file, or a symlinked
    /// directory on the way to it, is refused: a committed symlink must not send the file
    /// elsewhere).
    #[arg(long)]
    pub allow_symlinked_output: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Credentials, their connections and every use, as JSON.
    Json,
    /// Graphviz: `credlint graph --format dot | dot -Tsvg > graph.svg`.
    Dot,
    /// A Mermaid flowchart, for Markdown that renders it.
    Mermaid,
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Graph(args) => run_graph(args),
        Command::Baseline(args) => run_baseline(args),
        Command::Inventory(args) => {
            if let Some(path) = &args.output {
                output::check(path, args.allow_symlinked_output)?;
            }
            let (settings, catalogue) = prepare(&args.input, false)?;
            let outcome = scan(&settings, &catalogue);
            let text = crate::inventory::skeleton(&outcome.graph);
            match &args.output {
                Some(path) => output::write(path, text.as_bytes(), args.allow_symlinked_output)?,
                None => write_stdout(text.as_bytes())?,
            }
            Ok(if outcome.has_errors() { ExitCode::from(2) } else { ExitCode::SUCCESS })
        }
        Command::Rules { format, keywords, tokens, rules_dirs } => {
            let catalogue = Catalogue::with_dirs(&rules_dirs)?;
            if keywords {
                let mut all = catalogue.keywords();
                all.extend(crate::formats::formats().keywords());
                all.sort();
                all.dedup();
                let mut text = String::new();
                for keyword in all {
                    text.push_str(&keyword);
                    text.push('\n');
                }
                write_stdout(text.as_bytes())?;
                return Ok(ExitCode::SUCCESS);
            }
            if tokens {
                write_stdout(
                    crate::formats::listing(crate::formats::formats(), format == RulesFormat::Json).as_bytes(),
                )?;
                return Ok(ExitCode::SUCCESS);
            }
            print_rules(&catalogue, format)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            let mut buffer = Vec::new();
            clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "credlint", &mut buffer);
            write_stdout(&buffer)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let mut buffer = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut buffer)?;
            write_stdout(&buffer)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Lsp => {
            crate::lsp::run(Catalogue::embedded()?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { rule } => {
            let catalogue = Catalogue::embedded()?;
            if rule == "sinks" {
                write_stdout(crate::extract::code::explain_sinks(&catalogue).as_bytes())?;
                return Ok(ExitCode::SUCCESS);
            }
            let Some(rule) = catalogue.rule(&rule) else {
                let known: Vec<_> = catalogue.rules().map(|r| r.id.to_string()).collect();
                bail!("unknown rule `{rule}`; known rules: {}", known.join(", "));
            };
            write_stdout(explain(rule).as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Writes `bytes` to standard output; a reader that closed the pipe (`| head -1`) ends the
/// write quietly (`Ok`), as the rest of the output has no reader left.
fn write_stdout(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    quiet_pipe(out.write_all(bytes).and_then(|()| out.flush()))
}

/// A closed pipe is not an error: the reader has what it wanted.
fn quiet_pipe(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Whether `path` is `-`, standard input.
fn is_stdin(path: &std::path::Path) -> bool {
    path.as_os_str() == "-"
}

/// The settings and rules a scan of the workspace `root` would use (`credlint scan --root ROOT
/// ROOT`): its config file, rules directories, excludes and limits. The language server reads its
/// workspace with them, so that the editor and the CI gate judge the same way.
pub(crate) fn workspace_settings(root: &std::path::Path) -> anyhow::Result<(ScanSettings, Catalogue)> {
    #[derive(Parser)]
    struct Workspace {
        #[command(flatten)]
        input: InputArgs,
    }
    let root = root.as_os_str();
    let args =
        [std::ffi::OsStr::new("credlint"), std::ffi::OsStr::new("--root"), root, std::ffi::OsStr::new("--"), root];
    let workspace = Workspace::try_parse_from(args).context("the workspace's settings")?;
    prepare(&workspace.input, false)
}

/// Loads the config and the catalogue, and turns the input arguments into scan settings;
/// `verbose` says on stderr which config file and how many rules were loaded.
fn prepare(args: &InputArgs, verbose: bool) -> anyhow::Result<(ScanSettings, Catalogue)> {
    let stdin = args.paths.iter().any(|path| is_stdin(path));
    if stdin && args.paths.len() > 1 {
        bail!("`-` (standard input) must be the only path");
    }
    if stdin && args.history {
        bail!("--history reads git history, not standard input");
    }
    if args.stdin_filename.is_some() && !stdin {
        bail!("--stdin-filename names standard input: pass `-` as the path");
    }
    // Standard input is configured as the file it stands for (or the current directory).
    let discover_from = match (&args.stdin_filename, stdin) {
        (Some(name), true) => name.clone(),
        (None, true) => PathBuf::from("."),
        _ => args.paths.first().cloned().unwrap_or_else(|| PathBuf::from(".")),
    };
    let config_path = match (&args.config, args.no_config) {
        (Some(path), _) => Some(path.clone()),
        (None, true) => None,
        (None, false) => Config::discover(&discover_from),
    };
    let config = match &config_path {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    let mut rules_dirs = config.rules_dirs.clone();
    rules_dirs.extend(args.rules_dirs.iter().cloned());
    let catalogue = Catalogue::with_dirs(&rules_dirs)?;
    config.validate(&catalogue)?;
    if verbose {
        match &config_path {
            Some(path) => crate::say!("credlint: config {}", path.display()),
            None => crate::say!("credlint: no config file"),
        }
        crate::say!("credlint: {} rules loaded", catalogue.rules().count());
    }
    for path in args.paths.iter().filter(|path| !is_stdin(path)) {
        if std::fs::symlink_metadata(path).is_err() {
            bail!("{}: no such file or directory", path.display());
        }
    }
    let cwd = crate::walk::absolute(std::path::Path::new("."));
    let mut excludes: Vec<_> = config.excludes.clone().into_iter().collect();
    if !args.exclude.is_empty() {
        excludes.push(compile_excludes(&cwd, &args.exclude).context("in --exclude")?);
    }
    let includes = if args.include.is_empty() {
        None
    } else {
        Some(compile_excludes(&cwd, &args.include).context("in --include")?)
    };
    let threads =
        args.jobs.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(256)), usize::from);
    let (source, paths) = if args.history {
        let first = args.paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
        let root = crate::walk::git::repository_root(&first)?;
        let paths = vec![shown_root(&root)];
        (crate::Source::History { root, since: None }, paths)
    } else if stdin {
        (crate::Source::Stdin { name: args.stdin_filename.clone() }, Vec::new())
    } else {
        (crate::Source::Tree, args.paths.clone())
    };
    let display = if stdin { WalkDisplay::default() } else { WalkDisplay::new(&display_root(args)?, &paths) };
    let settings = ScanSettings {
        source,
        walk: WalkOptions {
            paths,
            max_file_size: args.max_file_size.or(config.max_file_size).unwrap_or(DEFAULT_MAX_FILE_SIZE),
            threads,
            hidden: args.hidden,
            excludes,
            includes,
            display,
        },
        rule_settings: config.rule_settings.clone(),
        analyze: crate::analyze::AnalyzeSettings {
            max_token_lifetime_days: config
                .max_token_lifetime_days
                .unwrap_or(crate::revocation::DEFAULT_MAX_TOKEN_LIFETIME_DAYS),
            allow_shared: config.allow_shared.clone(),
            today: args.today,
            report_unused_ignores: false,
            inventory: config.inventory.clone(),
            whole_graph: false,
        },
        merge_places_early: false,
    };
    Ok((settings, catalogue))
}

/// The directory reports name paths relative to: `--root`, else the root of the git work tree
/// holding the first path when every path is below it, else the current directory (a path outside
/// it is shown absolute).
fn display_root(args: &InputArgs) -> anyhow::Result<PathBuf> {
    let below = |root: &std::path::Path| {
        let root = crate::walk::canonical(root);
        args.paths.iter().all(|path| crate::walk::canonical(path).starts_with(&root))
    };
    if let Some(root) = &args.root {
        if !root.is_dir() {
            bail!("--root {}: not a directory", root.display());
        }
        if let Some(outside) =
            args.paths.iter().find(|path| !crate::walk::canonical(path).starts_with(crate::walk::canonical(root)))
        {
            bail!("{} is not below --root {}", outside.display(), root.display());
        }
        return Ok(root.clone());
    }
    let first = args.paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    match crate::walk::git::repository_root(&first) {
        Ok(root) if below(&root) => Ok(root),
        _ => Ok(PathBuf::from(".")),
    }
}

/// The repository root as reports show paths: relative to the working directory when below it.
fn shown_root(root: &std::path::Path) -> PathBuf {
    let cwd = crate::walk::absolute(std::path::Path::new("."));
    match root.strip_prefix(&cwd) {
        Ok(below) if below.as_os_str().is_empty() => PathBuf::from("."),
        Ok(below) => below.to_path_buf(),
        Err(_) => root.to_path_buf(),
    }
}

fn run_graph(args: GraphArgs) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.output {
        output::check(path, args.allow_symlinked_output)?;
    }
    let (mut settings, catalogue) = prepare(&args.input, false)?;
    // The graph shows every credential, a literal used once included.
    settings.analyze.whole_graph = true;
    let outcome = scan(&settings, &catalogue);
    let mut buffer = Vec::new();
    report::graph::write(args.format, &outcome, &mut buffer)?;
    match &args.output {
        Some(path) => output::write(path, &buffer, args.allow_symlinked_output)?,
        None => write_stdout(&buffer)?,
    }
    Ok(if outcome.has_errors() { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

/// Keeps the findings with a location on a changed line.
fn keep_changed(
    outcome: &mut crate::ScanOutcome,
    root: &std::path::Path,
    changes: &crate::walk::git::Changes,
    display_root: Option<&std::path::Path>,
) {
    let root = crate::walk::canonical(root);
    let sources = &outcome.sources;
    let touches = |location: &crate::finding::Location| {
        let Some(file) = sources.get(&*location.path) else { return false };
        // Locations name files as reports show them: relative to the display root.
        let absolute = match display_root {
            Some(display_root) if location.path.is_relative() => display_root.join(&location.path),
            _ => crate::walk::absolute(&location.path),
        };
        let Ok(relative) = absolute.strip_prefix(&root) else { return false };
        changes.touches(relative, file.lines.line_of(location.span.start))
    };
    outcome.findings.retain(|f| touches(&f.primary) || f.secondary.iter().any(&touches));
}

/// Writes a baseline of the scan's findings, keeping the old baseline's salt. A scan with errors
/// (a file that could not be read) never replaces a baseline: its findings would be missing and
/// come back later as new. An old baseline that can't be read (truncated, not a baseline) does not
/// block its regeneration: it is replaced, with a new salt.
fn run_baseline(args: BaselineArgs) -> anyhow::Result<ExitCode> {
    output::check(&args.output, args.allow_symlinked_output)?;
    let (settings, catalogue) = prepare(&args.input, false)?;
    let outcome = scan(&settings, &catalogue);
    if outcome.has_errors() {
        for problem in outcome.problems.iter().filter(|p| p.problem.kind.is_error()) {
            let line = format!("{}: {}", problem.path.display(), problem.problem.message);
            crate::say!("credlint: {}", report::escape::terminal(&line));
        }
        crate::say!(
            "credlint: {} left unchanged: the scan had errors, and a baseline without the findings of \
             the files it could not read would report them as new later",
            args.output.display()
        );
        return Ok(ExitCode::from(2));
    }
    let salt = match std::fs::symlink_metadata(&args.output) {
        Err(_) => None,
        Ok(_) => match crate::baseline::Baseline::load(&args.output) {
            Ok(old) => Some(old.salt),
            Err(error) => {
                crate::say!("credlint: warning: {error:#}; replacing it with a new baseline (new salt)");
                None
            }
        },
    };
    let baseline = crate::baseline::Baseline::of(&outcome.findings, salt);
    output::write(&args.output, baseline.to_json().as_bytes(), args.allow_symlinked_output)?;
    crate::say!(
        "credlint: wrote {} ({} finding{} in {} entr{})",
        args.output.display(),
        outcome.findings.len(),
        if outcome.findings.len() == 1 { "" } else { "s" },
        baseline.findings.len(),
        if baseline.findings.len() == 1 { "y" } else { "ies" },
    );
    Ok(ExitCode::SUCCESS)
}

/// The progress line is for a person watching a terminal: not for a pipe, a CI log or a
/// machine-readable report.
fn shows_progress(format: Format) -> bool {
    let ci = ["CI", "GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL", "BUILDKITE", "TF_BUILD"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()));
    format == Format::Human
        && io::stderr().is_terminal()
        && !ci
        && std::env::var_os("TERM").is_none_or(|term| term != "dumb")
}

/// `scan --explain-context`: each file's context and why, as text or JSON.
fn explain_context(args: &ScanArgs, settings: &crate::ScanSettings, catalogue: &Catalogue) -> anyhow::Result<ExitCode> {
    let explanations = crate::explain_contexts(settings, catalogue);
    let mut out = String::new();
    if args.format == Format::Json {
        let files: Vec<_> = explanations
            .iter()
            .map(|e| {
                serde_json::json!({
                    "path": crate::source::display_path(&e.path),
                    "context": e.context,
                    "reason": e.reason,
                    "regions": e.regions.iter().map(|(from, to, context, reason)| serde_json::json!({
                        "start_line": from, "end_line": to, "context": context, "reason": reason,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        out = serde_json::to_string_pretty(&serde_json::json!({ "files": files }))?;
        out.push('\n');
    } else {
        use std::fmt::Write as _;
        let show = |text: &str| crate::report::escape::terminal(text).into_owned();
        for e in &explanations {
            let path = show(&crate::source::display_path(&e.path));
            let _ = writeln!(out, "{path}: {} ({})", e.context.as_str(), show(&e.reason));
            for (from, to, context, reason) in &e.regions {
                let _ = writeln!(out, "  lines {from}-{to}: {} ({})", context.as_str(), show(reason));
            }
        }
    }
    match &args.output {
        Some(path) => output::write(path, out.as_bytes(), args.allow_symlinked_output)?,
        None => write_stdout(out.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

fn run_scan(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    if let Some(path) = &args.output {
        output::check(path, args.allow_symlinked_output)?;
    }
    if args.input.paths.iter().any(|path| is_stdin(path)) && (args.staged || args.since.is_some()) {
        bail!("--staged and --since read git, not standard input");
    }
    let (mut settings, catalogue) = prepare(&args.input, args.verbose)?;
    if args.explain_context {
        return explain_context(&args, &settings, &catalogue);
    }
    settings.analyze.report_unused_ignores = args.report_unused_ignores;
    let baseline = args.baseline.as_deref().map(crate::baseline::Baseline::load).transpose()?;
    if let crate::Source::History { since, .. } = &mut settings.source {
        since.clone_from(&args.since);
    }
    let changes = if !args.input.history && (args.staged || args.since.is_some()) {
        let first = args.input.paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
        let root = crate::walk::git::repository_root(&first)?;
        let changes = match &args.since {
            Some(rev) => crate::walk::git::changes_since(&root, rev)?,
            None => crate::walk::git::staged_changes(&root)?,
        };
        // The whole repository is the context: its index for --staged, its tree for --since.
        settings.walk.paths = vec![shown_root(&root)];
        if let Some(display_root) = settings.walk.display.root().map(std::path::Path::to_path_buf) {
            settings.walk.display = WalkDisplay::new(&display_root, &settings.walk.paths);
        }
        if args.staged {
            settings.source = crate::Source::Index { root: root.clone() };
        }
        Some((root, changes))
    } else {
        None
    };
    // The baseline and the changed-lines filter judge each rule of a place on its own: with
    // either, places are merged after them, not as files are checked.
    settings.merge_places_early = baseline.is_none() && changes.is_none();
    let progress = std::sync::Arc::new(crate::progress::Progress::default());
    let drawing =
        (!args.quiet && shows_progress(args.format)).then(|| crate::progress::draw(std::sync::Arc::clone(&progress)));
    let mut outcome = crate::scan_with_progress(&settings, &catalogue, &progress);
    // Erased before anything is written, so the report never shares a line with it.
    drop(drawing);
    if let Some((root, changes)) = &changes {
        keep_changed(&mut outcome, root, changes, settings.walk.display.root());
    }
    // The credential graph has given its findings, and no report of a scan reads it: freed before
    // the merge and the report, it is not held at their peak (a third of it for a file of 100,000
    // uses).
    drop(std::mem::take(&mut outcome.graph));
    if let Some(baseline) = &baseline {
        outcome.baselined = baseline.filter(&mut outcome.findings);
    }
    crate::finding::merge_places(&mut outcome.findings);
    // The gate sees every finding, before --min-severity hides some from the report: a hidden
    // note still fails `--fail-on note`.
    let threshold = match (args.exit_zero, args.fail_on) {
        (true, _) | (false, FailOn::Never) => None,
        (false, FailOn::Error) => Some(Severity::Error),
        (false, FailOn::Warning) => Some(Severity::Warning),
        (false, FailOn::Note) => Some(Severity::Note),
    };
    let failed = threshold.is_some_and(|t| outcome.findings.iter().any(|f| f.severity >= t));
    let shown = args.min_severity.severity();
    let before = outcome.findings.len();
    outcome.findings.retain(|finding| finding.severity >= shown);
    outcome.hidden_findings = before - outcome.findings.len();
    let to_terminal = args.output.is_none() && io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => auto_color(
            to_terminal,
            std::env::var_os("NO_COLOR").as_deref(),
            std::env::var_os("CLICOLOR_FORCE").as_deref(),
            std::env::var_os("TERM").as_deref(),
        ),
    };
    match &args.output {
        Some(path) => output::write_with(path, args.allow_symlinked_output, |out| {
            report::write(args.format, &outcome, &catalogue, out, false)
        })?,
        None => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            // A reader that closed the pipe (`credlint scan | head -1`) stops the report, not the
            // gate: the exit code is still the findings'.
            quiet_pipe(report::write(args.format, &outcome, &catalogue, &mut out, color).and_then(|()| out.flush()))?;
        }
    }
    // The summary goes to stderr for every format, so CI logs show it and pipes don't.
    if !args.quiet {
        crate::say!("{}", report::human::summary_line(&Summary::of(&outcome)));
    }
    if args.verbose {
        crate::say!(
            "credlint: {} files read through a syntax tree; done in {:.2}s",
            outcome.trees_parsed,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(if outcome.has_errors() {
        ExitCode::from(2)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Whether `--color auto` colours: on a terminal, unless `NO_COLOR` is set to something or
/// `TERM` is `dumb`; `CLICOLOR_FORCE` set to something other than `0` colours even a pipe.
pub fn auto_color(
    terminal: bool,
    no_color: Option<&std::ffi::OsStr>,
    clicolor_force: Option<&std::ffi::OsStr>,
    term: Option<&std::ffi::OsStr>,
) -> bool {
    let set = |value: Option<&std::ffi::OsStr>| value.is_some_and(|v| !v.is_empty());
    if set(no_color) {
        return false;
    }
    if set(clicolor_force) && clicolor_force.is_some_and(|v| v != "0") {
        return true;
    }
    terminal && term.is_none_or(|term| term != "dumb")
}

fn print_rules(catalogue: &Catalogue, format: RulesFormat) -> anyhow::Result<()> {
    // Built in memory and written once: a closed pipe is then one io::Error, handled in one place.
    let mut out = Vec::new();
    match format {
        RulesFormat::Human => {
            let width = catalogue.rules().map(|r| r.id.len()).max().unwrap_or(0);
            for rule in catalogue.rules() {
                writeln!(out, "{:width$}  {:7}  {}", rule.id, rule.severity.as_str(), rule.summary)?;
            }
        }
        RulesFormat::Json => {
            let rules: Vec<_> = catalogue
                .rules()
                .map(|rule| {
                    serde_json::json!({
                        "id": &*rule.id,
                        "name": rule.name,
                        "severity": rule.severity.as_str(),
                        "summary": rule.summary,
                        "description": rule.description,
                        "remediation": rule.remediation,
                        "references": rule.references,
                        "cwe": rule.cwe,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &serde_json::json!({ "version": 1, "rules": rules }))?;
            writeln!(out)?;
        }
    }
    write_stdout(&out)?;
    Ok(())
}

/// A rule's documentation as `credlint explain` prints it.
pub fn explain(rule: &crate::rules::Rule) -> String {
    use std::fmt::Write as _;
    let mut text = String::new();
    let _ = writeln!(text, "{} ({}, default severity {})\n", rule.id, rule.name, rule.severity.as_str());
    let _ = writeln!(text, "{}\n", rule.summary);
    let _ = writeln!(text, "Why it matters\n\n{}\n", rule.description);
    let _ = writeln!(text, "What to do\n\n{}\n", rule.remediation);
    for (title, examples) in [("Flagged", &rule.examples), ("Not flagged", &rule.negative_examples)] {
        let _ = writeln!(text, "{title}\n");
        for example in examples {
            if let Some(config) = &example.config {
                let _ = writeln!(text, "  # .credlint.toml");
                for line in config.trim().lines() {
                    let _ = writeln!(text, "  {line}");
                }
                text.push('\n');
            }
            let _ = writeln!(text, "  # {}", example.file);
            for line in example.code.lines() {
                let _ = writeln!(text, "  {line}");
            }
            text.push('\n');
        }
    }
    if !rule.cwe.is_empty() || !rule.references.is_empty() {
        let _ = writeln!(text, "References\n");
        for cwe in &rule.cwe {
            let _ = writeln!(text, "  CWE-{cwe}: https://cwe.mitre.org/data/definitions/{cwe}.html");
        }
        for reference in &rule.references {
            let _ = writeln!(text, "  {reference}");
        }
    }
    text
}
