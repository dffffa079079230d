/* The visit pages without a connection. Each page with ``#offline-status`` (the calendar, the new-visit form, the
   record form of a planned visit) registers the visits' service worker, which keeps the visit pages seen and
   their files; the calendar asks it to keep the record pages of the person's planned visits too
   (``data-keep``). On a form marked ``data-offline``, when the browser is offline, submitting keeps the form in
   IndexedDB (a new visit under its UUID, a record under its visit) and says so; when the connection returns,
   each kept form is sent to its own address (with the CSRF token) and removed once the server has it. The
   server stores a new visit's UUID once and a record against the visit's version once, so a form sent twice
   is stored once. */
(function () {
  "use strict";
  const status = document.getElementById("offline-status");
  if (!status) return;
  const form = document.querySelector("form[data-offline]");
  const DB = "rownaq-visits";
  const STORE = "outbox";

  function say(text, kind) {
    status.textContent = text;
    status.className = `alert alert-${kind}`;
  }

  // The worker keeps the record pages of the person's planned visits (listed by the calendar) and answers
  // with how many it has; the page says so, and a test waits for it.
  function keepPages(registration) {
    const urls = (status.dataset.keep || "").split(" ").filter(Boolean);
    const shown = document.getElementById("offline-kept");
    if (!urls.length || !registration.active) return;
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => {
      const count = Number(event.data && event.data.kept) || 0;
      if (shown) {
        shown.textContent = `${shown.dataset.text} ${count.toLocaleString("fa-IR")}`;
        shown.classList.remove("d-none");
      }
      status.dataset.kept = String(count);
    };
    registration.active.postMessage({ keep: urls }, [channel.port2]);
  }
  if ("serviceWorker" in navigator && status.dataset.worker) {
    navigator.serviceWorker.register(status.dataset.worker, { scope: status.dataset.scope })
      .then(() => navigator.serviceWorker.ready)
      .then(keepPages)
      .catch(() => {});
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  const keyField = form ? form.elements.namedItem("uuid") : null;
  // A page kept by the service worker would repeat its UUID: every empty new-visit form takes a new one.
  if (keyField && !form.dataset.bound) keyField.value = newKey();

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "uuid" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  function run(mode, work) {
    return openDb().then((db) => new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
    }));
  }
  const keep = (item) => run("readwrite", (store) => store.put(item));
  const kept = () => run("readonly", (store) => store.getAll());
  const forget = (uuid) => run("readwrite", (store) => store.delete(uuid));

  // The CSRF token of now (the cookie), else the page's: a page kept offline may hold an older one.
  function csrfToken() {
    const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    if (cookie) return decodeURIComponent(cookie.slice("csrftoken=".length));
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  let sending = false;
  function sendKept() {
    if (sending) return Promise.resolve();
    sending = true;
    return kept().then((items) => {
      if (!items || !items.length) return;
      if (status.classList.contains("d-none")) {
        say(`${status.dataset.waiting} ${items.length.toLocaleString("fa-IR")}`, "info");
      }
      let sent = 0;
      let refused = 0;
      return items.reduce((chain, item) => chain.then(() => {
        const body = new FormData();
        // The token goes in the header: Django would read a stale one in the body first.
        item.fields.forEach(([name, value]) => { if (name !== "csrfmiddlewaretoken") body.append(name, value); });
        return fetch(item.action, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken() || item.csrf, Accept: "application/json" },
        }).then((response) => {
          // Signed out meanwhile: the answer is the sign-in page (a redirect); the form stays kept.
          if (response.redirected) return undefined;
          if (response.ok) { sent += 1; return forget(item.uuid); }
          if (response.status === 400 || response.status === 404) { refused += 1; return forget(item.uuid); }
          return undefined; // the server could not take it now (403, 5xx): kept for later
        });
      }), Promise.resolve()).then(() => {
        if (refused) say(status.dataset.failed, "danger");
        else if (sent) say(status.dataset.sent, "success");
      });
    }).catch(() => {}).finally(() => { sending = false; });
  }

  if (form) {
    const queueKey = () => form.dataset.queueKey || new FormData(form).get("uuid");

    const keepOffline = () => {
      const data = new FormData(form);
      const fields = [];
      data.forEach((value, name) => {
        if (value instanceof File && !value.name) return;
        fields.push([name, value]);
      });
      return keep({ uuid: queueKey(), fields, action: form.action, csrf: csrfToken(), at: Date.now() }).then(() => {
        say(status.dataset.saved, "info");
        if (keyField) {
          form.reset();
          keyField.value = newKey();
        }
      }).catch(() => say(status.dataset.failed, "danger"));
    };

    // Whether the server answers now: ``navigator.onLine`` only knows of a network, not of a way to the server.
    const reachable = () => {
      if (!navigator.onLine) return Promise.resolve(false);
      return fetch(form.action, { method: "HEAD", cache: "no-store", credentials: "same-origin" })
        .then(() => true, () => false);
    };

    let checked = false;
    form.addEventListener("submit", (event) => {
      if (checked) return; // reachable: the form goes to the server as usual
      event.preventDefault();
      reachable().then((online) => {
        if (!online) return keepOffline();
        checked = true;
        form.requestSubmit ? form.requestSubmit() : form.submit();
        return undefined;
      });
    });
  }

  window.addEventListener("online", () => { sendKept(); });
  window.setInterval(sendKept, 3000); // a failed attempt costs nothing: the forms stay kept
  sendKept();
})();
