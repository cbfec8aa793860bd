#![no_main]
//! Fuzzes `credlint::fuzzing::config_parsers` (see that function for what it drives and checks).

libfuzzer_sys::fuzz_target!(|data: &[u8]| credlint::fuzzing::config_parsers(data));
