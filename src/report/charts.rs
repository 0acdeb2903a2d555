//! The report's charts, drawn with plotters' SVG backend: daily series on a date axis
//! (lines, points, stacked bars). Colours are the Okabe–Ito palette, which stays
//! distinguishable with the common colour-vision deficiencies.

use chrono::NaiveDate;
use plotters::prelude::*;

/// Okabe–Ito: blue, orange, bluish green, vermillion, reddish purple, sky blue, yellow,
/// black.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0xF0, 0xE4, 0x42),
    RGBColor(0x00, 0x00, 0x00),
];
pub const GREY: RGBColor = RGBColor(0x99, 0x99, 0x99);

pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

const WIDTH: u32 = 600;
const HEIGHT: u32 = 360;
const FONT: &str = "sans-serif";

type Chart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// How a series is drawn.
#[derive(Clone, Copy, PartialEq)]
pub enum Mark {
    Line,
    /// A thicker line (a smoothed trend over the points of another series).
    Bold,
    Points,
}

pub struct Series {
    pub name: String,
    pub colour: RGBColor,
    pub mark: Mark,
    /// (day index into the chart's days, value); gaps are days without a value.
    pub points: Vec<(usize, f64)>,
}

/// A chart over consecutive days.
pub struct DayChart<'a> {
    pub title: &'a str,
    pub days: &'a [NaiveDate],
    pub y_label: &'a str,
    /// Fixed y range; otherwise 0 to the data's maximum.
    pub y_range: Option<(f64, f64)>,
}

fn err<E: std::fmt::Display>(e: E) -> String {
    format!("chart: {e}")
}

/// Make the SVG scale with its container and carry its title for screen readers.
fn finish(svg: String, title: &str) -> String {
    let head = format!(r#"<svg width="{WIDTH}" height="{HEIGHT}" "#);
    let esc = html_escape::encode_text(title);
    svg.replacen(
        &head,
        &format!(
            r#"<svg class="chart" role="img" aria-label="{}" "#,
            html_escape::encode_double_quoted_attribute(title)
        ),
        1,
    )
    .replacen(
        r#"xmlns="http://www.w3.org/2000/svg">"#,
        &format!(r#"xmlns="http://www.w3.org/2000/svg"><title>{esc}</title>"#),
        1,
    )
}

fn y_max(values: impl Iterator<Item = f64>) -> f64 {
    let m = values.fold(0.0f64, f64::max);
    if m <= 0.0 {
        1.0
    } else {
        m * 1.1
    }
}

fn date_label(days: &[NaiveDate], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() > 1e-6 || i < 0.0 || i as usize >= days.len() {
        return String::new();
    }
    days[i as usize].format("%b %-d").to_string()
}

fn y_label_fmt(v: f64) -> String {
    if v.abs() >= 1000.0 {
        let k = v / 1000.0;
        if (k - k.round()).abs() < 1e-9 {
            format!("{k:.0}k")
        } else {
            format!("{k:.1}k")
        }
    } else if v.fract().abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

impl DayChart<'_> {
    fn range(&self, values: impl Iterator<Item = f64>) -> (f64, f64) {
        self.y_range.unwrap_or_else(|| (0.0, y_max(values)))
    }

    /// Draw on a frame with the title, axes and grid; `plot` adds the data.
    fn frame(
        &self,
        (y0, y1): (f64, f64),
        plot: impl FnOnce(&mut Chart) -> Result<(), String>,
    ) -> Result<String, String> {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
            root.fill(&WHITE).map_err(err)?;
            let n = self.days.len().max(1) as f64;
            let mut chart = ChartBuilder::on(&root)
                .caption(self.title, (FONT, 24))
                .margin(14)
                .x_label_area_size(56)
                .y_label_area_size(76)
                .build_cartesian_2d(-0.5..n - 0.5, y0..y1)
                .map_err(err)?;
            self.mesh(&mut chart)?;
            plot(&mut chart)?;
            root.present().map_err(err)?;
        }
        Ok(finish(svg, self.title))
    }

    /// Lines and points per series.
    pub fn lines(&self, series: &[Series]) -> Result<String, String> {
        let range = self.range(series.iter().flat_map(|s| s.points.iter().map(|p| p.1)));
        self.frame(range, |chart| {
            for s in series {
                match s.mark {
                    Mark::Points => {
                        let pts = s.points.iter().map(|&(i, v)| (i as f64, v));
                        chart
                            .draw_series(pts.map(|p| Circle::new(p, 4, s.colour.filled())))
                            .map_err(err)?;
                    }
                    Mark::Line | Mark::Bold => {
                        let width = if s.mark == Mark::Bold { 4 } else { 2 };
                        // A gap of days without a value breaks the line.
                        for run in runs(&s.points) {
                            let seg: Vec<(f64, f64)> =
                                run.iter().map(|&(i, v)| (i as f64, v)).collect();
                            if seg.len() == 1 {
                                let dot = Circle::new(seg[0], 3, s.colour.filled());
                                chart.draw_series(std::iter::once(dot)).map_err(err)?;
                            } else {
                                chart
                                    .draw_series(LineSeries::new(seg, s.colour.stroke_width(width)))
                                    .map_err(err)?;
                            }
                        }
                    }
                }
            }
            Ok(())
        })
    }

    /// Stacked bars per day: `layers` bottom to top, each a value per day.
    pub fn stacked(&self, layers: &[(String, RGBColor, Vec<f64>)]) -> Result<String, String> {
        let totals: Vec<f64> = (0..self.days.len())
            .map(|i| {
                layers
                    .iter()
                    .map(|l| l.2.get(i).copied().unwrap_or(0.0))
                    .sum()
            })
            .collect();
        let range = self.range(totals.iter().copied());
        self.frame(range, |chart| {
            let mut base = vec![0.0; self.days.len()];
            for (_, colour, values) in layers {
                let bars: Vec<Rectangle<(f64, f64)>> = values
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| **v > 0.0)
                    .map(|(i, v)| {
                        let x = i as f64;
                        let r = Rectangle::new(
                            [(x - 0.4, base[i]), (x + 0.4, base[i] + v)],
                            colour.filled(),
                        );
                        base[i] += v;
                        r
                    })
                    .collect();
                chart.draw_series(bars).map_err(err)?;
            }
            Ok(())
        })
    }

    fn mesh<DB: DrawingBackend>(
        &self,
        chart: &mut ChartContext<
            DB,
            Cartesian2d<
                plotters::coord::types::RangedCoordf64,
                plotters::coord::types::RangedCoordf64,
            >,
        >,
    ) -> Result<(), String> {
        let days = self.days;
        let fmt_x = move |x: &f64| date_label(days, *x);
        let fmt_y = |y: &f64| y_label_fmt(*y);
        chart
            .configure_mesh()
            .x_desc("date")
            .y_desc(self.y_label)
            .x_labels(days.len().clamp(2, 6))
            .y_labels(5)
            .x_label_formatter(&fmt_x)
            .y_label_formatter(&fmt_y)
            .label_style((FONT, 19))
            .axis_desc_style((FONT, 20))
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
            .draw()
            .map_err(|e| format!("chart: {e}"))
    }
}

