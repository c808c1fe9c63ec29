//! The report of a headless run: JSON for tools, JUnit XML for CI systems.

use std::path::Path;

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub backend: String,
    pub profile: String,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub duration_secs: f64,
    pub lessons: Vec<LessonReport>,
    /// Set when a live step failed for a network or AWS reason and the run
    /// went on on dry-run (`--fallback auto`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<FallbackReport>,
}

/// Where and why a live run went on on a simulated world.
#[derive(Debug, Clone, Serialize)]
pub struct FallbackReport {
    /// `lesson/step` of the live step that failed.
    pub failed_step: String,
    /// e.g. "a DNS failure".
    pub cause: String,
    /// The error text that was recognised, and the line it was in.
    pub matched: String,
    pub line: String,
    /// The earlier steps run again on the simulated world (`lesson/step`).
    pub rebuilt: Vec<String>,
    /// The steps that ran on the simulated world (`lesson/step`), from the
    /// failed one on.
    pub simulated: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LessonReport {
    pub id: String,
    pub title: String,
    pub steps: Vec<StepReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepReport {
    pub id: String,
    pub title: String,
    pub command: String,
    /// passed, failed, timed-out, cancelled or skipped.
    pub outcome: String,
    /// Why it failed or was skipped.
    pub reason: Option<String>,
    pub duration_secs: f64,
    pub output: Vec<String>,
    pub checks: Vec<CheckReport>,
    /// The step's own hints shown under its failure, in order: the
    /// unconditional ones and those whose `when` the failure showed.
    pub hints: Vec<String>,
    /// The step ran on the simulated world after a live step failed on the
    /// network (see `RunReport::fallback`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub simulated: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub description: String,
    pub passed: bool,
    /// What was seen: when it held, or the last state before giving up.
    pub seen: String,
    pub hint: Option<String>,
}

/// Whether a report can be written at `path`, asked before the run starts
/// so a long run does not end in "cannot write the report". A file that
/// was not there is not left behind.
pub fn check_writable(path: &Path) -> std::io::Result<()> {
    if path.is_dir() {
        return Err(std::io::Error::other("it is a folder"));
    }
    let existed = path.exists();
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)?;
    if !existed {
        std::fs::remove_file(path)?;
    }
    Ok(())
}

impl RunReport {
    /// Write JUnit XML when the file name ends in `.xml`, JSON otherwise.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let text = if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
        {
            self.junit()
        } else {
            serde_json::to_string_pretty(self).map_err(std::io::Error::other)? + "\n"
        };
        std::fs::write(path, text)
    }

    pub fn junit(&self) -> String {
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.push_str(&format!(
            "<testsuites name=\"trinetes\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3}\">\n",
            self.passed + self.failed + self.skipped,
            self.failed,
            self.skipped,
            self.duration_secs
        ));
        for lesson in &self.lessons {
            let failures = lesson
                .steps
                .iter()
                .filter(|s| is_failure(&s.outcome))
                .count();
            let skipped = lesson
                .steps
                .iter()
                .filter(|s| s.outcome == "skipped")
                .count();
            let time: f64 = lesson.steps.iter().map(|s| s.duration_secs).sum();
            xml.push_str(&format!(
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{time:.3}\">\n",
                escape(&lesson.id),
                lesson.steps.len()
            ));
            for step in &lesson.steps {
                xml.push_str(&format!(
                    "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\">\n",
                    escape(&lesson.id),
                    escape(&step.id),
                    step.duration_secs
                ));
                if step.simulated {
                    xml.push_str(
                        "      <properties><property name=\"simulated\" value=\"true\"/></properties>\n",
                    );
                }
                let reason = escape(step.reason.as_deref().unwrap_or_default());
                if is_failure(&step.outcome) {
                    xml.push_str(&format!(
                        "      <failure type=\"{}\" message=\"{reason}\">{}</failure>\n",
                        step.outcome,
                        escape(&failure_text(step))
                    ));
                } else if step.outcome == "skipped" {
                    xml.push_str(&format!("      <skipped message=\"{reason}\"/>\n"));
                }
                if !step.output.is_empty() {
                    xml.push_str(&format!(
                        "      <system-out>{}</system-out>\n",
                        escape(&step.output.join("\n"))
                    ));
                }
                xml.push_str("    </testcase>\n");
            }
            xml.push_str("  </testsuite>\n");
        }
        xml.push_str("</testsuites>\n");
        xml
    }
}

fn is_failure(outcome: &str) -> bool {
    matches!(outcome, "failed" | "timed-out" | "cancelled")
}

fn failure_text(step: &StepReport) -> String {
    let mut text = format!("$ {}\n", step.command);
    for c in step.checks.iter().filter(|c| !c.passed) {
        text.push_str(&format!(
            "check failed: {}\n  last seen: {}\n",
            c.description, c.seen
        ));
        if let Some(hint) = &c.hint {
            text.push_str(&format!("  hint: {hint}\n"));
        }
    }
    for hint in &step.hints {
        text.push_str(&format!("hint: {hint}\n"));
    }
    text
}

