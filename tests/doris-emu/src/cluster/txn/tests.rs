use super::*;

fn begin(m: &mut TxnManager, id: i64, label: &str, req: Option<(i64, i64)>) {
    m.apply(&TxnOp::Begin {
        txn_id: id,
        db_id: 1,
        label: label.into(),
        table_ids: vec![10],
        request_id: req,
        timeout_ms: 1000,
        coordinator: "BE: 127.0.0.1".into(),
        time_ms: 5000,
    });
}

#[test]
fn label_dedup_follows_txn_status() {
    let mut m = TxnManager::new();
    assert_eq!(m.check_label(1, "l", None), Ok(None));
    begin(&mut m, 7, "l", Some((1, 2)));
    let used = m.check_label(1, "l", None).unwrap_err();
    assert_eq!((used.txn_id, used.job_status), (7, "RUNNING"));
    assert_eq!(
        used.msg,
        "Label [l] has already been used, relate to txn [7]"
    );
    assert_eq!(m.check_label(1, "l", Some((1, 2))), Ok(Some(7)));
    assert_eq!(m.check_label(2, "l", None), Ok(None));
    m.apply(&TxnOp::Commit {
        txn_id: 7,
        commit_infos: vec![],
        time_ms: 6000,
    });
    assert_eq!(
        m.check_label(1, "l", Some((1, 2))).unwrap_err().job_status,
        "FINISHED"
    );
    m.mark_visible(7, 6001);
    assert_eq!(
        m.check_label(1, "l", None).unwrap_err().job_status,
        "FINISHED"
    );
}

#[test]
fn aborted_txn_frees_label_and_expiry_is_reported() {
    let mut m = TxnManager::new();
    begin(&mut m, 7, "l", None);
    assert!(m.expired(6000).is_empty());
    assert_eq!(m.expired(6001), vec![7]);
    m.apply(&TxnOp::Abort {
        txn_id: 7,
        reason: "timeout".into(),
        time_ms: 6001,
    });
    assert_eq!(m.check_label(1, "l", None), Ok(None));
    assert!(m.expired(9999).is_empty());
    assert_eq!(
        m.get_in_db(2, 7).unwrap_err().msg,
        "transaction [7] not found"
    );
}

#[test]
fn show_transaction_rows() {
    let mut m = TxnManager::new();
    begin(&mut m, 7, "l", None);
    let filter = crate::sql::ast::Expr::Binary {
        left: Box::new(crate::sql::ast::Expr::Column {
            qualifier: vec![],
            name: "id".into(),
        }),
        op: crate::sql::ast::BinaryOp::Eq,
        right: Box::new(crate::sql::ast::Expr::Literal(
            crate::sql::ast::Literal::Int(7),
        )),
    };
    let crate::result::QueryResult::Rows { columns, rows } = m.show(1, Some(&filter)).unwrap()
    else {
        panic!("expected rows")
    };
    assert_eq!(columns[3].name, "TransactionStatus");
    assert_eq!(rows[0][3].as_deref(), Some("PREPARE"));
    assert_eq!(rows[0][5].as_deref(), Some("1970-01-01 00:00:05"));
}
