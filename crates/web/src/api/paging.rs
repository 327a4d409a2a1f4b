//! One convention for every list of the API: `page` and `per_page` in the query, within
//! documented bounds (a request beyond them is refused, not quietly clamped), and the answer
//! `{items, total, page, per_page}`.

use crate::error::ApiError;
use devzone_core::validate::FieldError;
use devzone_db::repo::{MAX_PAGE, MAX_PER_PAGE, Page};
use serde::Deserialize;
use utoipa::IntoParams;

/// Rows per page when the request names none.
pub const DEFAULT_PER_PAGE: u64 = 50;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u64>,
    /// Rows per page (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
}

impl Paging {
    /// The page and page size asked for, or every value out of bounds refused as
    /// `number.out_of_range` on its parameter.
    pub fn checked(&self) -> Result<(u64, u64), ApiError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        let mut errs = Vec::new();
        if !(1..=MAX_PAGE).contains(&page) {
            errs.push(FieldError::new(
                "page",
                "number.out_of_range",
                page.to_string(),
            ));
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            errs.push(FieldError::new(
                "per_page",
                "number.out_of_range",
                per_page.to_string(),
            ));
        }
        if errs.is_empty() {
            Ok((page, per_page))
        } else {
            Err(ApiError::invalid(errs))
        }
    }

    /// A page of a list already in memory (one zone's parks, schemes, chains…: short lists
    /// computed from configuration, not tables that grow with the zone).
    pub fn slice<T>(&self, all: Vec<T>) -> Result<Page<T>, ApiError> {
        let (page, per_page) = self.checked()?;
        let total = all.len() as u64;
        let items = all
            .into_iter()
            .skip(((page - 1) * per_page) as usize)
            .take(per_page as usize)
            .collect();
        Ok(Page {
            items,
            total,
            page,
            per_page,
        })
    }
}

/// Declares the answer of a list: `{items, total, page, per_page}` of one item type, built
/// from a repository page whose rows convert into the items.
macro_rules! list_of {
    ($(#[$doc:meta])* $name:ident, $item:ty) => {
        $(#[$doc])*
        #[derive(serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            pub total: u64,
            pub page: u64,
            pub per_page: u64,
        }

        impl<M> From<devzone_db::repo::Page<M>> for $name
        where
            $item: From<M>,
        {
            fn from(p: devzone_db::repo::Page<M>) -> Self {
                $name {
                    items: p.items.into_iter().map(<$item>::from).collect(),
                    total: p.total,
                    page: p.page,
                    per_page: p.per_page,
                }
            }
        }
    };
}
pub(crate) use list_of;
