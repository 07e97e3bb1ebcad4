//! The page's chart: AI-assisted commits per assistant per month, one slot for every month
//! from the first scanned commit's to the last's, empty months included, so a gap in
//! assistant use shows as a gap and not as two neighbouring bars. A run of more than
//! [`GAP_MONTHS`] months without any commit is one slot that names its first and last month:
//! a single commit dated in the year 9999 cannot stretch the chart over 95,000 slots.

use super::escape;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Colours of the chart's series, one per assistant in name order (then repeating).
const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// Longer runs of months with no commit at all are shown as one slot.
const GAP_MONTHS: i64 = 24;

/// Beyond this many months the axis names each January alone.
const LABEL_EVERY_MONTH_UP_TO: u32 = 120;
/// The width the slots share (pixels), so that years of history fit the page: each slot is
/// 24 pixels wide at most and 3 at least.
const PLOT_WIDTH: usize = 1100;

/// A month as `year * 12 + (month - 1)`: consecutive months are consecutive numbers.
type MonthIndex = i64;

/// Commits per assistant per month, and the range of months scanned.
#[derive(Default)]
pub(super) struct Months {
    counts: BTreeMap<MonthIndex, BTreeMap<String, u64>>,
    /// Months with at least one scanned commit, AI-assisted or not.
    active: BTreeSet<MonthIndex>,
    /// Commits whose time could not be read (only from a merged report's input).
    unknown: BTreeMap<String, u64>,
}

impl Months {
    /// Count a commit committed at `time` (RFC 3339) with `assistants`.
    pub(super) fn add<'a>(&mut self, time: &str, assistants: impl Iterator<Item = &'a str>) {
        let Some(month) = month_index(time) else {
            for a in assistants {
                *self.unknown.entry(a.to_string()).or_default() += 1;
            }
            return;
        };
        self.active.insert(month);
        let mut assistants = assistants.peekable();
        if assistants.peek().is_some() {
            let counts = self.counts.entry(month).or_default();
            for a in assistants {
                *counts.entry(a.to_string()).or_default() += 1;
            }
        }
    }

    /// Stacked bars, one slot per month, one colour per assistant; a legend below.
    pub(super) fn svg(&self) -> String {
        if self.counts.is_empty() && self.unknown.is_empty() {
            return "<p>No AI-assisted commit in the scanned history.</p>\n".into();
        }
        let mut slots: Vec<(String, Option<&BTreeMap<String, u64>>)> = Vec::new();
        let mut previous: Option<MonthIndex> = None;
        for &m in &self.active {
            if let Some(p) = previous {
                if m - p - 1 > GAP_MONTHS {
                    slots.push((
                        format!("{} to {}", month_name(p + 1), month_name(m - 1)),
                        None,
                    ));
                } else {
                    slots.extend((p + 1..m).map(|e| (month_name(e), None)));
                }
            }
            slots.push((month_name(m), self.counts.get(&m)));
            previous = Some(m);
        }
        if !self.unknown.is_empty() {
            slots.push(("unknown".into(), Some(&self.unknown)));
        }
        let mut assistants: Vec<&String> = self
            .counts
            .values()
            .chain(std::iter::once(&self.unknown))
            .flat_map(|m| m.keys())
            .collect();
        assistants.sort();
        assistants.dedup();
        let colour = |id: &str| {
            let i = assistants.iter().position(|a| *a == id).unwrap_or(0);
            PALETTE[i % PALETTE.len()]
        };
        let max = slots
            .iter()
            .filter_map(|(_, c)| c.map(|c| c.values().sum::<u64>()))
            .max()
            .unwrap_or(1)
            .max(1);
        let every_month = slots.len() as u64 <= u64::from(LABEL_EVERY_MONTH_UP_TO);
        let slot = (PLOT_WIDTH / slots.len().max(1)).clamp(3, 24);
        let (bar, gap) = (slot - slot / 4, slot / 4);
        let (height, left, bottom) = (220usize, 48usize, 60usize);
        let width = left + slots.len() * (bar + gap) + 20;
        let mut svg = String::new();
        let _ = writeln!(
            svg,
            "<svg id=\"months\" width=\"{width}\" height=\"{}\" role=\"img\" aria-label=\"AI-assisted commits per assistant per month\">",
            height + bottom
        );
        let _ = writeln!(
            svg,
            "<line x1=\"{left}\" y1=\"10\" x2=\"{left}\" y2=\"{height}\" stroke=\"#888\"/><text x=\"{}\" y=\"16\" font-size=\"11\" text-anchor=\"end\">{max}</text><text x=\"{}\" y=\"{height}\" font-size=\"11\" text-anchor=\"end\">0</text>",
            left - 4,
            left - 4
        );
        for (i, (month, counts)) in slots.iter().enumerate() {
            let x = left + gap + i * (bar + gap);
            let total: u64 = counts.map_or(0, |c| c.values().sum());
            let _ = write!(
                svg,
                "<g class=\"month\" data-month=\"{}\" data-commits=\"{total}\">",
                escape(month)
            );
            let mut y = height;
            for (id, n) in counts.iter().copied().flatten() {
                let h = ((*n as f64 / max as f64) * (height - 10) as f64).round() as usize;
                let h = h.max(1);
                y = y.saturating_sub(h);
                let _ = write!(
                    svg,
                    "<rect x=\"{x}\" y=\"{y}\" width=\"{bar}\" height=\"{h}\" fill=\"{}\"><title>{} {}: {n}</title></rect>",
                    colour(id),
                    escape(month),
                    escape(id)
                );
            }
            if every_month || month.ends_with("-01") || month == "unknown" {
                let _ = write!(
                    svg,
                    "<text x=\"{}\" y=\"{}\" font-size=\"10\" transform=\"rotate(60 {} {})\">{}</text>",
                    x + 4,
                    height + 12,
                    x + 4,
                    height + 12,
                    escape(month)
                );
            }
            svg.push_str("</g>\n");
        }
        svg.push_str("</svg>\n<p>");
        for id in &assistants {
            let _ = write!(
                svg,
                "<span style=\"display:inline-block;width:.9em;height:.9em;background:{}\"></span> {} &nbsp; ",
                colour(id),
                escape(id)
            );
        }
        svg.push_str("</p>\n");
        svg
    }
}

