/* The visit form without a connection. The page registers the visits' service worker (which keeps the form
   and its files); each form gets a fresh UUID; when the browser is offline, submitting keeps the visit in
   IndexedDB (with its UUID and photos) and says so; when the connection returns, each kept visit is sent
   (with the CSRF token) and removed once the server has it. The server stores a UUID once, so a visit sent
   twice is stored once. */
(function () {
  "use strict";
  const form = document.getElementById("visit-form");
  const status = document.getElementById("offline-status");
  if (!form || !status) return;
  const DB = "rownaq-visits";
  const STORE = "outbox";

  if ("serviceWorker" in navigator && form.dataset.worker) {
    navigator.serviceWorker.register(form.dataset.worker, { scope: form.dataset.scope }).catch(() => {});
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  const keyField = form.elements.namedItem("uuid");
  // A page kept by the service worker would repeat its UUID: every empty form takes a new one.
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

  function say(text, kind) {
    status.textContent = text;
    status.className = `alert alert-${kind}`;
  }

  // The CSRF token of now (the cookie), else the form's: a page kept offline may hold an older one.
  function csrfToken() {
    const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    if (cookie) return decodeURIComponent(cookie.slice("csrftoken=".length));
    const field = form.elements.namedItem("csrfmiddlewaretoken");
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
          if (response.ok) { sent += 1; return forget(item.uuid); }
          if (response.status === 400) { refused += 1; return forget(item.uuid); }
          return undefined; // the server could not take it now (403 after a sign-out, 5xx): kept for later
        });
      }), Promise.resolve()).then(() => {
        if (refused) say(status.dataset.failed, "danger");
        else if (sent) say(status.dataset.sent, "success");
      });
    }).catch(() => {}).finally(() => { sending = false; });
  }

  function keepOffline() {
    const data = new FormData(form);
    const fields = [];
    data.forEach((value, name) => {
      if (value instanceof File && !value.name) return;
      fields.push([name, value]);
    });
    const uuid = data.get("uuid");
    return keep({ uuid, fields, action: form.action, csrf: csrfToken(), at: Date.now() }).then(() => {
      say(status.dataset.saved, "info");
      form.reset();
      if (keyField) keyField.value = newKey();
    }).catch(() => say(status.dataset.failed, "danger"));
  }

  // Whether the server answers now: ``navigator.onLine`` only knows of a network, not of a way to the server.
  function reachable() {
    if (!navigator.onLine) return Promise.resolve(false);
    return fetch(form.action, { method: "HEAD", cache: "no-store", credentials: "same-origin" })
      .then(() => true, () => false);
  }

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

  window.addEventListener("online", () => { sendKept(); });
  window.setInterval(sendKept, 3000); // a failed attempt costs nothing: the visits stay kept
  sendKept();
})();
