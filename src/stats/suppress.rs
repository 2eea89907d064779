//! Small cells of the public figures (SPEC §6): a count under 5 is shown as "<5", and so is a
//! second cell of its column (complementary suppression), so that no hidden count can be
//! worked out by subtracting the shown parts from the shown total.

/// The least count that may be published.
pub const THRESHOLD: i64 = 5;

/// Which cells to hide. `total` is the whole (the county), `parts` the units that add up to it
/// (its townships); every row has the same columns. Returns the mask of the total and of each part.
pub fn mask(total: &[i64], parts: &[Vec<i64>]) -> (Vec<bool>, Vec<Vec<bool>>) {
    let mut total_hidden: Vec<bool> = total.iter().map(|v| *v < THRESHOLD).collect();
    let mut hidden: Vec<Vec<bool>> = parts
        .iter()
        .map(|row| row.iter().map(|v| *v < THRESHOLD).collect())
        .collect();
    for col in 0..total.len() {
        let hidden_here: Vec<usize> = (0..parts.len()).filter(|r| hidden[*r][col]).collect();
        // One hidden part beside a shown total and shown siblings is the total minus the rest:
        // hide the smallest shown sibling as well (or, without one, the total).
        if hidden_here.len() == 1 && !total_hidden[col] {
            let sibling = (0..parts.len())
                .filter(|r| !hidden[*r][col])
                .min_by_key(|r| (parts[*r][col], *r));
            match sibling {
                Some(r) => hidden[r][col] = true,
                None => total_hidden[col] = true,
            }
        }
    }
    (total_hidden, hidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether any hidden part can be recovered from the total and the shown parts.
    fn derivable(total: &[i64], parts: &[Vec<i64>], t: &[bool], h: &[Vec<bool>]) -> bool {
        (0..total.len()).any(|c| {
            let hidden = (0..parts.len()).filter(|r| h[*r][c]).count();
            !t[c] && hidden == 1
        })
    }

    #[test]
    fn a_lone_small_cell_takes_its_smallest_sibling_with_it() {
        let total = vec![30, 12];
        let parts = vec![vec![3, 6], vec![20, 6], vec![7, 0]];
        let (t, h) = mask(&total, &parts);
        assert_eq!(t, vec![false, false]);
        assert_eq!(
            h[0],
            vec![true, true],
            "the 3, and a 6 that goes with the lone 0"
        );
        assert_eq!(h[1], vec![false, false]);
        assert_eq!(
            h[2],
            vec![true, true],
            "the 7 goes with the lone 3; the 0 is under 5"
        );
        assert!(!derivable(&total, &parts, &t, &h));
    }

    #[test]
    fn no_published_cell_is_small_and_none_is_derivable() {
        // Every small table of three townships with counts 0..9 in one column.
        for a in 0..10 {
            for b in 0..10 {
                for c in 0..10 {
                    let parts = vec![vec![a], vec![b], vec![c]];
                    let total = vec![a + b + c];
                    let (t, h) = mask(&total, &parts);
                    for (r, row) in parts.iter().enumerate() {
                        assert!(h[r][0] || row[0] >= THRESHOLD);
                    }
                    assert!(t[0] || total[0] >= THRESHOLD);
                    assert!(!derivable(&total, &parts, &t, &h), "{a} {b} {c}");
                }
            }
        }
    }
}
