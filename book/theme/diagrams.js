// Each diagram opens at its full size when tapped or clicked. A page shows a drawing as wide as
// the text column: on a phone (390 px) a 760 px drawing shrinks to half its size and its 12 px
// labels to about 5 px, too small to read, and an image in a page cannot be zoomed on its own.
// Opened alone, the SVG file is drawn at the size it was drawn for, and the phone's own zoom
// and scrolling work on it; the browser's Back button returns to the page.
//
// Every picture is in Markdown as `![…](images/x.svg)`; the link is added here rather than in
// each chapter (`[![…](…)](…)`), so that chapters stay plain and no picture can be forgotten.
// `cargo xtask book --check` checks, at 390 px, that every diagram drawn smaller than its size
// has this link (`xtask/book/src/layout.js`).
(function () {
    "use strict";
    for (const image of document.querySelectorAll(".content img[src$='.svg']")) {
        if (image.closest("a")) {
            continue;
        }
        const link = document.createElement("a");
        link.className = "diagram-full-size";
        link.href = image.getAttribute("src");
        image.replaceWith(link);
        link.append(image);
    }
})();
