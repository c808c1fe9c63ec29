//! The asciicast v2 file format: a JSON header line, then one JSON array
//! per event, `[seconds since start, code, data]`. Writing and reading it
//! live here so the recorder and `trinetes replay` agree on one format.
//!
//! v2, not v3: `pip install asciinema` gives asciinema 2.4, the last Python
//! release, which opens only v2 ("only asciicast v2 format can be opened");
//! asciinema 3, asciinema-player and asciinema.org all read v2 as well.

use serde_json::{Value, json};

/// The first line of a recording.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub width: u16,
    pub height: u16,
    /// Unix seconds when the recording started.
    pub timestamp: Option<i64>,
    pub title: Option<String>,
    /// Longest pause a player keeps, in seconds.
    pub idle_time_limit: Option<f64>,
    /// What trinetes ran, for `trinetes replay` (a key of its own in the
    /// header, which asciinema's players ignore); `None` in a recording
    /// made elsewhere or by a trinetes before it was written.
    pub origin: Option<Origin>,
}

/// The `"trinetes"` object of a header: the profile and backend the run
/// used. The lessons and steps are the markers' `LESSON/STEP` labels.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Origin {
    /// The format of the markers and lines trinetes writes; replay reads
    /// [`ORIGIN_FORMAT`] only.
    pub format: u32,
    pub profile: String,
    pub backend: String,
}

/// What [`Origin::format`] this trinetes writes and reads.
pub const ORIGIN_FORMAT: u32 = 1;

/// What an event carries.
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// Text written to the terminal (code "o").
    Output(String),
    /// A marker a player can jump to or pause at (code "m"), with its label.
    Marker(String),
    /// Anything else ("i" input, "r" resize): kept so reading never fails
    /// on a recording made elsewhere, and ignored by replay.
    Other,
}

/// One event, at `time` seconds since the start.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub time: f64,
    pub kind: EventKind,
}

/// Why a file is not a recording trinetes can play. Lines count from 1.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CastError {
    #[error("the file is empty")]
    Empty,
    #[error("line 1 is not an asciicast header (a JSON object with \"version\": 2): {0}")]
    Header(String),
    #[error(
        "it is asciicast version {0}; trinetes replays version 2 (what `trinetes --record` and asciinema 2 write)"
    )]
    Version(i64),
    #[error("line {line} is not an asciicast event ([seconds, code, data]): {why}")]
    Event { line: usize, why: String },
}

/// A whole recording as read.
#[derive(Debug, Clone, PartialEq)]
pub struct Cast {
    pub header: Header,
    pub events: Vec<Event>,
    /// The last line was cut off mid-way (a recording whose writer died):
    /// the events before it are kept.
    pub cut_off: bool,
}

impl Header {
    /// The header as its JSON line (without the newline).
    pub fn to_line(&self) -> String {
        let mut header = json!({
            "version": 2,
            "width": self.width,
            "height": self.height,
        });
        let object = header
            .as_object_mut()
            .expect("json! of an object literal is an object");
        if let Some(t) = self.timestamp {
            object.insert("timestamp".into(), json!(t));
        }
        if let Some(limit) = self.idle_time_limit {
            object.insert("idle_time_limit".into(), json!(limit));
        }
        if let Some(title) = &self.title {
            object.insert("title".into(), json!(title));
        }
        if let Some(origin) = &self.origin {
            object.insert("trinetes".into(), json!(origin));
        }
        object.insert(
            "env".into(),
            json!({"TERM": "xterm-256color", "SHELL": "/bin/sh"}),
        );
        header.to_string()
    }

    fn parse(line: &str) -> Result<Header, CastError> {
        let value: Value =
            serde_json::from_str(line).map_err(|e| CastError::Header(e.to_string()))?;
        let object = value
            .as_object()
            .ok_or_else(|| CastError::Header("not a JSON object".into()))?;
        let version = object
            .get("version")
            .and_then(Value::as_i64)
            .ok_or_else(|| CastError::Header("no \"version\"".into()))?;
        if version != 2 {
            return Err(CastError::Version(version));
        }
        let size = |name: &str| {
            object
                .get(name)
                .and_then(Value::as_u64)
                .and_then(|n| u16::try_from(n).ok())
                .ok_or_else(|| CastError::Header(format!("no \"{name}\" (a number of cells)")))
        };
        Ok(Header {
            width: size("width")?,
            height: size("height")?,
            timestamp: object.get("timestamp").and_then(Value::as_i64),
            title: object
                .get("title")
                .and_then(Value::as_str)
                .map(str::to_string),
            idle_time_limit: object.get("idle_time_limit").and_then(Value::as_f64),
            origin: object
                .get("trinetes")
                .and_then(|o| serde_json::from_value(o.clone()).ok()),
        })
    }
}

