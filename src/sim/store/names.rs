//! Generated names, uids and timestamps for new objects.

use crate::sim::clock::Clock;

pub(super) fn timestamp(clock: &Clock) -> String {
    let now = clock.now();
    jiff::Timestamp::from_second(now.as_second())
        .unwrap_or(now)
        .to_string()
}

/// Lower-case letters and digits as Kubernetes uses for generated suffixes
/// (no vowels, so no words).
const SUFFIX_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

pub(super) fn generated_name(prefix: &str) -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    let suffix: String = (0..5)
        .map(|_| SUFFIX_ALPHABET[rng.random_range(0..SUFFIX_ALPHABET.len())] as char)
        .collect();
    format!("{prefix}{suffix}")
}

pub(super) fn new_uid() -> String {
    let bytes: [u8; 16] = rand::random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    // A version-4 UUID: version nibble 4, variant bits 10.
    let variant = ['8', '9', 'a', 'b'][usize::from(bytes[8] & 3)];
    format!(
        "{}-{}-4{}-{variant}{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}
