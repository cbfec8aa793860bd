#![no_main]
//! Fuzzes `credlint::fuzzing::classifier` (see that function for what it drives and checks).

libfuzzer_sys::fuzz_target!(|data: &[u8]| credlint::fuzzing::classifier(data));
