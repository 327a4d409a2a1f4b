//! Figures computed from a whole zone (the cockpit pages: zone home, land overview, chain
//! index, tracks, targets), kept in memory under the zone's data version and recomputed
//! only after the zone changed.
//!
//! Every audited write raises its zone's version in its own transaction
//! (`repo::versions`), so a figure kept under version v holds every change up to v: a
//! request reads the version first (one indexed row), then either finds the figure under
//! that version or computes it. A figure computed while a later write commits may hold that
//! write too; it is kept under the earlier version and recomputed at the next request, never
//! served for a version it does not hold. Concurrent requests for the same figure wait for
//! one computation instead of running it each (at 100,000 enterprises a computation takes
//! seconds; thirty-two at once took minutes).

use crate::DbResult;
use sea_orm::ConnectionTrait;
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

/// How many figures are kept at most.
const MAX_KEPT: usize = 4096;

type Value = Arc<dyn Any + Send + Sync>;
type Slot = Arc<tokio::sync::Mutex<Option<(i64, Value)>>>;

/// What a figure is: its kind, its zone and any parameters (a taxonomy, today's date).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub kind: &'static str,
    pub zone_id: i64,
    pub variant: String,
}

impl Key {
    pub fn new(kind: &'static str, zone_id: i64) -> Self {
        Key {
            kind,
            zone_id,
            variant: String::new(),
        }
    }

    pub fn with(mut self, variant: impl std::fmt::Display) -> Self {
        use std::fmt::Write;
        let _ = write!(self.variant, "{variant}/");
        self
    }
}

/// The kept figures of one server; cheap to clone (shared).
#[derive(Clone, Default)]
pub struct Memo {
    slots: Arc<Mutex<HashMap<Key, Slot>>>,
}

impl Memo {
    /// The figure under `key` at the zone's current version, computed by `compute` when it is
    /// missing or older.
    pub async fn get<C, T, F, Fut>(&self, db: &C, key: Key, compute: F) -> DbResult<Arc<T>>
    where
        C: ConnectionTrait,
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = DbResult<T>>,
    {
        let version = crate::repo::versions::of(db, key.zone_id).await?;
        let slot = {
            let mut slots = self.slots.lock().expect("memo lock");
            // Keys with free text (a list's search words) are unbounded: start afresh rather
            // than grow without end. Figures dropped are recomputed when next asked for.
            if slots.len() >= MAX_KEPT && !slots.contains_key(&key) {
                slots.clear();
            }
            slots.entry(key).or_default().clone()
        };
        let mut kept = slot.lock().await;
        if let Some((v, value)) = kept.as_ref()
            && *v == version
            && let Ok(t) = value.clone().downcast::<T>()
        {
            return Ok(t);
        }
        let t = Arc::new(compute().await?);
        *kept = Some((version, t.clone() as Value));
        Ok(t)
    }
}
