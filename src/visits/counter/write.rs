//! The writer's part of the counter: every thread's counts drained, the visitors and pages new
//! today told apart (in memory, then in the database, where several instances meet), and the day's
//! sums added to in one transaction.
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use jiff::civil::Date;

use super::{Batch, Buffer, Counter, MAX_PROFILES, MAX_SEEN, MAX_VISITORS, lock};
use crate::db::Db;
use crate::visits::Profile;
use crate::visits::store::{self, PageSums};

impl Counter {
    /// Takes every thread's counts of the day being counted.
    fn drain(&self, day: Date) -> Batch {
        let buffers: Vec<Arc<Buffer>> = lock(&self.buffers).clone();
        let mut batch = Batch::default();
        for buffer in buffers {
            let mut buffered = lock(&buffer.0);
            if buffered.day == Some(day) {
                batch.merge(std::mem::take(&mut buffered.batch));
            }
        }
        batch
    }

    pub(super) async fn write_pending(&self, db: &Db) {
        let Some(day) = lock(&self.memory).day else {
            return;
        };
        let mut batch = self.drain(day);
        // What the writer decides in memory: which first sightings are visitors already counted
        // here, which profiles, which pages each visitor sees for the first time.
        let (new, known, first_here) = {
            let mut memory = lock(&self.memory);
            if memory.day != Some(day) {
                return;
            }
            if let Some(retry) = memory.retry.take() {
                batch.merge(retry);
            }
            batch.leads.append(&mut memory.leads);
            if batch.is_empty() {
                return;
            }
            let mut new = Vec::new();
            let mut known = HashMap::new();
            let visitors: Vec<u64> = batch
                .new
                .keys()
                .copied()
                .chain(batch.views.values().map(|v| v.visitor))
                .chain(batch.leads.iter().filter_map(|l| l.visitor))
                .collect();
            for visitor in visitors {
                if let Some(id) = memory.visitors.get(&visitor) {
                    known.insert(visitor, *id);
                }
            }
            for (visitor, candidate) in &mut batch.new {
                if known.contains_key(visitor) || memory.visitors.len() + new.len() >= MAX_VISITORS
                {
                    continue;
                }
                if !memory.profiles.contains(&*candidate.profile) {
                    if memory.profiles.len() >= MAX_PROFILES {
                        Arc::make_mut(&mut candidate.profile).lump_rare_values();
                    }
                    memory.profiles.insert(Profile::clone(&candidate.profile));
                }
                new.push(*visitor);
            }
            let mut first_here = Vec::new();
            for key in batch.views.keys() {
                if memory.seen.len() < MAX_SEEN && memory.seen.insert(*key) {
                    first_here.push(*key);
                }
            }
            (new, known, first_here)
        };
        match self
            .write_batch(db, day, &batch, &new, known, &first_here)
            .await
        {
            Ok(resolved) => {
                let mut memory = lock(&self.memory);
                if memory.day == Some(day) {
                    for (visitor, id) in resolved {
                        memory.visitors.insert(visitor, id);
                    }
                }
            }
            Err(error) => {
                tracing::warn!(%error, "visit statistics: cannot write; keeping the counts for the next try");
                let mut memory = lock(&self.memory);
                if memory.day == Some(day) {
                    for key in &first_here {
                        memory.seen.remove(key);
                    }
                    memory.retry = Some(batch);
                }
            }
        }
    }

