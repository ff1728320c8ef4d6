//! A time series reduced to what a chart can show: at most a given number of points, each the
//! mean of the measurements in its stretch of time, with their lowest and highest.

use super::value::MetricValue;
use crate::time::Timestamp;

/// One point of a trend: a stretch of time's mean, lowest and highest value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrendPoint {
    /// The middle of the stretch's measurements (their mean instant).
    pub at: Timestamp,
    pub mean: MetricValue,
    pub low: MetricValue,
    pub high: MetricValue,
    /// How many measurements it stands for.
    pub count: usize,
}

/// `series` (oldest first) as at most `max_points` points over equal stretches of time; a
/// series that fits is returned point for point.
pub fn trend(series: &[(Timestamp, MetricValue)], max_points: usize) -> Vec<TrendPoint> {
    let max_points = max_points.max(1);
    let (Some(first), Some(last)) = (series.first(), series.last()) else {
        return Vec::new();
    };
    if series.len() <= max_points {
        return series
            .iter()
            .map(|&(at, v)| TrendPoint {
                at,
                mean: v,
                low: v,
                high: v,
                count: 1,
            })
            .collect();
    }
    let start = i128::from(first.0.as_micros());
    let span = (i128::from(last.0.as_micros()) - start).max(1) + 1;
    let mut buckets: Vec<Option<(i128, i128, MetricValue, MetricValue, usize)>> =
        vec![None; max_points];
    for &(at, v) in series {
        let slot = ((i128::from(at.as_micros()) - start) * max_points as i128 / span)
            .clamp(0, max_points as i128 - 1) as usize;
        let b = buckets[slot].get_or_insert((0, 0, v, v, 0));
        b.0 += i128::from(at.as_micros());
        b.1 += i128::from(v.as_millionths());
        b.2 = b.2.min(v);
        b.3 = b.3.max(v);
        b.4 += 1;
    }
    buckets
        .into_iter()
        .flatten()
        .map(|(at_sum, value_sum, low, high, count)| {
            let n = count as i128;
            TrendPoint {
                at: Timestamp::from_micros((at_sum / n) as i64),
                mean: MetricValue::from_millionths((value_sum / n) as i64),
                low,
                high,
                count,
            }
        })
        .collect()
}
