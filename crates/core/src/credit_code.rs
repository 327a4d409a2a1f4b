//! The unified social credit code (统一社会信用代码, GB 32100-2015).
//!
//! A `CreditCode` can only be built by [`CreditCode::parse`], which verifies both check
//! characters: the 18th (GB 32100, over positions 1–17) and the check character of the
//! embedded organisation code (GB 11714, position 17 over positions 9–16). Holding a
//! `CreditCode` therefore means holding a verified code.
//!
//! Normalisation: spreadsheets and forms routinely deliver codes in lower case or with
//! spaces (copied from PDFs, typed with a space every few characters). `parse` removes
//! ASCII and full-width spaces and upper-cases ASCII letters *before* checking; nothing
//! else is corrected. A code that is wrong after normalisation is rejected.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The 31 symbols of GB 32100 in value order (no I, O, S, V, Z).
pub const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    #[error("a credit code has 18 characters, this one has {0}")]
    Length(usize),
    #[error("character {ch:?} at position {pos} is not one of {ALPHABET}")]
    Character { pos: usize, ch: char },
    #[error(
        "the organisation-code check character (position 17) should be {expected}, not {found}"
    )]
    OrgCheck { expected: char, found: char },
    #[error("the check character (position 18) should be {expected}, not {found}")]
    Check { expected: char, found: char },
}

impl CreditCodeError {
    /// Stable rule identifier, used for translated messages and API error codes.
    pub fn rule(&self) -> &'static str {
        match self {
            Self::Length(_) => "credit_code.length",
            Self::Character { .. } => "credit_code.character",
            Self::OrgCheck { .. } => "credit_code.org_check",
            Self::Check { .. } => "credit_code.check",
        }
    }
}

fn value_of(ch: char) -> Option<u32> {
    ALPHABET.find(ch).map(|i| i as u32)
}

/// The value of an (upper-case ASCII) symbol; None outside the alphabet.
fn value_of_byte(b: u8) -> Option<u32> {
    const TABLE: [u8; 128] = {
        let mut t = [255u8; 128];
        let a = ALPHABET.as_bytes();
        let mut i = 0;
        while i < a.len() {
            t[a[i] as usize] = i as u8;
            i += 1;
        }
        t
    };
    TABLE
        .get(b as usize)
        .copied()
        .filter(|v| *v != 255)
        .map(u32::from)
}

/// The GB 32100 check character for the first 17 characters (which must be valid symbols).
pub fn check_char(first17: &str) -> Option<char> {
    let mut sum = 0u32;
    for (i, ch) in first17.chars().enumerate() {
        sum += value_of(ch)? * WEIGHTS.get(i)?;
    }
    let v = (31 - sum % 31) % 31;
    ALPHABET.chars().nth(v as usize)
}

/// The GB 11714 check character for the 8 body characters of an organisation code.
pub fn org_check_char(body8: &str) -> Option<char> {
    let mut sum = 0u32;
    for (i, ch) in body8.chars().enumerate() {
        let v = ch.to_digit(36)?;
        sum += v * ORG_WEIGHTS.get(i)?;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        v => char::from_digit(v, 10)?,
    })
}

impl CreditCode {
    pub fn parse(input: &str) -> Result<Self, CreditCodeError> {
        let bytes = Self::check(input)?;
        Ok(Self(
            String::from_utf8(bytes.to_vec()).expect("ASCII alphabet"),
        ))
    }

    /// Normalises and verifies a code without allocating; the verified code as bytes.
    /// (Reading a million-row file spends its time here, so the common case — 18 ASCII
    /// characters — is checked on bytes.)
    pub fn check(input: &str) -> Result<[u8; 18], CreditCodeError> {
        let mut code = [0u8; 18];
        let mut n = 0usize;
        for c in input.chars() {
            if c.is_whitespace() {
                continue;
            }
            if n < 18 {
                if c.is_ascii() {
                    code[n] = c.to_ascii_uppercase() as u8;
                } else {
                    // Counted for the length message; reported as a bad character below.
                    code[n] = 0;
                }
            }
            n += 1;
        }
        if n != 18 {
            return Err(CreditCodeError::Length(n));
        }
        let mut values = [0u32; 18];
        for (i, b) in code.iter().enumerate() {
            match value_of_byte(*b) {
                Some(v) => values[i] = v,
                None => {
                    let ch = input
                        .chars()
                        .filter(|c| !c.is_whitespace())
                        .nth(i)
                        .unwrap_or('?');
                    return Err(CreditCodeError::Character {
                        pos: i + 1,
                        ch: ch.to_ascii_uppercase(),
                    });
                }
            }
        }
        let sum: u32 = values[..17].iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
        let expected = ALPHABET.as_bytes()[((31 - sum % 31) % 31) as usize] as char;
        let body = std::str::from_utf8(&code[8..16]).expect("ASCII alphabet");
        let expected_org = org_check_char(body).expect("body is in the alphabet");
        // The full check is reported first: it covers every position, so a typo anywhere
        // shows up there; the organisation check then catches codes forged to pass it.
        if code[17] as char != expected {
            return Err(CreditCodeError::Check {
                expected,
                found: code[17] as char,
            });
        }
        if code[16] as char != expected_org {
            return Err(CreditCodeError::OrgCheck {
                expected: expected_org,
                found: code[16] as char,
            });
        }
        Ok(code)
    }

