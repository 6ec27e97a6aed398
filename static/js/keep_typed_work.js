/* Keep what a signed-in user types into a form until the server has taken it.

   The idle timeout can end the session while a form is open; the save then lands on the login
   page and, without this, the text is gone. So every form that posts in the page's main content
   is copied into this tab's sessionStorage as the user types and when it is submitted. After
   signing in again the user is brought back to the form (the login redirect's ?next=), and if
   the copy differs from what the form shows, a notice offers it back: nothing is put in the
   form, and nothing saved, unless the user chooses to.

   A copy is dropped when a signed-in page loads after it was submitted and that page is not the
   form again (the save went through), when the user discards it or signs out, when it matches
   the form, and when a different user signs in in this tab. sessionStorage, not localStorage:
   the text stays in this tab and goes when the tab closes. Passwords, file inputs and the CSRF
   token are never kept; of the hidden fields only the record's "version" is, so that text put
   back after someone else saved is refused as a stale edit instead of overwriting their save. */
(function () {
  "use strict";

  var STORE = "assurance.typedWork";
  var MAX_AGE = 12 * 60 * 60 * 1000; // a forgotten copy goes after 12 hours even if the tab stays
  var body = document.body;
  var user = body.getAttribute("data-user") || "";
  var main = document.getElementById("main-content");

  function load() {
    try {
      var drafts = JSON.parse(window.sessionStorage.getItem(STORE) || "{}");
      return drafts && typeof drafts === "object" ? drafts : {};
    } catch (error) {
      return {};
    }
  }

  function store(drafts) {
    try {
      if (Object.keys(drafts).length) {
        window.sessionStorage.setItem(STORE, JSON.stringify(drafts));
      } else {
        window.sessionStorage.removeItem(STORE);
      }
    } catch (error) {
      // Storage full or switched off: the form still works, without the safety net.
    }
  }

  // Signing out on purpose: nothing typed should stay behind in the tab.
  document.querySelectorAll("form.logout-form").forEach(function (form) {
    form.addEventListener("submit", function () {
      store({});
    });
  });

  var drafts = load();
  var now = Date.now();
  Object.keys(drafts).forEach(function (key) {
    if (!drafts[key] || !(now - drafts[key].savedAt < MAX_AGE)) {
      delete drafts[key];
    }
  });

  if (!user) {
    // Not signed in: most likely the login page a save was sent to after the session ended.
    // Keep every copy until a signed-in page decides, and say so beside the login form.
    var kept = Object.keys(drafts);
    kept.forEach(function (key) {
      drafts[key].submitted = false;
    });
    store(drafts);
    var loginForm = document.querySelector("form.login-form");
    if (kept.length && loginForm) {
      var note = document.createElement("div");
      note.className = "alert alert-info typed-work-login-note";
      note.setAttribute("role", "status");
      note.textContent =
        "What you typed before you were signed out has not been saved, but it is kept in this " +
        "browser tab. Sign in, and the form will offer it back to you.";
      loginForm.parentNode.insertBefore(note, loginForm);
    }
    return;
  }

  // --- Which forms, and what of them is kept ------------------------------------------------

  function isKept(element) {
    var type = (element.type || "").toLowerCase();
    if (!element.name || element.disabled || element.name === "csrfmiddlewaretoken") {
      return false;
    }
    if (["password", "file", "submit", "button", "reset", "image"].indexOf(type) !== -1) {
      return false;
    }
    if (type === "hidden") {
      return element.name === "version" || /-version$/.test(element.name);
    }
    return ["INPUT", "TEXTAREA", "SELECT"].indexOf(element.tagName) !== -1;
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, isKept);
  }

  function hasTypedFields(form) {
    return fields(form).some(function (element) {
      return element.type !== "hidden";
    });
  }

  // What the form would send, as [name, value] pairs, and the names of every kept field (an
  // unticked box sends nothing, yet putting the copy back must untick it).
  function snapshot(form) {
    var names = [];
    var pairs = [];
    fields(form).forEach(function (element) {
      if (names.indexOf(element.name) === -1) {
        names.push(element.name);
      }
      var type = element.type;
      if (type === "checkbox" || type === "radio") {
        if (element.checked) {
          pairs.push([element.name, element.value]);
        }
      } else if (element.tagName === "SELECT") {
        Array.prototype.forEach.call(element.options, function (option) {
          if (option.selected) {
            pairs.push([element.name, option.value]);
          }
        });
      } else {
        pairs.push([element.name, element.value]);
      }
    });
    return { names: names, pairs: pairs };
  }

  // The server trims what it keeps and writes line ends as it likes: that is no difference.
  function normalised(pairs) {
    return JSON.stringify(
      pairs.map(function (pair) {
        return [pair[0], String(pair[1]).replace(/\r\n?/g, "\n").trim()];
      })
    );
  }

  function valuesByName(pairs) {
    var byName = {};
    pairs.forEach(function (pair) {
      (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]);
    });
    return byName;
  }

  // Rows the user added with an "Add another" button are not in the reloaded form, or are
  // there but hidden until asked for: press the form's button until every value of the copy
  // has a field in view (the button itself stops at the form's limit of rows).
  function addMissingRows(form, draft) {
    var button = form.querySelector("[data-action-add], [data-formset-add]");
    if (!button) {
      return;
    }
    var typed = {};
    draft.pairs.forEach(function (pair) {
      if (String(pair[1]).trim() !== "") {
        typed[pair[0]] = true;
      }
    });
    var needsRow = function (name) {
      var field = form.elements.namedItem(name);
      if (!field) {
        return true;
      }
      field = field.length !== undefined && !field.tagName ? field[0] : field;
      return Boolean(typed[name] && field.closest && field.closest("[data-spare-row][hidden]"));
    };
    for (var tries = 0; tries < 60 && draft.names.some(needsRow); tries += 1) {
      button.click();
    }
  }

  // Put a copy back. Returns how many of its values found no field.
  function restore(form, draft) {
    addMissingRows(form, draft);
    var byName = valuesByName(draft.pairs);
    var used = {};
    fields(form).forEach(function (element) {
      var name = element.name;
      if (draft.names.indexOf(name) === -1) {
        return;
      }
      var values = byName[name] || [];
      var type = element.type;
      if (type === "checkbox" || type === "radio") {
        element.checked = values.indexOf(element.value) !== -1;
        used[name] = values.length;
      } else if (element.tagName === "SELECT" && element.multiple) {
        Array.prototype.forEach.call(element.options, function (option) {
          option.selected = values.indexOf(option.value) !== -1;
        });
        used[name] = values.length;
      } else {
        var index = used[name] || 0;
        if (index < values.length) {
          element.value = values[index];
        }
        used[name] = index + 1;
      }
      element.dispatchEvent(new Event("change", { bubbles: true }));
    });
    return Object.keys(byName).reduce(function (missing, name) {
      return missing + Math.max(0, byName[name].length - (used[name] || 0));
    }, 0);
  }

  // A form is known by where it posts and its place among the forms posting there.
  var forms = main
    ? Array.prototype.filter.call(main.querySelectorAll("form"), function (form) {
        return (form.getAttribute("method") || "").toLowerCase() === "post";
      })
    : [];
  var keyed = [];
  var seen = {};
  forms.forEach(function (form) {
    var url = new URL(form.getAttribute("action") || window.location.href, window.location.href);
    var target = url.pathname + url.search;
    seen[target] = (seen[target] || 0) + 1;
    keyed.push({ form: form, key: target + "#" + seen[target] });
  });
  var keysHere = keyed.map(function (entry) {
    return entry.key;
  });

  // --- What happened since the last page --------------------------------------------------

  Object.keys(drafts).forEach(function (key) {
    var draft = drafts[key];
    if (draft.user !== user) {
      delete drafts[key]; // someone else's text never reaches this user
    } else if (draft.submitted && keysHere.indexOf(key) === -1) {
      delete drafts[key]; // submitted while signed in, and the form is gone: it was saved
    }
  });

  keyed.forEach(function (entry) {
    var draft = drafts[entry.key];
    if (!draft) {
      return;
    }
    draft.submitted = false;
    if (normalised(draft.pairs) === normalised(snapshot(entry.form).pairs)) {
      delete drafts[entry.key]; // the form already shows it (e.g. redisplayed with errors)
      return;
    }
    offer(entry.form, entry.key, draft);
  });
  store(drafts);

  // --- Keeping the copy up to date ------------------------------------------------------

  function save(entry, submitted) {
    if (!hasTypedFields(entry.form)) {
      return;
    }
    var current = load();
    var shot = snapshot(entry.form);
    current[entry.key] = {
      user: user,
      savedAt: Date.now(),
      submitted: submitted,
      names: shot.names,
      pairs: shot.pairs,
    };
    store(current);
  }

  keyed.forEach(function (entry) {
    var timer = null;
    var later = function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        save(entry, false);
      }, 250);
    };
    entry.form.addEventListener("input", later);
    entry.form.addEventListener("change", later);
    entry.form.addEventListener("submit", function () {
      window.clearTimeout(timer);
      save(entry, true);
    });
  });

  // --- The offer ------------------------------------------------------------------------

  function offer(form, key, draft) {
    var notice = document.createElement("div");
    notice.className = "alert alert-warning typed-work-notice";
    notice.setAttribute("role", "region");
    notice.setAttribute("tabindex", "-1");
    var headingId = "typed-work-heading-" + keysHere.indexOf(key);
    notice.setAttribute("aria-labelledby", headingId);

    var heading = document.createElement("h2");
    heading.className = "h5";
    heading.id = headingId;
    heading.textContent = "You have unsaved text for this form";

    var text = document.createElement("p");
    text.textContent =
      "You typed into this form earlier, but it was not saved – for example because you were " +
      "signed out after a period without activity. It is kept in this browser tab only. " +
      "Nothing has been saved.";

    var buttons = document.createElement("div");
    buttons.className = "typed-work-buttons";
    var restoreButton = document.createElement("button");
    restoreButton.type = "button";
    restoreButton.className = "btn btn-primary";
    restoreButton.textContent = "Restore what you typed";
    var discardButton = document.createElement("button");
    discardButton.type = "button";
    discardButton.className = "btn btn-outline-dark";
    discardButton.textContent = "Discard it";
    buttons.appendChild(restoreButton);
    buttons.appendChild(discardButton);

    notice.appendChild(heading);
    notice.appendChild(text);
    notice.appendChild(buttons);
    form.parentNode.insertBefore(notice, form);

    function settle(message) {
      notice.className = "alert alert-info typed-work-notice";
      notice.removeAttribute("aria-labelledby");
      notice.setAttribute("role", "status");
      notice.textContent = message;
      notice.focus();
    }

    restoreButton.addEventListener("click", function () {
      var missing = restore(form, draft);
      // The copy stays until the form is saved, in case the session ends again.
      var message =
        "What you typed has been put back in the form. It is not saved yet: check it, then save.";
      if (missing) {
        message +=
          " Some of it had no field to go back into (for example rows you had added to a " +
          "list): add them again before saving.";
      }
      settle(message);
    });

    discardButton.addEventListener("click", function () {
      var current = load();
      delete current[key];
      store(current);
      settle("What you typed earlier has been discarded. The form shows the saved version.");
    });

    // Screen-reader users hear the offer first, unless an error summary has the focus.
    if (!document.querySelector("[data-module='error-summary']")) {
      notice.focus();
    }
  }
})();
