//! What must survive a restart besides the journal: the BE ids and the cluster token.
//! Stored as `<data_dir>/emu-identity.json` (written atomically).

use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

const FILE: &str = "emu-identity.json";

/// The persisted identity of an emulated cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// Ids of the BEs, in BE order.
    pub backend_ids: Vec<i64>,
    /// Cluster token (getMasterToken, `/api/_tablet/_download?token=`).
    pub cluster_token: String,
}

fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

/// Loads the identity from `dir`, completes it for `be_count` BEs (new ids continue after
/// the highest known one, starting at `be_id_base`), applies an explicit token, and saves it
/// back when a data dir is used.
pub fn resolve(
    dir: Option<&Path>,
    be_count: usize,
    be_id_base: i64,
    token: Option<&str>,
) -> io::Result<Identity> {
    let mut id = match dir.map(path).filter(|p| p.exists()) {
        Some(p) => serde_json::from_slice(&std::fs::read(&p)?).map_err(|e| {
            io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", p.display()))
        })?,
        None => Identity {
            backend_ids: Vec::new(),
            cluster_token: String::new(),
        },
    };
    while id.backend_ids.len() < be_count {
        let next = id.backend_ids.iter().max().map_or(be_id_base, |m| m + 1);
        id.backend_ids.push(next);
    }
    if let Some(t) = token {
        id.cluster_token = t.to_string();
    }
    if id.cluster_token.is_empty() {
        id.cluster_token = uuid::Uuid::new_v4().to_string();
    }
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!("{FILE}.tmp"));
        let bytes = serde_json::to_vec_pretty(&id).map_err(io::Error::other)?;
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, path(dir))?;
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_token_are_stable_across_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let a = resolve(Some(dir.path()), 2, 10001, None).unwrap();
        assert_eq!(a.backend_ids, vec![10001, 10002]);
        let b = resolve(Some(dir.path()), 3, 500, None).unwrap();
        assert_eq!(b.backend_ids, vec![10001, 10002, 10003]);
        assert_eq!(a.cluster_token, b.cluster_token);
        let c = resolve(Some(dir.path()), 1, 1, Some("tok")).unwrap();
        assert_eq!(c.cluster_token, "tok");
    }
}
