{% load static %}/* The service worker of the field visits (served at {% url 'monitoring-visit-worker' %}, its scope the visit
   pages): it keeps the visit form and the files it needs, so that the form opens without a connection.
   Pages: the network first, the kept copy when offline. Static files: the kept copy first. */
"use strict";
const CACHE = "rownaq-visits-v1";
const FORM = "{% url 'monitoring-visit-new' %}";
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

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === FORM) {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && !response.redirected) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(FORM, copy));
          }
          return response;
        })
        .catch(() => caches.match(FORM)),
    );
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((kept) => kept || fetch(request)));
  }
});
