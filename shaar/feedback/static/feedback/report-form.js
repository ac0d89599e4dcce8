// The report form as a PWA: every submission is first kept in IndexedDB (with its photos)
// under an Idempotency-Key, then sent; without network it waits and is sent when the
// connection returns (the "online" event, page load, or the service worker's sync).
// The server keeps keys for 24 hours, so a retry never creates a second report.
(function () {
  "use strict";
  var form = document.querySelector("[data-report-form]");
  var texts = JSON.parse((document.getElementById("outbox-text") || {textContent: "{}"}).textContent);
  var DB = "shaar-feedback", STORE = "outbox";

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, {keyPath: "key"}); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var result = fn(t.objectStore(STORE));
        t.oncomplete = function () { resolve(result && result.result !== undefined ? result.result : result); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  function saveDraft(draft) { return tx("readwrite", function (s) { return s.put(draft); }); }
  function deleteDraft(key) { return tx("readwrite", function (s) { return s.delete(key); }); }
  function allDrafts() { return tx("readonly", function (s) { return s.getAll(); }); }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "k" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function csrfToken() {
    // The cookie first: a form page opened offline comes from the service worker's
    // cache, and its token may predate the last sign-in.
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function status(text) {
    var box = document.getElementById("outbox");
    if (!box) return;
    box.hidden = !text;
    box.querySelector("[data-outbox-text]").textContent = text || "";
  }

  function draftFromForm() {
    var fields = {}, answers = {}, files = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;
      if (name === "photos") { if (value && value.size) files.push(value); return; }
      if (name.indexOf("q_") === 0) {
        var code = name.slice(2);
        var multiple = form.querySelectorAll("[name='" + name + "'][type=checkbox]").length > 0;
        if (multiple) { (answers[code] = answers[code] || []).push(value); } else if (value !== "") { answers[code] = value; }
        return;
      }
      fields[name] = value;
    });
    fields.answers = JSON.stringify(answers);
    fields.channel = "web";
    return {key: form.dataset.draftKey, url: form.dataset.submitUrl, fields: fields, files: files,
            savedAt: new Date().toISOString()};
  }

  function send(draft) {
    var body = new FormData();
    Object.keys(draft.fields).forEach(function (name) { body.append(name, draft.fields[name]); });
    draft.files.forEach(function (file, i) { body.append("photos", file, file.name || ("photo" + i + ".jpg")); });
    return fetch(draft.url, {method: "POST", body: body, credentials: "same-origin",
      headers: {"Idempotency-Key": draft.key, "X-CSRFToken": csrfToken(), "Accept": "application/json"}})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return {status: response.status, data: data};
        });
      });
  }

  // The API answers in the language of the request's cookie or browser; the follow page
  // opens in the language of the page the resident is using now (the first path segment).
  function inPageLanguage(path) {
    return path.replace(/^\/[a-z]{2}\//, "/" + document.documentElement.lang + "/");
  }

  // Errors beside the fields they are about, the map included; focus moves to the first.
  function clearErrors() {
    form.querySelectorAll("[data-client-error]").forEach(function (el) { el.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) {
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
    });
    form.querySelectorAll(".field-error").forEach(function (el) { el.classList.remove("field-error"); });
  }
  function showErrors(errors) {
    clearErrors();
    var marked = [];
    Object.keys(errors).forEach(function (name) {
      var pin = name === "lat" || name === "lon";
      if (name === "lon" && errors.lat) return;
      var input = pin ? form.querySelector("[data-pick-map]")
        : form.querySelector("[name='" + name + "'], [name='q_" + name + "']");
      var note = document.createElement("p");
      note.className = "errorlist";
      note.id = "error-" + name;
      note.setAttribute("data-client-error", "");
      note.textContent = pin ? (texts.pin || errors[name].join(" ")) : errors[name].join(" ");
      if (!input) {
        form.insertBefore(note, form.firstChild);
        marked.push(note);
        return;
      }
      var box = input.closest(".field") || input.closest("fieldset") || input.parentNode;
      var label = box.querySelector("label, legend");
      if (!pin && label && label.parentNode === box) { label.after(note); } else { input.before(note); }
      box.classList.add("field-error");
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", note.id);
      marked.push(input);
    });
    marked.sort(function (a, b) { return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1; });
    if (marked.length) {
      if (!marked[0].matches("input, select, textarea, [tabindex]")) marked[0].setAttribute("tabindex", "-1");
      marked[0].focus();
      marked[0].scrollIntoView({block: "center"});
    }
  }

  var flushing = false;
  function flush() {
    if (flushing || !navigator.onLine) return Promise.resolve();
    flushing = true;
    return allDrafts().then(function (drafts) {
      return drafts.reduce(function (chain, draft) {
        return chain.then(function () {
          return send(draft).then(function (result) {
            if (result.status === 201) {
              return deleteDraft(draft.key).then(function () {
                if (form && draft.key === form.dataset.draftKey) {
                  window.location.assign(inPageLanguage(result.data.follow_url));
                } else { status(texts.sent || ""); }
              });
            }
            if (result.status >= 400 && result.status < 500 && result.status !== 429) {
              // The server refused it: the resident must correct it, keep nothing.
              return deleteDraft(draft.key).then(function () {
                if (form && draft.key === form.dataset.draftKey) {
                  form.dataset.draftKey = uuid();
                  if (result.data.errors) {
                    status("");
                    showErrors(result.data.errors);
                  } else {
                    status(result.data.detail || texts.refused || "");
                  }
                }
              });
            }
          }).catch(function () { status(texts.offline || ""); });
        });
      }, Promise.resolve());
    }).finally(function () { flushing = false; });
  }

  if (form) {
    form.dataset.draftKey = uuid();
    var select = form.querySelector("[data-category-select]");
    var params = new URLSearchParams(window.location.search);
    if (params.get("lat") && params.get("lon") && window.feedbackSetPoint) {
      window.feedbackSetPoint(parseFloat(params.get("lat")), parseFloat(params.get("lon")), true);
    }
    // Open reports of the chosen category near the pin: offer "me too" (online only).
    // The server renders the page's own `#nearby` partial, as it would for htmx, but htmx
    // (17 KB gzipped) is not loaded on this phone-first page for this one swap: the form's
    // other requests (the offline outbox above) are hand-written anyway.
    var showNearby = function () {
      var lat = form.querySelector("input[name=lat]").value;
      var lon = form.querySelector("input[name=lon]").value;
      if (!select || !select.value || !lat || !lon || !navigator.onLine) return;
      var url = form.dataset.nearbyUrl + "?category=" + encodeURIComponent(select.value) +
        "&lat=" + lat + "&lon=" + lon;
      fetch(url).then(function (r) { return r.text(); }).then(function (html) {
        document.getElementById("nearby").innerHTML = html;
      }).catch(function () {});
    };
    form.addEventListener("feedback:point", showNearby);
    if (select) select.addEventListener("change", showNearby);
    form.addEventListener("submit", function (event) {
      if (!window.indexedDB || !window.fetch) return;  // old browsers: a plain POST
      if (event.submitter && (event.submitter.hasAttribute("formaction") ||
          event.submitter.hasAttribute("formmethod"))) return;  // "me too", category
      event.preventDefault();
      if (select && !select.value) {  // no category: nothing to send yet
        showErrors({category: [texts.category || ""]});
        return;
      }
      var draft = draftFromForm();
      saveDraft(draft).then(function () {
        if (!navigator.onLine) { status(texts.offline || ""); return; }
        return flush();
      }).then(function () {
        if ("serviceWorker" in navigator && navigator.serviceWorker.ready) {
          navigator.serviceWorker.ready.then(function (reg) {
            if (reg.sync) reg.sync.register("shaar-outbox").catch(function () {});
          }).catch(function () {});
        }
      }).catch(function () { form.submit(); });
    });
  }

  window.addEventListener("online", function () { flush(); });
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "flush-outbox") flush();
    });
  }
  if (window.indexedDB) {
    allDrafts().then(function (drafts) { if (drafts.length) { status(texts.pending || ""); flush(); } }).catch(function () {});
  }
})();
