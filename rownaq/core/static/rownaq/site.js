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

  // <select data-sector-search="/sectors/search/">: a search box over the select of ISIC classes, asking the
  // server for classes by Persian or English words or by code; a result picked selects its option. Without
  // JavaScript the plain select stays. The visit form's unit select uses it too (units by name or national ID);
  // when the server cannot be reached, the select's own options are searched.
  function sectorSearch(select) {
    if (select.dataset.searchReady) return;
    select.dataset.searchReady = "1";
    const box = document.createElement("div");
    box.className = "sector-search mb-1";
    const input = document.createElement("input");
    input.type = "search";
    input.className = "form-control form-control-sm sector-search-input";
    input.setAttribute("autocomplete", "off");
    input.setAttribute("aria-label", select.dataset.searchLabel || "");
    input.placeholder = select.dataset.searchPlaceholder || "";
    input.title = select.dataset.searchLabel || "";
    const list = document.createElement("div");
    list.className = "list-group sector-search-results";
    box.append(input, list);
    select.before(box);
    let timer = 0;
    let asked = 0;
    function pick(id) {
      const option = Array.from(select.options).find(function (o) { return o.value === String(id); });
      if (!option) return;
      option.selected = true;
      if (!select.multiple) select.value = option.value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      list.replaceChildren();
      input.value = "";
      select.focus();
    }
    function show(results) {
      list.replaceChildren();
      if (!results.length) {
        const none = document.createElement("div");
        none.className = "list-group-item text-body-secondary small";
        none.textContent = select.dataset.searchEmpty || "";
        list.append(none);
        return;
      }
      results.forEach(function (item) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "list-group-item list-group-item-action small sector-search-result";
        button.dataset.id = item.id;
        button.textContent = item.label;
        button.addEventListener("click", function () { pick(item.id); });
        list.append(button);
      });
    }
    function ask() {
      const query = input.value.trim();
      const mine = ++asked;
      if (!query) { list.replaceChildren(); return; }
      const url = select.dataset.sectorSearch + "?q=" + encodeURIComponent(query);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (mine === asked) show(data.results || []); })
        .catch(function () { if (mine === asked) show(localResults(query)); });
    }
    // Without a connection (a visit form kept offline): the select's own options whose text has the words.
    function plain(text) {
      return text.toLowerCase().replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[Number(d)]; })
        .replace(/ي/g, "ی").replace(/ك/g, "ک");
    }
    function localResults(query) {
      const words = plain(query).split(/\s+/).filter(Boolean);
      return Array.from(select.options)
        .filter(function (o) { return o.value && words.every(function (w) { return plain(o.text).includes(w); }); })
        .slice(0, 12)
        .map(function (o) { return { id: o.value, label: o.text }; });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 200); });
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault();  // Enter here picks the first result rather than sending the form
      const first = list.querySelector(".sector-search-result");
      if (first) pick(first.dataset.id);
    });
  }
  function sectorSearches(root) {
    const selects = root.querySelectorAll ? root.querySelectorAll("select[data-sector-search]") : [];
    selects.forEach(sectorSearch);
  }
  if (window.htmx) window.htmx.onLoad(sectorSearches);
  else document.addEventListener("DOMContentLoaded", function () { sectorSearches(document); });

  // <input type=file>: the browser writes «Choose file / No file chosen» in its own language; a Persian
  // button (the input's label) and the chosen files' names instead. The input stays, hidden but focusable.
  let pickers = 0;
  function filePicker(input) {
    if (input.dataset.pickerReady) return;
    input.dataset.pickerReady = "1";
    if (!input.id) input.id = "file-picker-" + (++pickers);
    const texts = document.body.dataset;
    const wrap = document.createElement("div");
    wrap.className = "input-group file-picker";
    const button = document.createElement("label");
    button.className = "btn btn-outline-secondary file-picker-button";
    button.htmlFor = input.id;
    button.textContent = texts.fileChoose || "";
    const names = document.createElement("span");
    names.className = "form-control file-picker-names text-truncate";
    function showNames() {
      const chosen = Array.from(input.files || []).map(function (file) { return file.name; });
      names.textContent = chosen.length ? chosen.join("، ") : (texts.fileNone || "");
      names.classList.toggle("text-body-secondary", !chosen.length);
    }
    input.before(wrap);
    wrap.append(input, button, names);
    input.classList.add("file-picker-input");
    input.addEventListener("change", showNames);
    showNames();
  }
  function filePickers(root) {
    const inputs = root.querySelectorAll ? root.querySelectorAll("input[type=file]") : [];
    inputs.forEach(filePicker);
  }
  if (window.htmx) window.htmx.onLoad(filePickers);
  else document.addEventListener("DOMContentLoaded", function () { filePickers(document); });
})();
