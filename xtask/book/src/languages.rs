//! The languages the book is published in, and where each one goes in the site.
//!
//! The book is written in English (`book/src`); each translation is a gettext catalog,
//! `book/po/<code>.po`, that [`crate::translations`] applies to the English chapters at build
//! time. In the built site English is at the root (`book/build/`) and each translation in a
//! folder named after its code (`book/build/ko/`), so a page's address in another language is
//! found by swapping that one folder, which is what the language switch
//! (`book/theme/language-switch.js`) does.

/// The language the book is written in.
pub const ENGLISH: &str = "en";

/// The translations, by their language code (BCP 47, as in `<html lang>`). Adding one means a
/// catalog `book/po/<code>.po` (`cargo xtask pot` creates it), an entry here, and its name in
/// the language switch's list.
pub const TRANSLATIONS: [&str; 1] = ["ko"];

/// Every language, English first: the order they are built in. English goes first because
/// mdBook empties its output folder, the site's root, before writing to it.
pub fn all() -> Vec<&'static str> {
    let mut all = vec![ENGLISH];
    all.extend(TRANSLATIONS);
    all
}

/// The language called `code`, or an error that lists the ones there are.
pub fn parse(code: &str) -> Result<&'static str, String> {
    all()
        .into_iter()
        .find(|known| *known == code)
        .ok_or_else(|| {
            format!(
                "the book has no `{code}` edition; the languages are: {}",
                all().join(", ")
            )
        })
}

/// The language's folder within the site: `""` for English, at the root, else its code.
pub fn site_folder(code: &str) -> &str {
    if code == ENGLISH {
        ""
    } else {
        code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_is_at_the_root_and_built_first() {
        assert_eq!(all(), ["en", "ko"]);
        assert_eq!(site_folder("en"), "");
        assert_eq!(site_folder("ko"), "ko");
        assert_eq!(parse("ko"), Ok("ko"));
        assert_eq!(
            parse("fr").unwrap_err(),
            "the book has no `fr` edition; the languages are: en, ko"
        );
    }
}
