//! The progress line: files and bytes scanned so far, redrawn on stderr while a scan that takes
//! more than a moment runs, and erased before the report is written.
//!
//! `cli` turns it on only when stderr is a terminal, the report is the human one, and no CI
//! variable is set: a pipe, a log file or a machine-readable format never sees it. Workers only
//! bump two atomic counters; one thread draws, ten times a second.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

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
        format!("scanning: {} files, {:.1} MB", thousands(files), bytes as f64 / 1e6)
    }
}

/// Draws the line while alive; dropping it stops the thread and erases the line.
#[derive(Debug)]
pub struct Drawing {
    stop: Arc<(Mutex<bool>, Condvar)>,
    drawn: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Starts drawing `progress` on stderr after `delay` (default 400 ms; `CREDLINT_PROGRESS_DELAY_MS`
/// overrides it, for the test that checks the line on a pseudo-terminal).
pub fn draw(progress: Arc<Progress>) -> Drawing {
    let delay = std::env::var("CREDLINT_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(DEFAULT_DELAY, Duration::from_millis);
    let stop = Arc::new((Mutex::new(false), Condvar::new()));
    let drawn = Arc::new(AtomicBool::new(false));
    if delay.is_zero() {
        // Drawn before the scan starts, so that even an instant scan shows (and erases) a line.
        redraw(&progress);
        drawn.store(true, Ordering::Relaxed);
    }
    let thread = {
        let (stop, drawn) = (Arc::clone(&stop), Arc::clone(&drawn));
        std::thread::Builder::new().name("progress".to_owned()).spawn(move || {
            let (lock, wake) = &*stop;
            let mut wait = delay;
            loop {
                let stopped = lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                let (stopped, _) =
                    wake.wait_timeout_while(stopped, wait, |stopped| !*stopped).unwrap_or_else(|e| e.into_inner());
                if *stopped {
                    return;
                }
                drop(stopped);
                redraw(&progress);
                drawn.store(true, Ordering::Relaxed);
                wait = REDRAW;
            }
        })
    };
    // Without a thread there is no line: the scan goes on regardless.
    Drawing { stop, drawn, thread: thread.ok() }
}

/// `\r` and erase-line: the line is redrawn in place, never scrolled.
fn redraw(progress: &Progress) {
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "\r\x1b[2K{}", progress.line());
    let _ = stderr.flush();
}

impl Drop for Drawing {
    fn drop(&mut self) {
        let (lock, wake) = &*self.stop;
        *lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = true;
        wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        if self.drawn.load(Ordering::Relaxed) {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\r\x1b[2K");
            let _ = stderr.flush();
        }
    }
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
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
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
