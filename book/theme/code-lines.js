// Each line of a code block in an element of its own, so that a line too long for its box wraps
// under its own indentation: the rest of `        let connection = …` goes 4 characters deeper
// than `let`, not back to the block's left edge (which is all CSS alone can do, with
// `text-indent: hanging each-line`, the fallback in code.css when scripts are off).
//
// The highlighting (mdBook's book.js, which runs before this) has already wrapped words in
// `<span class="hljs-…">`, and a span may run over several lines (a long comment). A `Range`
// from the start of a line to its end clones the line's part of every span it crosses, so each
// line keeps its colours. The line breaks stay as text between the lines, so the block's text,
// which the copy button copies, is still the real lines, character for character.
(function () {
    "use strict";
    // The part of the block `range` covers, inside copies of the elements around it up to `code`
    // (a range within one span clones its text alone, without the span and its colour).
    function withAncestors(range, code) {
        let piece = range.cloneContents();
        let around = range.commonAncestorContainer;
        if (around.nodeType !== Node.ELEMENT_NODE) {
            around = around.parentNode;
        }
        for (; around !== code; around = around.parentNode) {
            const copy = around.cloneNode(false);
            copy.append(piece);
            piece = copy;
        }
        return piece;
    }

    for (const code of document.querySelectorAll(".content pre > code")) {
        // Where each text node starts, in the block's text.
        const nodes = [];
        let length = 0;
        const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            nodes.push({ node, start: length });
            length += node.data.length;
        }
        if (nodes.length === 0) {
            continue;
        }
        // The node and offset of a position in the text (positions only grow, so the search
        // goes on from where it stopped).
        let current = 0;
        const at = (position) => {
            while (current + 1 < nodes.length && nodes[current + 1].start <= position) {
                current += 1;
            }
            return [nodes[current].node, position - nodes[current].start];
        };

        const text = code.textContent;
        const range = document.createRange();
        const pieces = [];
        let start = 0;
        while (start <= text.length) {
            const newline = text.indexOf("\n", start);
            const end = newline === -1 ? text.length : newline;
            if (newline === -1 && start === end && pieces.length > 0) {
                break; // the text ended with its last line's line break
            }
            range.setStart(...at(start));
            range.setEnd(...at(end));
            const line = document.createElement("span");
            line.className = "code-line";
            line.style.setProperty("--indent", text.slice(start, end).search(/[^ ]|$/));
            line.append(withAncestors(range, code));
            pieces.push(line);
            if (newline === -1) {
                break;
            }
            pieces.push("\n");
            start = newline + 1;
        }
        code.replaceChildren(...pieces);
    }
})();
