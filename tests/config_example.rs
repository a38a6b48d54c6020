//! `deploy/syncer.example.toml` documents every key with its default.

use ccr_syncer::config::{keys::KEYS, load_from, NodeConfig};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/syncer.example.toml");

#[test]
fn example_file_equals_defaults() {
    let text = std::fs::read_to_string(EXAMPLE).unwrap();
    let parsed: NodeConfig = toml::from_str(&text).unwrap();
    assert_eq!(parsed, NodeConfig::default());
}

#[test]
fn example_file_loads_through_the_loader() {
    let loaded = load_from(["ccr-syncer", "--config", EXAMPLE], |_| None).unwrap();
    assert_eq!(loaded.config, NodeConfig::default());
    assert!(loaded.warnings.is_empty());
}

#[test]
fn example_file_mentions_every_key() {
    let text = std::fs::read_to_string(EXAMPLE).unwrap();
    for key in KEYS {
        let section = format!("[{}]", key.section);
        let start = text
            .find(&section)
            .unwrap_or_else(|| panic!("no {section}"));
        let body = &text[start..];
        let end = body[1..].find("\n[").map_or(body.len(), |i| i + 1);
        let set = format!("\n{} = ", key.name);
        let commented = format!("\n# {} = ", key.name);
        assert!(
            body[..end].contains(&set) || body[..end].contains(&commented),
            "example file does not document {}",
            key.dotted()
        );
    }
}

#[test]
fn every_default_key_is_in_the_key_list() {
    let value = toml::Value::try_from(NodeConfig::default()).unwrap();
    for (section, keys) in value.as_table().unwrap() {
        for name in keys.as_table().unwrap().keys() {
            assert!(
                KEYS.iter().any(|k| k.section == section && k.name == name),
                "{section}.{name} missing from config::keys::KEYS"
            );
        }
    }
}
