//! [`RaftLogReader`] for [`LogStore`].

use std::fmt::Debug;
use std::ops::RangeBounds;

use openraft::RaftLogReader;

use crate::log_store::read_err;
use crate::log_store::LogStore;
use crate::typ::Entry;
use crate::typ::StorageError;
use crate::type_config::TypeConfig;

impl RaftLogReader<TypeConfig> for LogStore {
    async fn try_get_log_entries<RB: RangeBounds<u64> + Clone + Debug + Send>(
        &mut self,
        range: RB,
    ) -> Result<Vec<Entry>, StorageError> {
        let entries = self.logs.range(range).map_err(read_err)?;
        Ok(entries.into_iter().map(|(_, entry)| entry).collect())
    }
}