/// Escape text for XML attributes and content; drops characters XML 1.0 forbids.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_writable_check_leaves_no_file_behind_and_keeps_an_old_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        let new = dir.path().join("report.json");
        super::check_writable(&new).expect("writable");
        assert!(!new.exists());
        let old = dir.path().join("old.xml");
        std::fs::write(&old, "kept").expect("write");
        super::check_writable(&old).expect("writable");
        assert_eq!(std::fs::read_to_string(&old).expect("read"), "kept");
        assert!(super::check_writable(dir.path()).is_err(), "a folder");
        assert!(super::check_writable(&dir.path().join("no/such.json")).is_err());
    }

    use super::*;

    fn report() -> RunReport {
        RunReport {
            backend: "dry-run".into(),
            profile: "current".into(),
            passed: 1,
            failed: 1,
            skipped: 1,
            duration_secs: 2.5,
            lessons: vec![LessonReport {
                id: "90-eks-demo".into(),
                title: "Demo".into(),
                steps: vec![
                    StepReport {
                        id: "get-nodes".into(),
                        title: "Nodes".into(),
                        command: "kubectl get nodes".into(),
                        outcome: "passed".into(),
                        reason: None,
                        duration_secs: 0.5,
                        output: vec!["NAME STATUS".into()],
                        checks: vec![],
                        hints: vec![],
                        simulated: true,
                    },
                    StepReport {
                        id: "helm-install".into(),
                        title: "Install".into(),
                        command: "helm install tcb trino/trino".into(),
                        outcome: "failed".into(),
                        reason: Some("check failed: <deployment> & more".into()),
                        duration_secs: 2.0,
                        output: vec![],
                        checks: vec![CheckReport {
                            description: "deployment tcb-trino-worker: 2/2 ready".into(),
                            passed: false,
                            seen: "1/2 ready".into(),
                            hint: Some("kubectl describe pods".into()),
                        }],
                        hints: vec!["helm status tcb says what it deployed".into()],
                        simulated: false,
                    },
                    StepReport {
                        id: "practice".into(),
                        title: "Practice".into(),
                        command: "kubectl get pods".into(),
                        outcome: "skipped".into(),
                        reason: Some("dry-run only".into()),
                        duration_secs: 0.0,
                        output: vec![],
                        checks: vec![],
                        hints: vec![],
                        simulated: false,
                    },
                ],
            }],
            fallback: None,
        }
    }

    #[test]
    fn junit_marks_failures_and_skips_and_escapes_text() {
        let xml = report().junit();
        assert!(
            xml.contains("<testsuites name=\"trinetes\" tests=\"3\" failures=\"1\" skipped=\"1\"")
        );
        assert!(
            xml.contains(
                "<testcase classname=\"90-eks-demo\" name=\"helm-install\" time=\"2.000\">"
            )
        );
        assert!(xml.contains("message=\"check failed: &lt;deployment&gt; &amp; more\""));
        assert!(xml.contains("hint: kubectl describe pods"));
        assert!(xml.contains("hint: helm status tcb says what it deployed"));
        assert!(xml.contains("<skipped message=\"dry-run only\"/>"));
        assert_eq!(xml.matches("<testcase ").count(), 3);
        assert_eq!(xml.matches("</testcase>").count(), 3);
        // Only the step that ran on a fallback world says it was simulated.
        assert_eq!(
            xml.matches("<property name=\"simulated\" value=\"true\"/>")
                .count(),
            1
        );
    }

    #[test]
    fn report_file_format_follows_the_extension() {
        let dir = tempfile::tempdir().expect("temp dir");
        let json_path = dir.path().join("r.json");
        let xml_path = dir.path().join("r.XML");
        report().write(&json_path).expect("json");
        report().write(&xml_path).expect("xml");
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json_path).expect("read"))
                .expect("valid JSON");
        assert_eq!(
            json["lessons"][0]["steps"][1]["checks"][0]["hint"],
            "kubectl describe pods"
        );
        assert_eq!(
            json["lessons"][0]["steps"][1]["hints"][0],
            "helm status tcb says what it deployed"
        );
        assert_eq!(json["lessons"][0]["steps"][0]["simulated"], true);
        assert!(json["lessons"][0]["steps"][1].get("simulated").is_none());
        assert!(json.get("fallback").is_none());
        assert!(
            std::fs::read_to_string(&xml_path)
                .expect("read")
                .starts_with("<?xml")
        );
    }

    #[test]
    fn control_characters_are_dropped_from_xml() {
        assert_eq!(escape("a\u{1b}[31mb\tc"), "a[31mb\tc");
    }
}
