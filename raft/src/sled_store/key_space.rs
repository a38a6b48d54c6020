//! [`KeySpace`]: a typed table in its own sled tree, and [`TypedTree`], its typed view.

use std::marker::PhantomData;
use std::ops::RangeBounds;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::errors::StoreError;
use crate::sled_store::codec::decode_value;
use crate::sled_store::codec::encode_value;
use crate::sled_store::KeyCodec;

/// A logical table: tree name, key type and value type.
pub trait KeySpace {
    /// The sled tree holding this space.
    const NAME: &'static str;
    /// Key type; its encoding preserves order.
    type K: KeyCodec;
    /// Value type, stored as JSON.
    type V: Serialize + DeserializeOwned;
}

/// A typed view of a key space's tree.
pub struct TypedTree<KS> {
    tree: sled::Tree,
    _space: PhantomData<fn() -> KS>,
}

impl<KS> Clone for TypedTree<KS> {
    fn clone(&self) -> Self {
        Self {
            tree: self.tree.clone(),
            _space: PhantomData,
        }
    }
}

type KV<KS> = (<KS as KeySpace>::K, <KS as KeySpace>::V);

impl<KS: KeySpace> TypedTree<KS> {
    pub(crate) fn new(tree: sled::Tree) -> Self {
        Self {
            tree,
            _space: PhantomData,
        }
    }

    /// Reads one value.
    pub fn get(&self, key: &KS::K) -> Result<Option<KS::V>, StoreError> {
        match self.tree.get(key.encode_key())? {
            Some(bytes) => Ok(Some(decode_value(&bytes)?)),
            None => Ok(None),
        }
    }

    /// Writes one value (not flushed).
    pub fn insert(&self, key: &KS::K, value: &KS::V) -> Result<(), StoreError> {
        self.tree.insert(key.encode_key(), encode_value(value)?)?;
        Ok(())
    }

    /// Writes many values atomically (not flushed).
    pub fn insert_all<'a>(
        &self,
        items: impl IntoIterator<Item = (&'a KS::K, &'a KS::V)>,
    ) -> Result<(), StoreError>
    where
        KS::K: 'a,
        KS::V: 'a,
    {
        let mut batch = sled::Batch::default();
        for (k, v) in items {
            batch.insert(k.encode_key(), encode_value(v)?);
        }
        self.tree.apply_batch(batch)?;
        Ok(())
    }

    /// Removes one key (not flushed).
    pub fn remove(&self, key: &KS::K) -> Result<(), StoreError> {
        self.tree.remove(key.encode_key())?;
        Ok(())
    }

    /// Values in a key range, in key order.
    pub fn range(&self, range: impl RangeBounds<KS::K>) -> Result<Vec<KV<KS>>, StoreError> {
        let lo = map_bound(range.start_bound());
        let hi = map_bound(range.end_bound());
        let mut out = Vec::new();
        for item in self.tree.range::<Vec<u8>, _>((lo, hi)) {
            let (k, v) = item?;
            out.push((KS::K::decode_key(&k)?, decode_value(&v)?));
        }
        Ok(out)
    }

    /// Removes all keys in a range atomically (not flushed).
    pub fn remove_range(&self, range: impl RangeBounds<KS::K>) -> Result<(), StoreError> {
        let lo = map_bound(range.start_bound());
        let hi = map_bound(range.end_bound());
        let mut batch = sled::Batch::default();
        for key in self.tree.range::<Vec<u8>, _>((lo, hi)).keys() {
            batch.remove(key?);
        }
        self.tree.apply_batch(batch)?;
        Ok(())
    }

    /// Removes up to `max` of the lowest keys below `end` in one batch (not flushed);
    /// returns how many it removed.
    pub fn remove_below(&self, end: &KS::K, max: usize) -> Result<usize, StoreError> {
        let mut batch = sled::Batch::default();
        let mut n = 0;
        for key in self.tree.range(..end.encode_key()).keys().take(max) {
            batch.remove(key?);
            n += 1;
        }
        if n > 0 {
            self.tree.apply_batch(batch)?;
        }
        Ok(n)
    }

    /// The entry with the greatest key.
    pub fn last(&self) -> Result<Option<KV<KS>>, StoreError> {
        match self.tree.last()? {
            Some((k, v)) => Ok(Some((KS::K::decode_key(&k)?, decode_value(&v)?))),
            None => Ok(None),
        }
    }
}

fn map_bound<K: KeyCodec>(b: std::ops::Bound<&K>) -> std::ops::Bound<Vec<u8>> {
    b.map(KeyCodec::encode_key)
}
