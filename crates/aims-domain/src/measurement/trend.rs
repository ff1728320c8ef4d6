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
    let mut buckets: Vec<Option<Bucket>> = vec![None; max_points];
    for &(at, v) in series {
        let slot = ((i128::from(at.as_micros()) - start) * max_points as i128 / span)
            .clamp(0, max_points as i128 - 1) as usize;
        let b = buckets[slot].get_or_insert(Bucket {
            at_sum: 0,
            value_sum: 0,
            low: v,
            high: v,
            count: 0,
        });
        b.at_sum += i128::from(at.as_micros());
        b.value_sum += i128::from(v.as_millionths());
        b.low = b.low.min(v);
        b.high = b.high.max(v);
        b.count += 1;
    }
    buckets
        .into_iter()
        .flatten()
        .map(|b| {
            let n = b.count as i128;
            TrendPoint {
                at: Timestamp::from_micros((b.at_sum / n) as i64),
                mean: MetricValue::from_millionths((b.value_sum / n) as i64),
                low: b.low,
                high: b.high,
                count: b.count,
            }
        })
        .collect()
}

/// What one stretch of time gathers while a series is reduced.
#[derive(Clone, Copy)]
struct Bucket {
    at_sum: i128,
    value_sum: i128,
    low: MetricValue,
    high: MetricValue,
    count: usize,
}
