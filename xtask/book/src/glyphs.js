// Added by `workbook-book check` to a throwaway copy of each page (never to the book itself):
// finds the characters of the page that no installed font can draw, and writes them into the
// document, where the checker reads them from Chromium's `--dump-dom` output.
//
// How it tells: a character that no font has is drawn as the font's "missing glyph" (.notdef: a
// box, "tofu", or nothing at all), the same picture for every such character. So, for each font
// the page's text is set in, we draw each of its characters on a canvas, and also a code point
// that no font has (U+0378, which Unicode leaves unassigned): a character whose picture is the
// same as that one's has no glyph. The canvas picks fonts like the page does (the same
// font-family list, the same fallback to the system's fonts), and the pictures are compared
// pixel by pixel, so it does not matter what the missing glyph looks like.
(function () {
    "use strict";
    const SIZE = 40;
    const NO_GLYPH = "\u0378";
    // Characters that draw nothing even when present (spaces, controls) are not checked.
    const VISIBLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;

    function report(lines) {
        const out = document.createElement("pre");
        out.id = "workbook-glyph-check";
        out.textContent = lines.join("\n");
        document.body.appendChild(out);
    }

    // Each font the page uses (as CSS `font`), with the characters set in it.
    function charactersByFont() {
        const fonts = new Map();
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const element = node.parentElement;
            if (!element || element.closest("script, style, noscript, template")) {
                continue;
            }
            const style = getComputedStyle(element);
            const font = `${style.fontStyle} ${style.fontWeight} ${SIZE / 2}px ${style.fontFamily}`;
            if (!fonts.has(font)) {
                fonts.set(font, new Set());
            }
            for (const character of node.data) {
                if (VISIBLE.test(character)) {
                    fonts.get(font).add(character);
                }
            }
        }
        return fonts;
    }

    function check() {
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = SIZE;
        const context = canvas.getContext("2d", { willReadFrequently: true });
        const picture = (font, character) => {
            context.clearRect(0, 0, SIZE, SIZE);
            context.font = font;
            context.textBaseline = "middle";
            context.fillText(character, SIZE / 4, SIZE / 2);
            return context.getImageData(0, 0, SIZE, SIZE).data;
        };
        const same = (a, b) => a.every((value, index) => value === b[index]);

        let checked = 0;
        const missing = [];
        for (const [font, characters] of charactersByFont()) {
            const noGlyph = picture(font, NO_GLYPH);
            for (const character of characters) {
                checked += 1;
                if (same(picture(font, character), noGlyph)) {
                    const code = character.codePointAt(0).toString(16).toUpperCase();
                    missing.push(`U+${code.padStart(4, "0")} ${character} in ${font}`);
                }
            }
        }
        report([`checked ${checked} characters`, ...missing]);
    }

    // After the page's own scripts, and once its web fonts are loaded.
    window.addEventListener("load", () => document.fonts.ready.then(check));
})();
