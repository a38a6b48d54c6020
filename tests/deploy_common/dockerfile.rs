//! `deploy/Dockerfile` as data: just enough of the instructions to check it against the
//! compose file and the binaries.

use super::root;

/// One build stage.
#[derive(Debug, Default, Clone)]
pub struct Stage {
    /// `FROM` image.
    pub from: String,
    /// `AS` name, if any.
    pub name: Option<String>,
    /// Instructions after `FROM`: (keyword upper-cased, arguments), continuations joined.
    pub instructions: Vec<(String, String)>,
}

impl Stage {
    /// Arguments of every instruction `keyword`.
    pub fn all(&self, keyword: &str) -> Vec<&str> {
        self.instructions
            .iter()
            .filter(|(k, _)| k == keyword)
            .map(|(_, a)| a.as_str())
            .collect()
    }
}

/// Joins `\`-continued lines and drops comments and blank lines.
fn logical_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for raw in text.lines() {
        let line = raw.trim();
        if line.starts_with('#') || (line.is_empty() && current.is_empty()) {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(head) => {
                current.push_str(head);
                current.push(' ');
            }
            None => {
                current.push_str(line);
                lines.push(std::mem::take(&mut current));
            }
        }
    }
    lines
}

/// Parses `deploy/Dockerfile` into its stages.
pub fn stages() -> Vec<Stage> {
    let text = std::fs::read_to_string(root().join("deploy/Dockerfile")).expect("read Dockerfile");
    let mut stages: Vec<Stage> = Vec::new();
    for line in logical_lines(&text) {
        let (keyword, args) = line.split_once(' ').unwrap_or((&line, ""));
        let keyword = keyword.to_ascii_uppercase();
        if keyword == "FROM" {
            let words: Vec<&str> = args.split_whitespace().collect();
            stages.push(Stage {
                from: words.first().map(|s| s.to_string()).unwrap_or_default(),
                name: (words.len() == 3 && words[1].eq_ignore_ascii_case("as"))
                    .then(|| words[2].to_string()),
                instructions: Vec::new(),
            });
        } else if let Some(stage) = stages.last_mut() {
            stage.instructions.push((keyword, args.trim().to_string()));
        }
    }
    stages
}

/// A JSON-array (exec form) instruction argument as its words.
pub fn exec_form(args: &str) -> Vec<String> {
    serde_json::from_str(args).unwrap_or_else(|e| panic!("`{args}` is not exec form: {e}"))
}

/// `ENV` pairs of a stage (`ENV K=V` and `ENV K V` forms).
pub fn env_pairs(stage: &Stage) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for args in stage.all("ENV") {
        if args.contains('=') {
            for word in args.split_whitespace() {
                if let Some((k, v)) = word.split_once('=') {
                    pairs.push((k.to_string(), v.trim_matches('"').to_string()));
                }
            }
        } else if let Some((k, v)) = args.split_once(' ') {
            pairs.push((k.to_string(), v.trim().to_string()));
        }
    }
    pairs
}