impl Event {
    /// The event as its JSON line (without the newline). Times keep
    /// microseconds, as asciinema writes them.
    pub fn to_line(&self) -> String {
        let time = (self.time * 1e6).round() / 1e6;
        match &self.kind {
            EventKind::Output(text) => json!([time, "o", text]).to_string(),
            EventKind::Marker(label) => json!([time, "m", label]).to_string(),
            EventKind::Other => json!([time, "r", ""]).to_string(),
        }
    }

    fn parse(line: &str, number: usize) -> Result<Event, CastError> {
        let bad = |why: String| CastError::Event { line: number, why };
        let value: Value = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        let Some([time, code, data]) = value.as_array().map(Vec::as_slice) else {
            return Err(bad("not an array of three".into()));
        };
        let time = time
            .as_f64()
            .filter(|t| t.is_finite() && *t >= 0.0)
            .ok_or_else(|| bad("the time is not a number of seconds".into()))?;
        let code = code
            .as_str()
            .ok_or_else(|| bad("the code is not a string".into()))?;
        let data = data
            .as_str()
            .ok_or_else(|| bad("the data is not a string".into()))?;
        let kind = match code {
            "o" => EventKind::Output(data.to_string()),
            "m" => EventKind::Marker(data.to_string()),
            _ => EventKind::Other,
        };
        Ok(Event { time, kind })
    }
}

impl Cast {
    /// Reads a recording. A last line that does not parse and has no
    /// newline after it is taken as cut off by a crash, not as an error.
    pub fn parse(text: &str) -> Result<Cast, CastError> {
        let mut lines = text.split_inclusive('\n').enumerate();
        let (_, first) = lines.next().ok_or(CastError::Empty)?;
        if first.trim().is_empty() {
            return Err(CastError::Empty);
        }
        let header = Header::parse(first.trim_end())?;
        let mut events = Vec::new();
        let mut cut_off = false;
        for (index, line) in lines {
            let trimmed = line.trim_end();
            if trimmed.is_empty() {
                continue;
            }
            match Event::parse(trimmed, index + 1) {
                Ok(event) => events.push(event),
                Err(_) if !line.ends_with('\n') => cut_off = true,
                Err(e) => return Err(e),
            }
        }
        Ok(Cast {
            header,
            events,
            cut_off,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header {
            width: 100,
            height: 30,
            timestamp: Some(1_700_000_000),
            title: Some("trinetes run".into()),
            idle_time_limit: Some(2.0),
            origin: Some(Origin {
                format: ORIGIN_FORMAT,
                profile: "current".into(),
                backend: "dry-run".into(),
            }),
        }
    }

    #[test]
    fn what_is_written_reads_back() {
        let events = [
            Event {
                time: 0.5,
                kind: EventKind::Marker("create-replicaset".into()),
            },
            Event {
                time: 0.75,
                kind: EventKind::Output("$ kubectl get rs\r\n".into()),
            },
        ];
        let mut text = header().to_line() + "\n";
        for e in &events {
            text += &(e.to_line() + "\n");
        }
        assert!(text.starts_with("{\"version\":2,\"width\":100,\"height\":30,"));
        assert!(text.contains("[0.5,\"m\",\"create-replicaset\"]"), "{text}");
        let cast = Cast::parse(&text).unwrap();
        assert_eq!(cast.header, header());
        assert_eq!(cast.events, events);
        assert!(!cast.cut_off);
    }

    #[test]
    fn a_cut_off_last_line_keeps_the_events_before_it() {
        let text = format!(
            "{}\n[0.1,\"o\",\"one\"]\n[0.2,\"o\",\"tw",
            header().to_line()
        );
        let cast = Cast::parse(&text).unwrap();
        assert_eq!(cast.events.len(), 1);
        assert!(cast.cut_off);
    }

    #[test]
    fn malformed_files_say_which_line_and_why() {
        assert_eq!(Cast::parse(""), Err(CastError::Empty));
        assert!(matches!(Cast::parse("hello\n"), Err(CastError::Header(_))));
        assert_eq!(
            Cast::parse("{\"version\":3,\"term\":{\"cols\":80,\"rows\":24}}\n"),
            Err(CastError::Version(3))
        );
        let text = format!("{}\n[0.1,\"o\",\"one\"]\n{{\"x\":1}}\n", header().to_line());
        let err = Cast::parse(&text).unwrap_err();
        assert!(matches!(err, CastError::Event { line: 3, .. }), "{err:?}");
        assert!(
            err.to_string()
                .starts_with("line 3 is not an asciicast event")
        );
        // Input and resize events from other recorders are read and ignored.
        let text = format!("{}\n[0.1,\"r\",\"80x24\"]\n", header().to_line());
        assert_eq!(Cast::parse(&text).unwrap().events[0].kind, EventKind::Other);
    }
}
