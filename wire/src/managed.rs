//! Managed memory as both sides track it (`shim/src/managed.rs`,
//! `host-server/src/api/managed.rs`): changes are found and sent in pages.

/// The unit changes are found and sent in.
pub const PAGE: usize = 4096;

/// The runs of pages where `now` differs from `had` (equal lengths): (start,
/// end) offsets, adjacent changed pages merged.
#[must_use]
pub fn changed_runs(had: &[u8], now: &[u8]) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for start in (0..had.len().min(now.len())).step_by(PAGE) {
        let end = (start + PAGE).min(had.len()).min(now.len());
        if had[start..end] != now[start..end] {
            match runs.last_mut() {
                Some(last) if last.1 == start => last.1 = end,
                _ => runs.push((start, end)),
            }
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_pages_are_found_in_runs() {
        let had = vec![0u8; 5 * PAGE + 100];
        let mut now = had.clone();
        assert!(changed_runs(&had, &now).is_empty());
        now[10] = 1;
        now[PAGE + 5] = 1;
        now[3 * PAGE] = 1;
        now[5 * PAGE + 99] = 1;
        assert_eq!(changed_runs(&had, &now), [(0, 2 * PAGE), (3 * PAGE, 4 * PAGE), (5 * PAGE, 5 * PAGE + 100)]);
    }
}
