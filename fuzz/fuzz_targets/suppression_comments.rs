#![no_main]
//! Fuzzes `credlint::fuzzing::suppression_comments` (see that function for what it drives and checks).

libfuzzer_sys::fuzz_target!(|data: &[u8]| credlint::fuzzing::suppression_comments(data));
