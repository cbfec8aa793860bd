//! The progress line: files and bytes scanned so far, redrawn on stderr while a scan that takes
//! more than a moment runs, and erased before the report is written.
//!
//! `cli` turns it on only when stderr is a terminal, the report is the human one, and no CI
//! variable is set: a pipe, a log file or a machine-readable format never sees it (and indicatif's
//! stderr target hides itself off a terminal besides). Workers only bump two atomic counters;
//! indicatif draws them, ten times a second, from its own ticker thread, once the delay is over.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use indicatif::{HumanCount, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a scan runs before the line appears (a quick scan never flickers one).
const DEFAULT_DELAY: Duration = Duration::from_millis(400);
const REDRAW: Duration = Duration::from_millis(100);

/// Counters the scan bumps, shared with the drawing thread.
#[derive(Debug, Default)]
pub struct Progress {
    files: AtomicU64,
    bytes: AtomicU64,
}

impl Progress {
    /// One file scanned, of `bytes` bytes.
    pub fn record(&self, bytes: u64) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// The line as drawn: `scanning: 12,345 files, 234.5 MB`.
    pub fn line(&self) -> String {
        let files = self.files.load(Ordering::Relaxed);
        let bytes = self.bytes.load(Ordering::Relaxed);
        format!("scanning: {} files, {:.1} MB", HumanCount(files), bytes as f64 / 1e6)
    }
}

/// Draws the line while alive; dropping it stops drawing and erases the line.
#[derive(Debug)]
pub struct Drawing {
    bar: ProgressBar,
    stop: Arc<(Mutex<bool>, Condvar)>,
    /// Waits out the delay, then starts indicatif's ticker; ends at once when the scan ends first.
    delay: Option<std::thread::JoinHandle<()>>,
}

/// Starts drawing `progress` on stderr after `delay` (default 400 ms; `CREDLINT_PROGRESS_DELAY_MS`
/// overrides it, for the test that checks the line on a pseudo-terminal).
pub fn draw(progress: Arc<Progress>) -> Drawing {
    let delay = std::env::var("CREDLINT_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(DEFAULT_DELAY, Duration::from_millis);
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(10));
    let style = ProgressStyle::with_template("{line}").expect("a template of one key is valid").with_key(
        "line",
        move |_: &indicatif::ProgressState, out: &mut dyn std::fmt::Write| {
            let _ = out.write_str(&progress.line());
        },
    );
    bar.set_style(style);
    let stop = Arc::new((Mutex::new(false), Condvar::new()));
    if delay.is_zero() {
        // Drawn before the scan starts, so that even an instant scan shows (and erases) a line.
        bar.tick();
        bar.enable_steady_tick(REDRAW);
        return Drawing { bar, stop, delay: None };
    }
    let thread = {
        let (stop, bar) = (Arc::clone(&stop), bar.clone());
        std::thread::Builder::new().name("progress".to_owned()).spawn(move || {
            let (lock, wake) = &*stop;
            let stopped = lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let (stopped, _) =
                wake.wait_timeout_while(stopped, delay, |stopped| !*stopped).unwrap_or_else(|e| e.into_inner());
            if !*stopped {
                bar.enable_steady_tick(REDRAW);
            }
        })
    };
    // Without a thread there is no line: the scan goes on regardless.
    Drawing { bar, stop, delay: thread.ok() }
}

impl Drop for Drawing {
    fn drop(&mut self) {
        let (lock, wake) = &*self.stop;
        *lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = true;
        wake.notify_all();
        if let Some(thread) = self.delay.take() {
            let _ = thread.join();
        }
        // Stops the ticker and erases the line (`\r` and erase-line) if it was ever drawn.
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_counts_files_and_bytes() {
        let progress = Progress::default();
        progress.record(1_500_000);
        for _ in 0..1233 {
            progress.record(1000);
        }
        assert_eq!(progress.line(), "scanning: 1,234 files, 2.7 MB");
        progress.files.store(1_000_000, Ordering::Relaxed);
        assert_eq!(progress.line(), "scanning: 1,000,000 files, 2.7 MB");
        progress.files.store(0, Ordering::Relaxed);
        assert_eq!(progress.line(), "scanning: 0 files, 2.7 MB");
    }
}
