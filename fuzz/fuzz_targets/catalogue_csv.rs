#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| aims_fuzzing::catalogue_csv(data));
