#![no_main]
//! Fuzzes `credlint::fuzzing::git_changes` (see that function for what it drives and checks).

libfuzzer_sys::fuzz_target!(|data: &[u8]| credlint::fuzzing::git_changes(data));
