// Variorum's only script. Pages work without it; it adds two conveniences:
// - a deep link (#c3) to a change inside a folded run of unchanged paragraphs opens the fold;
// - the compare form refuses, before sending, texts and files larger than the server takes, so that
//   pasted text is never lost to a 413 page.
// It reads no article text and writes no markup (only the text of one error line).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const reveal = () => {
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id && document.getElementById(id);
    if (!target) return;
    for (let fold = target.closest("details"); fold; fold = fold.parentElement.closest("details")) fold.open = true;
    target.scrollIntoView({ block: "center" });
  };
  reveal();
  window.addEventListener("hashchange", reveal);

  const form = document.querySelector("form.compare[data-max-bytes]");
  if (!form) return;
  const limit = Number(form.dataset.maxBytes);
  const message = document.getElementById("too-large");
  form.addEventListener("submit", (event) => {
    let size = 0;
    for (const area of form.querySelectorAll("textarea")) size += new TextEncoder().encode(area.value).length;
    for (const input of form.querySelectorAll("input[type=file]")) for (const file of input.files) size += file.size;
    if (size > limit) {
      event.preventDefault();
      message.textContent = `The two versions are ${size.toLocaleString("en")} bytes, over this server's limit of ${limit.toLocaleString("en")} bytes: shorten them or compare them with the command line (variorum diff).`;
      message.hidden = false;
    } else {
      message.hidden = true;
    }
  });
});
