//! Placeholder: `--format junit` is being written.

use std::io::{self, Write};

use crate::ScanOutcome;
use crate::rules::Catalogue;

pub fn write(_outcome: &ScanOutcome, _catalogue: &Catalogue, _out: &mut dyn Write) -> io::Result<()> {
    Ok(())
}
