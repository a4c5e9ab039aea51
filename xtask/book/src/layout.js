// Added by `workbook-book check` to each page while Chromium opens it (never to the book
// itself): measures what a reader at this window's width would have to scroll sideways to see,
// and writes it into the document, where the checker reads it from Chromium's `--dump-dom`.
//
// Lines of the report, one fact each:
//   code <blocks>             how many code blocks the page has
//   wider <text>              the first characters of each block wider than its box (its text
//                             runs past it: the reader must scroll), to find it by
//   page <width> <window>     how wide the page's content is, and the window
//   switch <address>          where the language switch leads, if the page has one
//   diagram <shown> <drawn> <opens> <address>
//                             each SVG picture: the width it is shown at and the width it was
//                             drawn for, in CSS pixels, and whether tapping it opens the
//                             drawing at that size (1: a link to its own file, 0: none)
(function () {
    "use strict";
    // A block is wider than its box when its content is; a pixel of rounding is not a scroll bar.
    const scrolls = (element) => element.scrollWidth > element.clientWidth + 1;

    function measure() {
        const lines = [];
        const blocks = [...document.querySelectorAll(".content pre > code")];
        const wider = blocks.filter((code) => scrolls(code) || scrolls(code.parentElement));
        lines.push(`code ${blocks.length}`);
        for (const code of wider) {
            lines.push(`wider ${code.textContent.trim().split("\n")[0].slice(0, 60)}`);
        }
        lines.push(`page ${document.documentElement.scrollWidth} ${window.innerWidth}`);
        const languageSwitch = document.querySelector("a.language-switch");
        if (languageSwitch) {
            lines.push(`switch ${languageSwitch.href}`);
        }
        for (const image of document.querySelectorAll(".content img[src$='.svg']")) {
            const link = image.closest("a");
            const opens = link !== null && link.href === image.src ? 1 : 0;
            lines.push(`diagram ${image.width} ${image.naturalWidth} ${opens} ${image.src}`);
        }
        const out = document.createElement("pre");
        out.id = "workbook-layout-check";
        out.textContent = lines.join("\n");
        document.body.appendChild(out);
        // In a phone-sized frame (headless Chromium's window is never narrower than 500 px), the
        // report goes to the page around the frame, the one whose document Chromium prints.
        if (window.parent !== window) {
            window.parent.postMessage(out.textContent, "*");
        }
    }

    // After the page's own scripts (the code's highlighting), and once its web fonts are loaded.
    window.addEventListener("load", () => document.fonts.ready.then(measure));
})();
