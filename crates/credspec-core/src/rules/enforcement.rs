//! Who enforces a rule, and what a check concludes under a profile.
//!
//! Every rule has an [`Enforcement`] class. A `vendor` rule is one a vendor document,
//! documented example or documented error shows the vendor refusing: the request is refused.
//! A `lint` rule is credspec's own advice that no vendor document says is applied at request
//! time (material well-formed, key matches certificate, the "\[APN only\]" field rules, ...):
//! the request is accepted and the violation is reported beside the answer as a *finding*.
//!
//! A check returns a [`Checking`]: `Err` with every violation when a vendor rule is broken,
//! otherwise `Ok` with the checked value and the lint findings. A [`Profile`] then says what
//! is refused: [`Profile::Vendor`] (the default) refuses vendor violations only,
//! [`Profile::Strict`] refuses findings as well.

use std::fmt;

use super::{RuleId, Violation};

/// Who enforces a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Enforcement {
    /// The vendor refuses a request that breaks it (its documents say so).
    Vendor,
    /// credspec's own advice: reported as a finding, refused only in strict mode.
    Lint,
}

impl Enforcement {
    /// `vendor` or `lint`, as written in tables and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Vendor => "vendor",
            Self::Lint => "lint",
        }
    }
}

impl fmt::Display for Enforcement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which rules refuse a request (`vendor` or `strict` in specs and on the command line).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Profile {
    /// As the vendor: only `vendor` rules refuse; `lint` violations are findings.
    #[default]
    Vendor,
    /// Every rule refuses.
    Strict,
}

impl Profile {
    /// The profile of a strict flag.
    pub fn strict_if(strict: bool) -> Self {
        if strict { Self::Strict } else { Self::Vendor }
    }

    /// `vendor` or `strict`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Vendor => "vendor",
            Self::Strict => "strict",
        }
    }

    /// Whether a violation of `rule` refuses the request under this profile.
    pub fn refuses(self, rule: RuleId) -> bool {
        match self {
            Self::Vendor => rule.enforcement() == Enforcement::Vendor,
            Self::Strict => true,
        }
    }

    /// What `outcome` means under this profile: the violations that refuse the request
    /// (in their order), or the checked value with the findings that do not.
    pub fn judge<T>(self, outcome: Checking<T>) -> Result<Checked<T>, Vec<Violation>> {
        match outcome {
            Err(violations) => Err(violations
                .into_iter()
                .filter(|v| self.refuses(v.rule))
                .collect()),
            Ok(checked) if self == Self::Strict && !checked.findings.is_empty() => {
                Err(checked.findings)
            }
            Ok(checked) => Ok(checked),
        }
    }
}

impl std::str::FromStr for Profile {
    type Err = UnknownProfile;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "vendor" => Ok(Self::Vendor),
            "strict" => Ok(Self::Strict),
            _ => Err(UnknownProfile(s.to_owned())),
        }
    }
}

/// A name that is neither `vendor` nor `strict`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no profile is called {0:?} (vendor or strict)")]
#[non_exhaustive]
pub struct UnknownProfile(pub String);

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request no vendor rule refuses: the checked value, and the `lint` violations found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Checked<T> {
    /// The checked value.
    pub value: T,
    /// The `lint` violations, in the order found; empty for a clean request.
    pub findings: Vec<Violation>,
}

impl<T> Checked<T> {
    /// A value with its findings.
    pub fn new(value: T, findings: Vec<Violation>) -> Self {
        Self { value, findings }
    }

    /// The value with a function applied, the findings kept.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Checked<U> {
        Checked {
            value: f(self.value),
            findings: self.findings,
        }
    }
}

/// The outcome of a check: `Err` with every violation (vendor and lint, in order) when a
/// vendor rule is broken, `Ok` otherwise. Judge it with [`Profile::judge`].
pub type Checking<T> = Result<Checked<T>, Vec<Violation>>;

/// Every violation an outcome holds, refusing or not.
pub fn violations_of<T>(outcome: &Checking<T>) -> &[Violation] {
    match outcome {
        Ok(checked) => &checked.findings,
        Err(violations) => violations,
    }
}

/// Whether any of `violations` breaks a vendor rule.
pub(crate) fn any_vendor(violations: &[Violation]) -> bool {
    violations
        .iter()
        .any(|v| v.rule.enforcement() == Enforcement::Vendor)
}

/// The conclusion of a check that found `violations`: refused when one breaks a vendor rule,
/// otherwise `value()` with the violations as findings.
pub(crate) fn conclude<T>(violations: Vec<Violation>, value: impl FnOnce() -> T) -> Checking<T> {
    if any_vendor(&violations) {
        Err(violations)
    } else {
        Ok(Checked::new(value(), violations))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lint() -> Violation {
        Violation::body(RuleId::MaterialCertificate, "/certificate", "not X.509")
    }

    fn vendor() -> Violation {
        Violation::body(RuleId::ClassicTypeRequired, "/Type", "Type is required")
    }

    #[test]
    fn a_vendor_violation_refuses_under_both_profiles() {
        let outcome: Checking<()> = conclude(vec![lint(), vendor()], || ());
        assert_eq!(
            Profile::Vendor.judge(outcome.clone()).unwrap_err(),
            [vendor()]
        );
        assert_eq!(
            Profile::Strict.judge(outcome).unwrap_err(),
            [lint(), vendor()]
        );
    }

    #[test]
    fn lint_violations_are_findings_by_default_and_refusals_when_strict() {
        let outcome = conclude(vec![lint()], || 7);
        let checked = Profile::Vendor.judge(outcome.clone()).unwrap();
        assert_eq!((checked.value, checked.findings), (7, vec![lint()]));
        assert_eq!(Profile::Strict.judge(outcome).unwrap_err(), [lint()]);
        let clean = conclude(Vec::new(), || 7);
        assert_eq!(Profile::Strict.judge(clean).unwrap().value, 7);
    }

    #[test]
    fn classes_are_named() {
        assert_eq!(RuleId::MaterialPem.enforcement(), Enforcement::Lint);
        assert_eq!(RuleId::TelnyxPage.enforcement(), Enforcement::Vendor);
        assert_eq!(Enforcement::Lint.to_string(), "lint");
        assert_eq!(Profile::strict_if(true), Profile::Strict);
        assert_eq!(Profile::default().to_string(), "vendor");
    }
}
