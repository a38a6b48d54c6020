//! Bad input is a clear error naming the key and the expected form.

use ccr_syncer::config::{load_from, ConfigError};

fn load_file(text: &str) -> ConfigError {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), text).unwrap();
    let path = file.path().to_str().unwrap().to_string();
    load_from(["x", "--config", path.as_str()], |_| None).unwrap_err()
}

#[test]
fn unknown_key_in_file_is_named() {
    let err = load_file("[node]\nhttp_prot = 1\n");
    assert!(
        matches!(&err, ConfigError::UnknownKey { key, .. } if key == "node.http_prot"),
        "{err}"
    );
    assert!(err.to_string().contains("node.http_prot"), "{err}");
}

#[test]
fn unknown_section_is_named() {
    let err = load_file("[nodes]\nid = 1\n");
    assert!(
        matches!(&err, ConfigError::UnknownKey { key, .. } if key == "nodes"),
        "{err}"
    );
}

#[test]
fn wrong_type_names_the_key() {
    let err = load_file("[node]\nhttp_port = \"abc\"\n");
    let text = err.to_string();
    assert!(text.contains("node.http_port"), "{text}");
    assert!(text.contains("u16"), "{text}");
}

#[test]
fn bad_duration_names_key_and_form() {
    let err = load_file("[raft]\nlease = \"soon\"\n");
    let text = err.to_string();
    assert!(text.contains("raft.lease"), "{text}");
    assert!(text.contains("\"300ms\""), "{text}");
}

#[test]
fn bad_log_format_names_the_choices() {
    let err = load_file("[log]\nformat = \"xml\"\n");
    let text = err.to_string();
    assert!(
        text.contains("log.format") && text.contains("json"),
        "{text}"
    );
}

#[test]
fn syntax_error_is_reported() {
    let err = load_file("[node\n");
    assert!(matches!(err, ConfigError::Syntax { .. }), "{err}");
}

#[test]
fn missing_file_is_reported() {
    let err = load_from(["x", "--config", "/nonexistent/syncer.toml"], |_| None).unwrap_err();
    assert!(matches!(err, ConfigError::ReadFile { .. }), "{err}");
}

#[test]
fn reassign_after_must_exceed_lease() {
    let err = load_file("[raft]\nlease = \"2s\"\n");
    let text = err.to_string();
    assert!(
        text.contains("raft.reassign_after") && text.contains("raft.lease"),
        "{text}"
    );
}

#[test]
fn bad_env_value_names_the_variable() {
    let env = |name: &str| (name == "CCR_SYNCER_NODE_HTTP_PORT").then(|| "nine".to_string());
    let text = load_from(["x"], env).unwrap_err().to_string();
    assert!(text.contains("node.http_port"), "{text}");
    assert!(text.contains("CCR_SYNCER_NODE_HTTP_PORT"), "{text}");
    assert!(text.contains("an integer"), "{text}");
}

#[test]
fn out_of_range_env_value_names_the_key() {
    let env = |name: &str| (name == "CCR_SYNCER_NODE_HTTP_PORT").then(|| "70000".to_string());
    let text = load_from(["x"], env).unwrap_err().to_string();
    assert!(
        text.contains("node.http_port") && text.contains("CCR_SYNCER_NODE_HTTP_PORT"),
        "{text}"
    );
}

#[test]
fn bad_flag_value_names_the_flag() {
    let err = load_from(["x", "--rpc-timeout", "later"], |_| None).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("--rpc-timeout"), "{err}");
    let err = load_from(["x", "--log-level", "loud"], |_| None).unwrap_err();
    assert!(err.to_string().contains("log.level"), "{err}");
}

#[test]
fn validation_errors_name_the_source() {
    let err = load_from(["x", "--node-id", "0"], |_| None).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("node.id") && text.contains("command line"),
        "{text}"
    );
}
