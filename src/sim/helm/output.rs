//! helm's text output: tables, timestamps and the release summary.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::release::ReleaseRecord;
use crate::sim::text::TabWriter;

/// A table the way helm prints one: each cell padded to its column's width
/// and followed by a tab. Trailing whitespace is trimmed from every line.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let all: Vec<&Vec<String>> = std::iter::once(&header).chain(rows).collect();
    let mut out = String::new();
    for line in TabWriter::HELM.rows(&all) {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// helm search's 50-column limit: longer text keeps 47 characters and "...".
pub fn truncate_column(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max.saturating_sub(3)).collect();
    format!("{kept}...")
}

/// Go's `time.ANSIC` in UTC: `Tue Nov 24 02:05:10 2026`.
pub fn ansic(time: Timestamp) -> String {
    time.to_zoned(TimeZone::UTC)
        .strftime("%a %b %e %H:%M:%S %Y")
        .to_string()
}

/// Go's `time.Time.String()` in UTC, as `helm list` prints UPDATED.
pub fn go_time_string(time: Timestamp) -> String {
    let zoned = time.to_zoned(TimeZone::UTC);
    let nanos = zoned.subsec_nanosecond();
    let fraction = if nanos == 0 {
        String::new()
    } else {
        format!(".{nanos:09}").trim_end_matches('0').to_string()
    };
    format!(
        "{}{fraction} +0000 UTC",
        zoned.strftime("%Y-%m-%d %H:%M:%S")
    )
}

/// The summary that `helm install` and `helm status` print.
pub fn release_summary(record: &ReleaseRecord) -> String {
    let mut out = format!(
        "NAME: {}\nLAST DEPLOYED: {}\nNAMESPACE: {}\nSTATUS: {}\nREVISION: {}\nTEST SUITE: None\n",
        record.name,
        ansic(record.updated),
        record.namespace,
        record.status.as_str(),
        record.revision
    );
    if !record.notes.trim().is_empty() {
        out.push_str("NOTES:\n");
        out.push_str(record.notes.trim_end_matches('\n'));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_pad_with_tabs() {
        let text = table(
            &["NAME", "CHART VERSION"],
            &[vec!["trino/trino".into(), "1.42.2".into()]],
        );
        assert_eq!(text, "NAME       \tCHART VERSION\ntrino/trino\t1.42.2\n");
    }

    #[test]
    fn go_style_times() {
        let t: Timestamp = "2021-12-16T18:05:03.5Z".parse().expect("valid");
        assert_eq!(ansic(t), "Thu Dec 16 18:05:03 2021");
        assert_eq!(go_time_string(t), "2021-12-16 18:05:03.5 +0000 UTC");
        let t: Timestamp = "2021-12-06T08:00:00Z".parse().expect("valid");
        assert_eq!(ansic(t), "Mon Dec  6 08:00:00 2021");
    }

    #[test]
    fn long_descriptions_are_cut() {
        let cut = truncate_column(
            "Fast distributed SQL query engine for big data analytics that helps you explore",
            50,
        );
        assert_eq!(cut, "Fast distributed SQL query engine for big data ...");
    }
}
