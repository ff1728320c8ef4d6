//! How many rows a list filter matched, kept while nothing that could change it happened.
//!
//! A list's count reads every match (up to its cap) while its page reads fifty: counting the
//! 10,001 open high risks of the spine bench was four fifths of the database's work for a
//! page. A count is kept with two marks of what it was counted after: the organisation's
//! audit head, which every change made through a use case moves, on any server over the same
//! database; and this store's count of write transactions, which covers writes made below the
//! use cases in this process. Either mark moving, or a minute passing, means counting again.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long a count may serve when nothing is known to have changed.
const MAX_AGE: Duration = Duration::from_secs(60);

/// At most this many counts are kept; past it, all are dropped and counted again as asked.
const MAX_KEPT: usize = 1_024;

/// What counting a filter found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Counted {
    /// Matches, stopping one past the list's cap.
    pub matches: i64,
    /// On SQLite, an upper bound of the table's rows, read by the same statement.
    pub table_rows: Option<i64>,
}

/// When a count was taken: the marks it is valid under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Marks {
    pub audit_head: Option<i64>,
    pub writes: u64,
}

/// Counts kept by filter (the count statement and its binds, the organisation among them).
#[derive(Debug, Default)]
pub(crate) struct MatchCounts {
    writes: AtomicU64,
    kept: Mutex<HashMap<String, (Marks, Instant, Counted)>>,
}

impl MatchCounts {
    /// Notes a write transaction beginning or committing in this process.
    pub(crate) fn note_write(&self) {
        self.writes.fetch_add(1, Ordering::SeqCst);
    }

    /// The write mark: read as a transaction begins, before it reads the database, so that a
    /// write committing after that moves it.
    pub(crate) fn writes(&self) -> u64 {
        self.writes.load(Ordering::SeqCst)
    }

    /// The count of `filter` if it was taken under `marks` less than a minute ago.
    pub(crate) fn get(&self, filter: &str, marks: Marks) -> Option<Counted> {
        let kept = self.kept.lock().ok()?;
        let (at_marks, at, counted) = kept.get(filter)?;
        (*at_marks == marks && at.elapsed() < MAX_AGE).then_some(*counted)
    }

    /// Keeps `counted` as the count of `filter` under `marks`.
    pub(crate) fn put(&self, filter: String, marks: Marks, counted: Counted) {
        // A poisoned lock only costs the cache: the filter is counted again next time.
        if let Ok(mut kept) = self.kept.lock() {
            if kept.len() >= MAX_KEPT && !kept.contains_key(&filter) {
                kept.clear();
            }
            kept.insert(filter, (marks, Instant::now(), counted));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Counted, MAX_KEPT, Marks, MatchCounts};

    const SOME: Counted = Counted {
        matches: 7,
        table_rows: None,
    };

    fn marks(audit_head: Option<i64>, writes: u64) -> Marks {
        Marks { audit_head, writes }
    }

    #[test]
    fn a_count_serves_only_under_the_marks_it_was_taken_under() {
        let counts = MatchCounts::default();
        counts.put("f".into(), marks(Some(3), 0), SOME);
        assert_eq!(counts.get("f", marks(Some(3), 0)), Some(SOME));
        assert_eq!(counts.get("f", marks(Some(4), 0)), None);
        assert_eq!(counts.get("f", marks(None, 0)), None);
        assert_eq!(counts.get("f", marks(Some(3), 1)), None);
        assert_eq!(counts.get("g", marks(Some(3), 0)), None);
    }

    #[test]
    fn writes_move_the_mark() {
        let counts = MatchCounts::default();
        let before = counts.writes();
        counts.note_write();
        assert_eq!(counts.writes(), before + 1);
    }

    #[test]
    fn the_cache_is_bounded() {
        let counts = MatchCounts::default();
        for i in 0..MAX_KEPT {
            counts.put(format!("f{i}"), marks(None, 0), SOME);
        }
        assert_eq!(counts.get("f0", marks(None, 0)), Some(SOME));
        counts.put("one more".into(), marks(None, 0), SOME);
        assert_eq!(counts.get("f0", marks(None, 0)), None);
        assert_eq!(counts.get("one more", marks(None, 0)), Some(SOME));
        assert_eq!(counts.kept.lock().unwrap().len(), 1);
    }
}
