// Small behaviours of every page, here and not inline: the Content-Security-Policy refuses inline scripts,
// event-handler attributes and style attributes.
(function () {
  "use strict";
  // <select data-autosubmit>: choosing an option submits its form.
  document.addEventListener("change", function (event) {
    const field = event.target;
    if (field instanceof HTMLElement && field.hasAttribute("data-autosubmit") && field.form) field.form.submit();
  });
  // <div class="progress-bar" data-progress="40">: the bar's width, also in content htmx swaps in.
  function showProgress(root) {
    const bars = root.querySelectorAll ? root.querySelectorAll("[data-progress]") : [];
    bars.forEach(function (bar) { bar.style.width = Number(bar.dataset.progress || 0) + "%"; });
  }
  if (window.htmx) window.htmx.onLoad(showProgress);
  else document.addEventListener("DOMContentLoaded", function () { showProgress(document); });
})();
