//! Structured configuration: placeholder until the key-path extractors land.

use crate::fact::Facts;
use crate::source::SourceFile;

pub fn extract(_file: &SourceFile) -> Facts {
    Facts::default()
}
