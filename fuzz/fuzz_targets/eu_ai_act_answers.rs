#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| aims_fuzzing::eu_ai_act_answers(data));
