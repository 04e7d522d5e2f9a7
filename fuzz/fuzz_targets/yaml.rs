//! Config YAML end to end: bytes -> decode -> YAML model (anchors, merges, multi-document)
//! -> classification -> every YAML rule and the secrets engine -> every output format. Nothing on the way may panic, hang or blow the stack.
//!
//! The first byte picks the file name the text is linted as; the rest is the file's bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    schemaguard_fuzz_support::lint_yaml_bytes(data);
});

mod schemaguard_fuzz_support {
    include!("../support.rs");
}
