//! Numbers of the tier rules, read exactly. A cell's decimal value is held in millionths as
//! an integer, and ratios are compared with their thresholds by cross-multiplication, so a
//! firm whose R&D is exactly 3 % of its revenue lands in the 3 % band whatever binary
//! floating point would make of 0.03.

use std::cmp::Ordering;

/// Millionths of the unit (yuan, persons, items). Beyond six decimals a cell is rounded
/// toward zero: no rule of the tiers reads a millionth of a yuan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(i128);

const SCALE: i128 = 1_000_000;
/// The largest magnitude read: 10^24 of the unit, far above any enterprise's figure, and
/// small enough that every cross-multiplication below stays inside an i128.
const LIMIT: i128 = 1_000_000_000_000_000_000 * SCALE * SCALE;

/// Why a cell is not a number the rules can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    /// Not a decimal number (text, thousands separators, a percent sign, NaN).
    NotANumber,
    /// Above 10^24.
    TooLarge,
}

impl NumberError {
    pub fn rule(self) -> &'static str {
        match self {
            NumberError::NotANumber => "number.invalid",
            NumberError::TooLarge => "number.too_large",
        }
    }
    pub fn message(self) -> &'static str {
        match self {
            NumberError::NotANumber => "not a number",
            NumberError::TooLarge => "larger than 10^24",
        }
    }
}

impl Amount {
    pub const ZERO: Amount = Amount(0);

    /// A whole number of the unit.
    pub const fn units(n: i64) -> Amount {
        Amount(n as i128 * SCALE)
    }

    /// Millionths of the unit.
    pub const fn micros(n: i128) -> Amount {
        Amount(n)
    }

    /// The value in millionths of the unit.
    pub fn micros_value(self) -> i128 {
        self.0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// Scales by a unit factor given as a power of ten (万元 → yuan: 4).
    pub fn times_ten_to(self, exp: u32) -> Option<Amount> {
        let v = self.0.checked_mul(10i128.checked_pow(exp)?)?;
        (v.abs() <= LIMIT).then_some(Amount(v))
    }

    /// `self ÷ of` compared with `percent` %, exactly. `of` must be positive.
    pub fn ratio_cmp(self, of: Amount, percent: i64) -> Ordering {
        debug_assert!(of.0 > 0);
        (self.0 * 100).cmp(&(of.0 * percent as i128))
    }

    /// The value as a float, for display and for the distance arithmetic.
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / SCALE as f64
    }

    /// Reads a cell: blank is `None` (unknown); otherwise a decimal number with an optional
    /// sign, fraction and exponent (`1.5E+07`, as spreadsheets write large numbers).
    pub fn parse(cell: &str) -> Result<Option<Amount>, NumberError> {
        Self::parse_scaled(cell, 0)
    }

    /// Reads a cell written in a unit of 10^`unit_exp` (万元: 4), exactly: the unit is
    /// applied before the value is cut to millionths, so "0.037037034" 亿元 keeps its last
    /// digits.
    pub fn parse_scaled(cell: &str, unit_exp: u32) -> Result<Option<Amount>, NumberError> {
        let s = cell.trim();
        if s.is_empty() {
            return Ok(None);
        }
        let b = s.as_bytes();
        let mut i = 0;
        let negative = match b[0] {
            b'-' => {
                i = 1;
                true
            }
            b'+' => {
                i = 1;
                false
            }
            _ => false,
        };
        // Digits as an integer mantissa with a decimal exponent.
        let mut mantissa: i128 = 0;
        let mut exp: i32 = 0;
        let mut digits = 0usize;
        let mut seen_point = false;
        while i < b.len() {
            match b[i] {
                d @ b'0'..=b'9' => {
                    digits += 1;
                    if mantissa < LIMIT * 10 {
                        mantissa = mantissa * 10 + i128::from(d - b'0');
                        if seen_point {
                            exp -= 1;
                        }
                    } else if !seen_point {
                        // Digits past what can matter: the value is too large anyway.
                        exp += 1;
                    }
                }
                b'.' if !seen_point => seen_point = true,
                _ => break,
            }
            i += 1;
        }
        if digits == 0 {
            return Err(NumberError::NotANumber);
        }
        if i < b.len() {
            if !matches!(b[i], b'e' | b'E') {
                return Err(NumberError::NotANumber);
            }
            let rest = &s[i + 1..];
            let rest = rest.strip_prefix('+').unwrap_or(rest);
            if rest.is_empty() || !rest.bytes().skip(1).all(|c| c.is_ascii_digit()) {
                return Err(NumberError::NotANumber);
            }
            let e: i32 = rest
                .parse::<i32>()
                .map_err(|_| NumberError::NotANumber)?
                .clamp(-1000, 1000);
            exp += e;
        }
        // mantissa × 10^(exp + unit) in millionths: × 10^(exp + unit + 6).
        let shift = exp + unit_exp as i32 + 6;
        let v = if shift >= 0 {
            10i128
                .checked_pow(shift as u32)
                .and_then(|p| mantissa.checked_mul(p))
                .ok_or(NumberError::TooLarge)?
        } else if shift < -38 {
            0
        } else {
            mantissa / 10i128.pow((-shift) as u32)
        };
        if v > LIMIT {
            return Err(NumberError::TooLarge);
        }
        Ok(Some(Amount(if negative { -v } else { v })))
    }
}

impl std::ops::Sub for Amount {
    type Output = Amount;
    fn sub(self, o: Amount) -> Amount {
        Amount(self.0 - o.0)
    }
}

impl std::ops::Add for Amount {
    type Output = Amount;
    fn add(self, o: Amount) -> Amount {
        Amount(self.0 + o.0)
    }
}
