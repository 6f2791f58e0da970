#![no_main]
//! Arbitrary bytes through every decoder of the protocol.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cuvm_wire::fuzzing::decode_everything(data);
});