/// Consecutive-day runs of a series' points.
fn runs(points: &[(usize, f64)]) -> Vec<&[(usize, f64)]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=points.len() {
        if i == points.len() || points[i].0 != points[i - 1].0 + 1 {
            if start < i {
                out.push(&points[start..i]);
            }
            start = i;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_split_a_line() {
        let p = [(0, 1.0), (1, 2.0), (3, 1.0), (4, 0.0), (7, 1.0)];
        let r = runs(&p);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].len(), 2);
        assert_eq!(r[2], &[(7, 1.0)]);
    }

    #[test]
    fn charts_are_scalable_svg_with_a_title() {
        let days: Vec<NaiveDate> = (1..=5)
            .map(|d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap())
            .collect();
        let c = DayChart {
            title: "Posts <per> day",
            days: &days,
            y_label: "posts per day",
            y_range: None,
        };
        let svg = c
            .lines(&[Series {
                name: "x".into(),
                colour: PALETTE[0],
                mark: Mark::Line,
                points: vec![(0, 1.0), (1, 3.0), (2, 2.0)],
            }])
            .unwrap();
        assert!(svg.starts_with(r#"<svg class="chart" role="img" aria-label="Posts &lt;per&gt; day" viewBox="0 0 600 360""#), "{}", &svg[..200]);
        assert!(svg.contains("<title>Posts &lt;per&gt; day</title>"));
        assert!(svg.contains("posts per day") && svg.contains("Nov 1"));
        // The opening tag has no fixed size: the page's CSS scales it.
        let open = &svg[..svg.find('>').unwrap()];
        assert!(
            !open.contains("width=") && !open.contains("height="),
            "{open}"
        );
    }
}
