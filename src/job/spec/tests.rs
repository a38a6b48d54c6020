use super::*;

fn req(body: &str) -> Result<CreateCcrRequest, serde_json::Error> {
    serde_json::from_str(body)
}

const SEED: &str = r#"{
    "name": "ccr_test",
    "src": {
      "host": "localhost",
      "port": "9030",
      "thrift_port": "9020",
      "user": "root",
      "password": "",
      "database": "your_db_name",
      "table": "your_table_name"
    },
    "dest": {
      "host": "localhost",
      "port": "9030",
      "thrift_port": "9020",
      "user": "root",
      "password": "",
      "database": "your_db_name",
      "table": "your_table_name"
    }
}"#;

#[test]
fn seed_body_parses_as_table_job() {
    let spec = req(SEED).unwrap().into_spec().unwrap();
    assert_eq!(spec.sync_type(), SyncType::Table);
    assert_eq!(spec.src.port, "9030");
    assert_eq!(spec.dest.thrift_port, "9020");
    assert!(!spec.skip_error);
}

#[test]
fn numeric_port_is_a_decode_error() {
    let body = SEED.replacen("\"9030\"", "9030", 1);
    assert!(req(&body).is_err());
}

#[test]
fn bad_port_string_is_a_clear_error() {
    let body = SEED.replacen("\"9020\"", "\"x\"", 1);
    let err = req(&body).unwrap().into_spec().unwrap_err();
    assert!(err.to_string().contains("src.thrift_port"), "{err}");
}

#[test]
fn name_rules() {
    assert!(validate_name("a-b_c.1").is_ok());
    for bad in ["", "a b", "a`b", "a'b", "a\"b", "a/b"] {
        assert!(validate_name(bad).is_err(), "{bad:?}");
    }
    assert!(validate_name(&"x".repeat(129)).is_err());
    assert!(validate_name(&"x".repeat(128)).is_ok());
    let e = validate_name("a`b").unwrap_err().to_string();
    assert!(e.contains("invalid character"), "{e}");
}

#[test]
fn table_mismatch_and_missing_fields() {
    let body = SEED.replacen("\"your_table_name\"", "\"\"", 1);
    let err = req(&body).unwrap().into_spec().unwrap_err();
    assert_eq!(err, SpecError::TableMismatch);
    let err = req(r#"{"name":"x"}"#).unwrap().into_spec().unwrap_err();
    assert!(err.to_string().starts_with("src."), "{err}");
}

#[test]
fn store_json_round_trip_and_mask() {
    let body = SEED.replace("\"password\": \"\"", "\"password\": \"s3cret\"");
    let mut spec = req(&body).unwrap().into_spec().unwrap();
    spec.src.db_id = 10;
    spec.src.frontends.push(Frontend {
        host: "h".into(),
        port: "9030".into(),
        thrift_port: "9020".into(),
        is_master: true,
    });
    let stored = spec.to_store_json();
    assert!(stored.contains("s3cret"));
    assert_eq!(JobSpec::from_store_json(&stored).unwrap(), spec);
    let masked = spec.to_masked_json(Some(0));
    assert!(!masked.contains("s3cret"));
    let v: serde_json::Value = serde_json::from_str(&masked).unwrap();
    assert_eq!(v["src"]["password"], "****");
    assert_eq!(v["src"]["port"], "9030");
    assert_eq!(v["sync_type"], 1);
    assert_eq!(v["state"], 0);
    assert!(!format!("{spec:?}").contains("s3cret"));
}
