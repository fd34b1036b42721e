//! Paging parameters of each API.

use super::{RuleId, Violation};

/// A validated page request. `page` is Twilio's zero-based `Page` or Telnyx's one-based
/// `page[number]`, as the API numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageRequest {
    /// Page index, in the API's own numbering.
    pub page: u32,
    /// Items per page.
    pub size: u32,
}

/// Twilio classic `PageSize` bounds and default: Notify's and Chat's maximum (core's table
/// gives each API its own, [`crate::api::Shape::TwilioClassic`]).
pub const CLASSIC_PAGE_SIZE: (u32, u32, u32) = (1, 1000, 50);
/// Comms `pageSize` bounds and default (decision D5).
pub const COMMS_PAGE_SIZE: (u32, u32, u32) = (1, 100, 50);
/// Telnyx `page[size]` bounds; the default depends on the API.
pub const TELNYX_PAGE_SIZE: (u32, u32) = (1, 250);
/// Telnyx mobile push credentials' default `page[size]`.
pub const TELNYX_PUSH_PAGE_SIZE_DEFAULT: u32 = 20;
/// Telnyx telephony credentials' default `page[size]`.
pub const TELNYX_TELEPHONY_PAGE_SIZE_DEFAULT: u32 = 50;

fn integer(
    rule: RuleId,
    name: &str,
    raw: Option<&str>,
    min: u32,
    max: u32,
    default: u32,
) -> Result<u32, Violation> {
    let Some(raw) = raw else { return Ok(default) };
    match raw.parse::<u32>() {
        Ok(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(Violation::query(
            rule,
            name,
            format!("{name} must be an integer from {min} to {max}, got {raw:?}"),
        )),
    }
}

/// Rules `twilio.classic.page-size` and `twilio.classic.page`, for an API whose largest
/// `PageSize` is `page_size_max` (its [`Shape::TwilioClassic`](crate::api::Shape) row of the
/// table: 1000, or 100 for Conversations v1).
pub fn check_classic_paging(
    page_size: Option<&str>,
    page: Option<&str>,
    page_size_max: u32,
) -> Result<PageRequest, Violation> {
    let (min, _, default) = CLASSIC_PAGE_SIZE;
    let max = page_size_max.max(min);
    let size = integer(
        RuleId::ClassicPageSize,
        "PageSize",
        page_size,
        min,
        max,
        default,
    )?;
    let page = integer(RuleId::ClassicPage, "Page", page, 0, u32::MAX, 0)?;
    Ok(PageRequest { page, size })
}

/// Rule `twilio.comms.page-size`.
pub fn check_comms_page_size(page_size: Option<&str>) -> Result<u32, Violation> {
    let (min, max, default) = COMMS_PAGE_SIZE;
    integer(
        RuleId::CommsPageSize,
        "pageSize",
        page_size,
        min,
        max,
        default,
    )
}

/// Rule `telnyx.page`: `page[number]` ≥ 1 (default 1), `page[size]` 1 to 250 (default
/// `default_size`: [`TELNYX_PUSH_PAGE_SIZE_DEFAULT`] or [`TELNYX_TELEPHONY_PAGE_SIZE_DEFAULT`]).
pub fn check_telnyx_paging(
    number: Option<&str>,
    size: Option<&str>,
    default_size: u32,
) -> Result<PageRequest, Violation> {
    let page = integer(RuleId::TelnyxPage, "page[number]", number, 1, u32::MAX, 1)?;
    let (min, max) = TELNYX_PAGE_SIZE;
    let size = integer(
        RuleId::TelnyxPage,
        "page[size]",
        size,
        min,
        max,
        default_size,
    )?;
    Ok(PageRequest { page, size })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Location;

    #[test]
    fn classic_bounds() {
        assert_eq!(
            check_classic_paging(None, None, 1000).unwrap(),
            PageRequest { page: 0, size: 50 }
        );
        assert_eq!(
            check_classic_paging(Some("1"), Some("0"), 1000)
                .unwrap()
                .size,
            1
        );
        assert_eq!(
            check_classic_paging(Some("1000"), None, 1000).unwrap().size,
            1000
        );
        for bad in ["0", "1001", "-1", "ten", "", "1.5"] {
            let err = check_classic_paging(Some(bad), None, 1000).unwrap_err();
            assert_eq!(
                (err.rule, err.location, err.path.as_str()),
                (RuleId::ClassicPageSize, Location::Query, "PageSize"),
                "{bad}"
            );
        }
        assert_eq!(
            check_classic_paging(None, Some("-1"), 1000)
                .unwrap_err()
                .rule,
            RuleId::ClassicPage
        );
        // Conversations v1: at most 100.
        assert_eq!(
            check_classic_paging(Some("100"), None, 100).unwrap().size,
            100
        );
        assert_eq!(
            check_classic_paging(Some("101"), None, 100)
                .unwrap_err()
                .rule,
            RuleId::ClassicPageSize
        );
    }

    #[test]
    fn comms_bounds() {
        assert_eq!(check_comms_page_size(None).unwrap(), 50);
        assert_eq!(check_comms_page_size(Some("100")).unwrap(), 100);
        assert_eq!(
            check_comms_page_size(Some("101")).unwrap_err().rule,
            RuleId::CommsPageSize
        );
    }

    #[test]
    fn telnyx_bounds_and_defaults() {
        assert_eq!(
            check_telnyx_paging(None, None, TELNYX_PUSH_PAGE_SIZE_DEFAULT).unwrap(),
            PageRequest { page: 1, size: 20 }
        );
        assert_eq!(
            check_telnyx_paging(None, None, TELNYX_TELEPHONY_PAGE_SIZE_DEFAULT)
                .unwrap()
                .size,
            50
        );
        assert_eq!(
            check_telnyx_paging(Some("3"), Some("250"), 20).unwrap(),
            PageRequest { page: 3, size: 250 }
        );
        assert_eq!(
            check_telnyx_paging(Some("0"), None, 20).unwrap_err().path,
            "page[number]"
        );
        assert_eq!(
            check_telnyx_paging(None, Some("251"), 20).unwrap_err().path,
            "page[size]"
        );
        assert_eq!(
            check_telnyx_paging(None, Some("0"), 20).unwrap_err().rule,
            RuleId::TelnyxPage
        );
    }
}
