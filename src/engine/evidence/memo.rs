//! A per-thread memo of what declaration values say. The same people sign off, co-author and
//! review commit after commit, and matching a value against the catalog is the costliest step
//! of reading a commit's evidence; the answer depends only on the collector and the value.

use super::Declared;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// Values kept per thread before the memo starts again: bounds its memory on any history.
const CAPACITY: usize = 4096;
/// Longer values are matched each time: they rarely repeat.
const MAX_VALUE_BYTES: usize = 200;

static NEXT_OWNER: AtomicU64 = AtomicU64::new(1);

/// A fresh owner id: one per collector, so a thread never answers from another policy's memo.
pub(super) fn new_owner() -> u64 {
    NEXT_OWNER.fetch_add(1, Ordering::Relaxed)
}

#[derive(Default)]
struct Memo {
    owner: u64,
    /// Answers for AI keys and for identity keys.
    by_kind: [HashMap<Box<str>, Declared>; 2],
}

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

/// What `value` declares under an AI key (`ai`) or an identity key, for collector `owner`:
/// remembered, or computed by `compute` and remembered.
pub(super) fn declared(
    owner: u64,
    ai: bool,
    value: &str,
    compute: impl FnOnce() -> Declared,
) -> Declared {
    if value.len() > MAX_VALUE_BYTES {
        return compute();
    }
    let kind = usize::from(ai);
    let known = MEMO.with_borrow_mut(|memo| {
        if memo.owner != owner {
            *memo = Memo {
                owner,
                ..Memo::default()
            };
        }
        memo.by_kind[kind].get(value).cloned()
    });
    if let Some(answer) = known {
        return answer;
    }
    // Computed outside the borrow: matching may compile the catalog's deferred patterns.
    let answer = compute();
    MEMO.with_borrow_mut(|memo| {
        let map = &mut memo.by_kind[kind];
        if map.len() >= CAPACITY {
            map.clear();
        }
        map.insert(value.into(), answer.clone());
    });
    answer
}