    /// One transaction: profiles, visitors, pages seen, and the sums. Returns the profile each
    /// visitor new here was counted with.
    async fn write_batch(
        &self,
        db: &Db,
        day: Date,
        batch: &Batch,
        new: &[u64],
        mut known: HashMap<u64, i64>,
        first_here: &[u64],
    ) -> sqlx::Result<HashMap<u64, i64>> {
        let day = day.to_string();
        let mut tx = db.begin().await?;
        // Ids of profiles made in this transaction are remembered only once it is committed.
        let mut made = HashMap::new();
        let mut rows = Vec::with_capacity(new.len());
        for visitor in new {
            if let Some(candidate) = batch.new.get(visitor) {
                let id = self
                    .profile_id(&mut tx, &candidate.profile, &mut made)
                    .await?;
                rows.push((*visitor as i64, id));
            }
        }
        let counted = store::count_new_visitors(&mut tx, &day, &rows).await?;
        let unresolved: Vec<i64> = rows
            .iter()
            .map(|(visitor, _)| *visitor)
            .filter(|visitor| !counted.contains(visitor))
            .chain(
                batch
                    .views
                    .values()
                    .map(|v| v.visitor)
                    .chain(batch.leads.iter().filter_map(|l| l.visitor))
                    .filter(|v| !known.contains_key(v) && !batch.new.contains_key(v))
                    .map(|v| v as i64),
            )
            .collect::<HashSet<i64>>()
            .into_iter()
            .collect();
        let elsewhere = store::profiles_of(&mut tx, &day, &unresolved).await?;
        let mut resolved = HashMap::new();
        for (visitor, profile) in &rows {
            let id = elsewhere.get(visitor).copied().unwrap_or(*profile);
            resolved.insert(*visitor as u64, id);
        }
        known.extend(resolved.iter().map(|(v, id)| (*v, *id)));
        known.extend(elsewhere.iter().map(|(v, id)| (*v as u64, *id)));

        let keys: Vec<i64> = first_here.iter().map(|key| *key as i64).collect();
        let first = store::first_seen(&mut tx, &day, &keys).await?;
        let mut sums: HashMap<(Arc<str>, i64), PageSums> = HashMap::new();
        for (key, view) in &batch.views {
            let Some(profile) = known.get(&view.visitor) else {
                continue;
            };
            let row = sums.entry((Arc::clone(&view.path), *profile)).or_default();
            row.lang = view.lang.to_string();
            row.views += view.views;
            row.visitors += i64::from(first.contains(&(*key as i64)));
        }
        // A visitor counted now for the first time began their visit at their profile's page.
        for (visitor, id) in &rows {
            if !counted.contains(visitor) {
                continue;
            }
            if let Some(candidate) = batch.new.get(&(*visitor as u64)) {
                let row = sums
                    .entry((Arc::from(candidate.profile.entry_path.as_str()), *id))
                    .or_default();
                if row.lang.is_empty() {
                    row.lang = candidate.lang.to_string();
                }
                row.entries += 1;
            }
        }
        store::add_page_sums(&mut tx, &day, &sums).await?;

        let mut leads: HashMap<store::LeadKey, (String, i64)> = HashMap::new();
        for lead in &batch.leads {
            let profile = match lead.visitor.and_then(|v| known.get(&v)) {
                Some(id) => *id,
                None => {
                    self.profile_id(&mut tx, &Profile::unknown(), &mut made)
                        .await?
                }
            };
            let row = leads
                .entry((lead.path.key(), lead.page.clone(), profile))
                .or_insert_with(|| (lead.lang.to_string(), 0));
            row.1 += 1;
        }
        store::add_leads(&mut tx, &day, &leads).await?;
        tx.commit().await?;
        let mut ids = lock(&self.profile_ids);
        if ids.len() + made.len() > MAX_PROFILES * 2 {
            ids.clear();
        }
        ids.extend(made);
        Ok(resolved)
    }

    async fn profile_id(
        &self,
        tx: &mut crate::db::Tx,
        profile: &Profile,
        made: &mut HashMap<Profile, i64>,
    ) -> sqlx::Result<i64> {
        if let Some(id) = lock(&self.profile_ids).get(profile) {
            return Ok(*id);
        }
        if let Some(id) = made.get(profile) {
            return Ok(*id);
        }
        let id = store::profile_id(tx, profile).await?;
        made.insert(profile.clone(), id);
        Ok(id)
    }
}
