//! kubectl's human-readable durations (apimachinery's `HumanDuration`), as
//! the AGE columns of every simulated tool print them.

/// `45s`, `3m20s`, `12m`, `5h10m`, `30h`, `3d2h`, `40d`, `2y70d`, `9y`.
/// A little in the future (clock skew) reads `0s`; further is `<invalid>`.
pub fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".into();
    }
    let s = seconds.max(0);
    let (minutes, hours) = (s / 60, s / 3600);
    let days = hours / 24;
    if s < 120 {
        format!("{s}s")
    } else if minutes < 10 {
        with_rest(minutes, "m", s % 60, "s")
    } else if minutes < 180 {
        format!("{minutes}m")
    } else if hours < 8 {
        with_rest(hours, "h", minutes % 60, "m")
    } else if hours < 48 {
        format!("{hours}h")
    } else if hours < 24 * 8 {
        with_rest(days, "d", hours % 24, "h")
    } else if hours < 24 * 365 * 2 {
        format!("{days}d")
    } else if hours < 24 * 365 * 8 {
        with_rest(days / 365, "y", days % 365, "d")
    } else {
        format!("{}y", days / 365)
    }
}

/// `3m20s`, or `3m` when the rest is zero.
fn with_rest(value: i64, unit: &str, rest: i64, rest_unit: &str) -> String {
    if rest == 0 {
        format!("{value}{unit}")
    } else {
        format!("{value}{unit}{rest}{rest_unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_kubectls() {
        let cases = [
            (-5, "<invalid>"),
            (-1, "0s"),
            (0, "0s"),
            (5, "5s"),
            (119, "119s"),
            (120, "2m"),
            (150, "2m30s"),
            (200, "3m20s"),
            (600, "10m"),
            (3599, "59m"),
            (3 * 3600, "3h"),
            (3 * 3600 + 60, "3h1m"),
            (3 * 3600 + 600, "3h10m"),
            (30 * 3600, "30h"),
            (50 * 3600, "2d2h"),
            (3 * 86_400, "3d"),
            (3 * 86_400 + 7200, "3d2h"),
            (9 * 86_400, "9d"),
            (40 * 86_400, "40d"),
            (800 * 86_400, "2y70d"),
            (730 * 86_400, "2y"),
            (10 * 365 * 86_400, "10y"),
        ];
        for (secs, want) in cases {
            assert_eq!(human_duration(secs), want, "{secs}");
        }
    }
}