/// The month of an RFC 3339 time as written (`YYYY-MM-...`, the recorded offset's month).
fn month_index(time: &str) -> Option<MonthIndex> {
    let (year, rest) = time.split_at_checked(4)?;
    let month = rest.strip_prefix('-')?.get(..2)?;
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(year) || !all_digits(month) {
        return None;
    }
    let (year, month): (i64, i64) = (year.parse().ok()?, month.parse().ok()?);
    (1..=12).contains(&month).then_some(year * 12 + month - 1)
}

fn month_name(index: MonthIndex) -> String {
    format!("{:04}-{:02}", index / 12, index % 12 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_month_in_range_has_a_slot() {
        let mut months = Months::default();
        months.add("2023-11-30T23:00:00+01:00", ["claude"].into_iter());
        months.add("2024-02-01T00:00:00Z", std::iter::empty());
        months.add(
            "2024-03-15T10:00:00-05:00",
            ["cursor", "claude"].into_iter(),
        );
        let svg = months.svg();
        let slots: Vec<&str> = svg
            .split("data-month=\"")
            .skip(1)
            .map(|s| &s[..7])
            .collect();
        assert_eq!(
            slots,
            ["2023-11", "2023-12", "2024-01", "2024-02", "2024-03"]
        );
        assert!(svg.contains("data-month=\"2024-03\" data-commits=\"2\""));
        assert!(svg.contains("data-month=\"2023-12\" data-commits=\"0\""));
    }

    #[test]
    fn a_long_run_without_commits_is_one_slot() {
        let mut months = Months::default();
        months.add("2024-01-10T00:00:00Z", ["claude"].into_iter());
        months.add("2024-03-10T00:00:00Z", std::iter::empty());
        months.add("9999-12-31T23:59:59Z", ["claude"].into_iter());
        let svg = months.svg();
        let slots: Vec<&str> = svg
            .split("data-month=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
            .collect();
        assert_eq!(
            slots,
            [
                "2024-01",
                "2024-02",
                "2024-03",
                "2024-04 to 9999-11",
                "9999-12"
            ]
        );
        // Exactly GAP_MONTHS empty months are still shown one by one.
        let mut months = Months::default();
        months.add("2020-01-01T00:00:00Z", ["claude"].into_iter());
        months.add("2022-02-01T00:00:00Z", ["claude"].into_iter());
        assert_eq!(months.svg().matches("data-month=").count(), 26);
    }

    #[test]
    fn unreadable_times_get_their_own_slot() {
        let mut months = Months::default();
        months.add("garbage", ["claude"].into_iter());
        months.add("2024-13-01T00:00:00Z", ["claude"].into_iter());
        let svg = months.svg();
        assert!(
            svg.contains("data-month=\"unknown\" data-commits=\"2\""),
            "{svg}"
        );
        assert_eq!(svg.matches("data-month=").count(), 1);
    }

    #[test]
    fn long_ranges_name_only_januaries() {
        let mut months = Months::default();
        months.add("2000-01-01T00:00:00Z", ["claude"].into_iter());
        for year in 2000..2020 {
            months.add(&format!("{year}-06-01T00:00:00Z"), std::iter::empty());
        }
        months.add("2019-12-01T00:00:00Z", ["claude"].into_iter());
        let svg = months.svg();
        assert_eq!(svg.matches("data-month=").count(), 240);
        assert_eq!(svg.matches("</text></g>").count(), 20);
    }
}
