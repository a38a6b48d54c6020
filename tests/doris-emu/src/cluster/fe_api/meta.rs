//! getMeta / getBackendMeta / getMasterToken (protocol §3.9–§3.11).

use doris_thrift::frontend_service::{
    TGetBackendMetaRequest, TGetBackendMetaResult, TGetMasterTokenRequest, TGetMasterTokenResult,
    TGetMetaDBMeta, TGetMetaIndexMeta, TGetMetaPartitionMeta, TGetMetaReplicaMeta, TGetMetaRequest,
    TGetMetaResult, TGetMetaTableMeta, TGetMetaTabletMeta,
};
use doris_thrift::types::TBackend;

use super::status::{code, FeError, FeResult};
use super::{check_auth, err_status, ok_status, Creds};
use crate::cluster::catalog::{Database, Partition, Table};
use crate::cluster::partition::partition_range;
use crate::cluster::{Cluster, State};

/// `FrontendService.getMasterToken`: NOT_AUTHORIZED on a bad password.
pub fn get_master_token(cluster: &Cluster, req: TGetMasterTokenRequest) -> TGetMasterTokenResult {
    cluster.with_state(|s| {
        let user = req.user.as_deref().unwrap_or_default();
        let password = req.password.as_deref().unwrap_or_default();
        if user == "root" && password == s.root_password {
            TGetMasterTokenResult {
                status: Some(ok_status()),
                token: Some(s.token.clone()),
                master_address: None,
            }
        } else {
            let e = FeError::new(
                code::NOT_AUTHORIZED,
                format!("Access denied for user '{user}'"),
            );
            TGetMasterTokenResult {
                status: Some(err_status(&e)),
                ..Default::default()
            }
        }
    })
}

/// `FrontendService.getBackendMeta`: every BE.
pub fn get_backend_meta(cluster: &Cluster, req: TGetBackendMetaRequest) -> TGetBackendMetaResult {
    cluster.with_state(|s| {
        let creds = Creds {
            user: req.user.as_deref(),
            passwd: req.passwd.as_deref(),
            token: req.token.as_deref(),
        };
        if let Err(e) = check_auth(s, &creds) {
            return TGetBackendMetaResult {
                status: err_status(&e),
                backends: None,
                master_address: None,
            };
        }
        let backends = s
            .backends
            .iter()
            .map(|b| TBackend {
                host: b.host.clone(),
                be_port: b.be_port,
                http_port: b.http_port,
                brpc_port: Some(b.brpc_port),
                is_alive: Some(b.alive),
                id: Some(b.id),
            })
            .collect();
        TGetBackendMetaResult {
            status: ok_status(),
            backends: Some(backends),
            master_address: None,
        }
    })
}

/// `FrontendService.getMeta`: table → partition → index → tablet → replica tree; unknown
/// table ids skipped; unknown db → OK without `db_meta`.
pub fn get_meta(cluster: &Cluster, req: TGetMetaRequest) -> TGetMetaResult {
    let r = cluster.with_state(|s| -> FeResult<Option<TGetMetaDBMeta>> {
        let creds = Creds {
            user: req.user.as_deref(),
            passwd: req.passwd.as_deref(),
            token: req.token.as_deref(),
        };
        check_auth(s, &creds)?;
        let Some(want) = req.db.as_ref() else {
            return Err(FeError::analysis("db is not set"));
        };
        let db = match (want.id, want.name.as_deref()) {
            (Some(id), _) => s.dbs.get(&id),
            (None, Some(name)) => s.db(name),
            (None, None) => None,
        };
        Ok(db.map(|db| db_meta(s, db, want.tables.as_deref())))
    });
    match r {
        Ok(db_meta) => TGetMetaResult {
            status: ok_status(),
            db_meta,
            master_address: None,
        },
        Err(e) => TGetMetaResult {
            status: err_status(&e),
            db_meta: None,
            master_address: None,
        },
    }
}

fn db_meta(
    s: &State,
    db: &Database,
    want: Option<&[doris_thrift::frontend_service::TGetMetaTable]>,
) -> TGetMetaDBMeta {
    let tables: Vec<&Table> = match want {
        None => db.tables.values().collect(),
        Some(list) => list
            .iter()
            .filter_map(|t| match (t.id, t.name.as_deref()) {
                (Some(id), _) => db.tables.get(&id),
                (None, Some(name)) => db.table(name),
                (None, None) => None,
            })
            .collect(),
    };
    let dropped = s.binlog.dropped(db.id);
    TGetMetaDBMeta {
        id: Some(db.id),
        name: Some(db.name.clone()),
        tables: Some(
            tables
                .into_iter()
                .filter(|t| !t.is_view())
                .map(|t| table_meta(s, t))
                .collect(),
        ),
        dropped_partitions: Some(dropped.partitions.keys().copied().collect()),
        dropped_tables: Some(dropped.tables.keys().copied().collect()),
        dropped_indexes: Some(dropped.indexes.keys().copied().collect()),
        dropped_partition_map: Some(dropped.partitions),
        dropped_table_map: Some(dropped.tables),
        dropped_index_map: Some(dropped.indexes),
    }
}

fn table_meta(s: &State, t: &Table) -> TGetMetaTableMeta {
    TGetMetaTableMeta {
        id: Some(t.id),
        name: Some(t.name.clone()),
        in_trash: Some(false),
        partitions: Some(
            t.partitions
                .iter()
                .map(|p| partition_meta(s, t, p))
                .collect(),
        ),
        type_: Some("OLAP".into()),
    }
}

fn partition_meta(s: &State, t: &Table, p: &Partition) -> TGetMetaPartitionMeta {
    let indexes = p
        .indexes
        .iter()
        .map(|pi| TGetMetaIndexMeta {
            id: Some(pi.index_id),
            name: t
                .indexes
                .iter()
                .find(|i| i.id == pi.index_id)
                .map(|i| i.name.clone()),
            tablets: Some(
                pi.tablets
                    .iter()
                    .map(|tablet| {
                        let version = s.tablets.get(&tablet.id).map_or(p.visible_version, |d| {
                            d.max_version().max(p.visible_version)
                        });
                        TGetMetaTabletMeta {
                            id: Some(tablet.id),
                            replicas: Some(
                                tablet
                                    .replicas
                                    .iter()
                                    .map(|r| TGetMetaReplicaMeta {
                                        id: Some(r.id),
                                        backend_id: Some(r.backend_id),
                                        version: Some(version),
                                    })
                                    .collect(),
                            ),
                        }
                    })
                    .collect(),
            ),
        })
        .collect();
    TGetMetaPartitionMeta {
        id: Some(p.id),
        name: Some(p.name.clone()),
        key: None,
        range: Some(partition_range(t, p)),
        visible_version: Some(p.visible_version),
        is_temp: Some(p.is_temp),
        indexes: Some(indexes),
    }
}
