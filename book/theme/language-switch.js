// The language switch: a link in the menu bar to this page in the book's other language(s).
//
// `cargo xtask book --all` builds one site with English at its root and each translation in a
// folder named after its language (`ko/`), with the same page names in each. So this page in
// another language is the same path under another folder. mdBook tells each page where its own
// book's root is (`path_to_root`, like "" or "../"), and `<html lang>` says which language the
// page is in. A plain link: it works without further script, by keyboard, and in a screen reader,
// which reads its text in its own language (`lang`).
(function () {
    "use strict";
    // Each language's name in that language, as readers look for it. English comes first.
    const LANGUAGES = [
        ["en", "English"],
        ["ko", "한국어"],
    ];
    const buttons = document.querySelector("#mdbook-menu-bar .right-buttons");
    // The 404 page's `path_to_root` is the site's address, not a relative path; it has no
    // counterpart to link to.
    if (!buttons || path_to_root.startsWith("/")) {
        return;
    }
    const here = document.documentElement.lang;
    // This page's path within its language's book: as many trailing segments of the URL as
    // `path_to_root` climbs folders, and the file name.
    const depth = path_to_root.split("/").length - 1;
    const segments = window.location.pathname.split("/");
    let page = segments.slice(segments.length - 1 - depth).join("/");
    if (page === "" || page.endsWith("/")) {
        page += "index.html";
    }
    // The site's root, from this page.
    const site = here === "en" ? path_to_root : path_to_root + "../";
    const links = [];
    for (const [code, name] of LANGUAGES.slice().reverse()) {
        if (code === here) {
            continue;
        }
        const link = document.createElement("a");
        link.className = "language-switch";
        link.dataset.page = site + (code === "en" ? "" : code + "/") + page;
        link.href = link.dataset.page;
        link.hreflang = code;
        link.lang = code;
        link.textContent = name;
        buttons.prepend(link);
        links.push(link);
    }

    // The switch leads to the section the reader is in, not to the top of the page: a
    // translation keeps the English ids of its headings, so `#section` is the same section in
    // every language. The section is the one the address names while its heading is in the
    // window (a link to a section at the end of a page cannot scroll it to the top), else the
    // last heading that has scrolled into the top third of the window, or the page's start.
    const headings = document.querySelectorAll(
        "main h1[id], main h2[id], main h3[id], main h4[id], main h5[id], main h6[id]",
    );
    const inWindow = (element) => {
        const top = element.getBoundingClientRect().top;
        return top >= 0 && top < window.innerHeight;
    };
    function followSection() {
        const named = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
        if (named && inWindow(named)) {
            for (const link of links) {
                link.href = link.dataset.page + "#" + named.id;
            }
            return;
        }
        let section = "";
        for (const heading of headings) {
            if (heading.getBoundingClientRect().top > window.innerHeight / 3) {
                break;
            }
            section = "#" + heading.id;
        }
        for (const link of links) {
            link.href = link.dataset.page + section;
        }
    }
    // At most once a frame, however fast the reader scrolls.
    let pending = false;
    function onScroll() {
        if (!pending) {
            pending = true;
            window.requestAnimationFrame(() => {
                pending = false;
                followSection();
            });
        }
    }
    window.addEventListener("scroll", onScroll, { passive: true });
    window.addEventListener("hashchange", followSection);
    window.addEventListener("load", followSection);
})();