    /// Builds a valid code from a registration prefix (2 chars), a 6-digit division code and
    /// an 8-character organisation-code body, computing both check characters.
    /// Used by the demo generator; the inputs must be symbols of the alphabet.
    pub fn assemble(prefix: &str, division: &str, org_body: &str) -> Option<Self> {
        let org = org_check_char(org_body)?;
        let first17 = format!("{prefix}{division}{org_body}{org}");
        if first17.len() != 17 || first17.chars().any(|c| value_of(c).is_none()) {
            return None;
        }
        let check = check_char(&first17)?;
        Some(Self(format!("{first17}{check}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 6-digit administrative division of the registering office (positions 3–8).
    pub fn division_code(&self) -> &str {
        &self.0[2..8]
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CreditCode {
    type Error = CreditCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<CreditCode> for String {
    fn from(c: CreditCode) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLES: &str = include_str!("../data/uscc-gb32100/uscc_sample_codes.csv");

    fn samples() -> Vec<String> {
        SAMPLES
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect()
    }

    #[test]
    fn real_codes_are_accepted() {
        let codes = samples();
        assert_eq!(codes.len(), 9);
        for c in codes {
            assert_eq!(CreditCode::parse(&c).unwrap().as_str(), c);
        }
    }

    #[test]
    fn every_single_character_alteration_is_rejected() {
        // Every position, every other symbol of the alphabet plus the excluded letters,
        // lower-case letters that are not the same letter, and a punctuation mark.
        let others: Vec<char> = ALPHABET.chars().chain("IOSVZ-*.abc".chars()).collect();
        let mut tried = 0;
        for code in samples() {
            let chars: Vec<char> = code.chars().collect();
            for pos in 0..18 {
                for &alt in &others {
                    if alt.to_ascii_uppercase() == chars[pos] {
                        continue; // the same symbol, or its lower case (normalised, not altered)
                    }
                    let mut altered = chars.clone();
                    altered[pos] = alt;
                    let s: String = altered.iter().collect();
                    assert!(CreditCode::parse(&s).is_err(), "{s} accepted (from {code})");
                    tried += 1;
                }
            }
        }
        assert!(tried > 9 * 18 * 30);
    }

    #[test]
    fn normalises_case_and_spaces() {
        let c = CreditCode::parse(" 9144 0300 7152 6726 xg ").unwrap();
        assert_eq!(c.as_str(), "9144030071526726XG");
        let c = CreditCode::parse("9144030071526726\u{3000}XG").unwrap();
        assert_eq!(c.division_code(), "440300");
    }

    #[test]
    fn reports_the_broken_rule() {
        assert_eq!(
            CreditCode::parse("91440300").unwrap_err(),
            CreditCodeError::Length(8)
        );
        assert!(matches!(
            CreditCode::parse("91440300192203821I").unwrap_err(),
            CreditCodeError::Character { pos: 18, ch: 'I' }
        ));
        assert!(matches!(
            CreditCode::parse("914403001922038217").unwrap_err(),
            CreditCodeError::Check {
                expected: '6',
                found: '7'
            }
        ));
    }

    #[test]
    fn organisation_check_is_verified_independently() {
        // Alter the org check character and recompute the 18th so only GB 11714 fails.
        let first16 = "9144030019220382";
        let wrong_org = '5';
        let first17 = format!("{first16}{wrong_org}");
        let code = format!("{first17}{}", check_char(&first17).unwrap());
        assert!(matches!(
            CreditCode::parse(&code).unwrap_err(),
            CreditCodeError::OrgCheck {
                expected: '1',
                found: '5'
            }
        ));
    }

    #[test]
    fn assemble_builds_valid_codes() {
        let c = CreditCode::assemble("91", "110115", "MA01ABCD").unwrap();
        assert!(CreditCode::parse(c.as_str()).is_ok());
    }
}
