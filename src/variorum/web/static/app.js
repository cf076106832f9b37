// Variorum's only script: switch a comparison between side-by-side and inline views, and show the view
// holding the target of a deep link. Without it both views show, one after the other. It reads no
// article text and writes no markup.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const tabs = Array.from(document.querySelectorAll("nav.views .view-tab"));
  if (!tabs.length) return;
  const show = (name) => {
    for (const tab of tabs) {
      const on = tab.dataset.view === name;
      tab.setAttribute("aria-current", String(on));
      document.getElementById(tab.dataset.view).hidden = !on;
    }
  };
  const reveal = () => {
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id && document.getElementById(id);
    const view = target && target.closest(".view");
    if (view && view.hidden) show(view.id);
    if (target) target.scrollIntoView({ block: "center" });
  };
  for (const tab of tabs) {
    tab.addEventListener("click", (event) => {
      event.preventDefault();
      show(tab.dataset.view);
    });
  }
  show("side");
  reveal();
  window.addEventListener("hashchange", reveal);
});
