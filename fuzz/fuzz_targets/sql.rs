//! SQL end to end: bytes -> decode -> split + parse (every dialect) -> every rule -> every
//! output format. Nothing on the way may panic, hang or blow the stack.
//!
//! The first byte picks the file name the text is linted as (its dialect, direction and
//! framework are told from the name, like a real file's); the rest is the file's bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    schemaguard_fuzz_support::lint_sql_bytes(data);
});

mod schemaguard_fuzz_support {
    include!("../support.rs");
}
