{% load static %}/* The service worker of the field visits (served at {% url 'monitoring-visit-worker' %}, its scope the visit
   pages): it keeps the visit pages seen (the calendar, the new-visit form, a visit's page and its record form)
   and the files they need, so that they open without a connection; the calendar asks it (a message
   ``{keep: [urls]}``) to keep the record forms of the person's planned visits, so that a planned visit is
   recorded offline. Pages: the network first, the kept copy when offline. Static files: the kept copy first. */
"use strict";
const CACHE = "rownaq-visits-v2";
const FORM = "{% url 'monitoring-visit-new' %}";
const CALENDAR = "{% url 'monitoring-visit-calendar' %}";
// The calendar, a visit's page and its record form (``/monitoring/visits/12/`` and ``…/12/record/``).
const PAGE = new RegExp(`^${CALENDAR}(\\d+/(record/)?)?$`);
const ASSETS = [
  "{% static 'vendor/bootstrap/bootstrap.rtl.min.css' %}",
  "{% static 'rownaq/site.css' %}",
  "{% static 'vendor/bootstrap/bootstrap.bundle.min.js' %}",
  "{% static 'vendor/htmx/htmx.min.js' %}",
  "{% static 'rownaq/site.js' %}",
  "{% static 'monitoring/visits.js' %}",
  "{% static 'rownaq/favicon.svg' %}",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      Promise.all([cache.addAll(ASSETS), cache.add(new Request(FORM, { credentials: "same-origin" }))]),
    ).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("rownaq-visits-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

// A page answered by the server (not a redirect to the sign-in page, not an error) is kept.
function keepAnswer(key, response) {
  if (!response.ok || response.redirected) return Promise.resolve(false);
  const copy = response.clone();
  return caches.open(CACHE).then((cache) => cache.put(key, copy)).then(() => true);
}

function networkFirst(event, key) {
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        event.waitUntil(keepAnswer(key, response));
        return response;
      })
      .catch(() => caches.match(key).then((kept) => kept || Response.error())),
  );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === FORM) {
    networkFirst(event, FORM);
    return;
  }
  if (PAGE.test(url.pathname) && request.mode === "navigate") {
    networkFirst(event, url.pathname + url.search);
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((kept) => kept || fetch(request)));
  }
});

// ``{keep: [urls]}`` from the calendar: fetch and keep those pages (the record forms of the person's planned
// visits); the answer on the message's port is how many are kept.
self.addEventListener("message", (event) => {
  const urls = (event.data && Array.isArray(event.data.keep) ? event.data.keep : [])
    .map((u) => new URL(u, self.location.origin))
    .filter((u) => u.origin === self.location.origin && PAGE.test(u.pathname))
    .slice(0, 50);
  const port = event.ports && event.ports[0];
  event.waitUntil(
    Promise.all(urls.map((u) => fetch(u.pathname, { credentials: "same-origin" })
      .then((response) => keepAnswer(u.pathname, response), () => false)))
      .then((done) => { if (port) port.postMessage({ kept: done.filter(Boolean).length }); }),
  );
});
