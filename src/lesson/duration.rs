//! Durations as lesson authors write them: `90s`, `15m`, `1h30m`, `500ms`.

use std::time::Duration;

/// What a malformed duration message says was expected.
pub const EXPECTED: &str =
    "expected a number and a unit (`h`, `m`, `s` or `ms`), e.g. `90s`, `15m` or `1h30m`";

/// Parses one or more `<number><unit>` parts; `None` if anything else is there.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total = Duration::ZERO;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let number: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let (unit, len) = if rest.starts_with("ms") {
            (Duration::from_millis(1), 2)
        } else if rest.starts_with('h') {
            (Duration::from_secs(3600), 1)
        } else if rest.starts_with('m') {
            (Duration::from_secs(60), 1)
        } else if rest.starts_with('s') {
            (Duration::from_secs(1), 1)
        } else {
            return None;
        };
        total = total.checked_add(unit.checked_mul(u32::try_from(number).ok()?)?)?;
        rest = &rest[len..];
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_units_and_combinations() {
        assert_eq!(parse_duration("90s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("15m"), Some(Duration::from_secs(900)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m30s"), Some(Duration::from_secs(150)));
    }

    #[test]
    fn rejects_everything_else() {
        for bad in ["", "15", "m", "15 minutes", "1.5m", "-3s", "10x", "1h 30m"] {
            assert_eq!(parse_duration(bad), None, "{bad:?} should be rejected");
        }
    }
}
