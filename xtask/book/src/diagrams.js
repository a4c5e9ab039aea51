// Part of the page `workbook-book check` writes to check the book's diagrams (`diagrams.rs`):
// each diagram is drawn in a frame of its own, as the reader's browser draws it for an `<img>`
// (the same fonts: the system's, as the diagram names them), and every piece of its text is
// measured against the drawing's edges. A label's width depends on the font the reader has, so
// only a browser can tell whether it fits.
//
// Report lines, one per label that runs past an edge of its drawing:
//   <file> <px past the edge>px: <the label's text>
(function () {
    "use strict";
    // Less than a pixel past the edge is antialiasing, not a cut letter.
    const TOLERANCE = 1;

    function measure() {
        const lines = [];
        for (const frame of document.querySelectorAll("iframe[data-file]")) {
            const svg = frame.contentDocument.querySelector("svg");
            if (!svg) {
                lines.push(`${frame.dataset.file} 0px: not an SVG drawing`);
                continue;
            }
            const drawing = svg.getBoundingClientRect();
            for (const text of svg.querySelectorAll("text")) {
                const label = text.getBoundingClientRect();
                const past = Math.max(
                    drawing.left - label.left,
                    label.right - drawing.right,
                    drawing.top - label.top,
                    label.bottom - drawing.bottom,
                );
                if (past > TOLERANCE) {
                    lines.push(`${frame.dataset.file} ${Math.ceil(past)}px: ${text.textContent.trim()}`);
                }
            }
        }
        const out = document.createElement("pre");
        out.id = "workbook-diagram-check";
        out.textContent = lines.join("\n");
        document.body.appendChild(out);
    }

    window.addEventListener("load", () => document.fonts.ready.then(measure));
})();
