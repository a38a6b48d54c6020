//! [`RaftLogReader`] for [`LogStore`].

use std::fmt::Debug;
use std::ops::Bound;
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
        // Purged entries may still be on disk until the purger deletes them: skip them.
        let first_kept = self.purger.first_kept();
        let start = match range.start_bound() {
            Bound::Included(&s) => s.max(first_kept),
            Bound::Excluded(&s) => s.saturating_add(1).max(first_kept),
            Bound::Unbounded => first_kept,
        };
        let end = range.end_bound().cloned();
        let entries = self
            .logs
            .range((Bound::Included(start), end))
            .map_err(read_err)?;
        Ok(entries.into_iter().map(|(_, entry)| entry).collect())
    }
}
