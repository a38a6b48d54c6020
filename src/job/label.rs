//! Deterministic transaction labels.
//!
//! A label is a pure function of (job, tables, commit seq): replaying the same UPSERT
//! after a crash produces the same label, so the target FE answers
//! LABEL_ALREADY_EXISTS instead of applying the data twice.

use super::spec::SyncType;

/// Stable 64-bit FNV-1a hash (std's hasher is not stable across releases).
fn fnv1a64(data: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// Identity of the tables a transaction writes, by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LabelIds {
    /// Source database id.
    pub src_db: i64,
    /// Source table id (0 for a multi-table db transaction).
    pub src_table: i64,
    /// Target database id.
    pub dest_db: i64,
    /// Target table id (0 for a multi-table db transaction).
    pub dest_table: i64,
}

/// Builds the txn label, e.g.
/// `ccrj-1a2b3c4d:table_sync:10001_10002:20001_20002:12345`.
///
/// Only `[A-Za-z0-9_:-]` characters are used (valid in Doris labels) and no random part.
pub fn txn_label(job_name: &str, sync_type: SyncType, ids: LabelIds, commit_seq: i64) -> String {
    let h = fnv1a64(job_name.as_bytes()) as u32;
    format!(
        "ccrj-{h:08x}:{}:{}_{}:{}_{}:{commit_seq}",
        sync_type.name(),
        ids.src_db,
        ids.src_table,
        ids.dest_db,
        ids.dest_table
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: LabelIds = LabelIds {
        src_db: 1,
        src_table: 2,
        dest_db: 3,
        dest_table: 4,
    };

    #[test]
    fn deterministic_and_distinct() {
        let a = txn_label("job", SyncType::Table, IDS, 7);
        assert_eq!(a, txn_label("job", SyncType::Table, IDS, 7));
        assert!(a.starts_with("ccrj-"));
        assert!(a.ends_with(":table_sync:1_2:3_4:7"));
        assert_ne!(a, txn_label("job2", SyncType::Table, IDS, 7));
        assert_ne!(a, txn_label("job", SyncType::Table, IDS, 8));
    }

    #[test]
    fn charset_is_label_safe() {
        let l = txn_label("we'ird `name`", SyncType::Db, IDS, -1);
        assert!(l
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '-')));
        assert!(l.len() < 128);
    }

    #[test]
    fn known_hash_value() {
        // FNV-1a 64 of "" is the offset basis; keep the algorithm stable forever.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
