/* Warn a signed-in user before the idle timeout ends their session, and let them stay signed in.

   <body data-session-seconds> says how long the session is sure to last after this page's
   request; any request in another tab of this site pushes it on too, which the tabs tell each
   other through localStorage (a timestamp, nothing else). A few minutes before the end a dialog
   says so, with a "Stay signed in" button that asks <body data-keep-alive-url> to refresh the
   session. Someone typing into the page is not idle: if they used the keyboard or pointer
   recently, the session is refreshed without interrupting them. When the time has run out the
   dialog says the session has ended and links to the login page, which brings them back here;
   keep_typed_work.js keeps what they typed. */
(function () {
  "use strict";

  var body = document.body;
  var seconds = Number(body.getAttribute("data-session-seconds"));
  var keepAliveUrl = body.getAttribute("data-keep-alive-url");
  var loginUrl = body.getAttribute("data-login-url");
  if (!body.getAttribute("data-user") || !(seconds > 0) || !keepAliveUrl || !loginUrl) {
    return;
  }

  var CONTACT = "assurance.sessionContact"; // when a tab last heard from the server (ms)
  var lifetime = seconds * 1000;
  var warnBefore = Math.min(5 * 60 * 1000, Math.floor(lifetime / 3));
  var CHECK_EVERY = 5 * 1000;

  function storedContact() {
    try {
      return Number(window.localStorage.getItem(CONTACT)) || 0;
    } catch (error) {
      return 0;
    }
  }

  function heardFromServer(when) {
    lastContact = Math.max(lastContact, when);
    try {
      if (storedContact() < lastContact) {
        window.localStorage.setItem(CONTACT, String(lastContact));
      }
    } catch (error) {
      // No localStorage: each tab keeps its own count.
    }
  }

  // The request for this page started at the navigation's start, or a little before Date.now().
  var lastContact = 0;
  heardFromServer(Math.floor(window.performance.timeOrigin || Date.now()));
  var lastActivity = 0;
  var ended = false;
  var refreshing = false;

  ["keydown", "pointerdown", "input"].forEach(function (name) {
    document.addEventListener(
      name,
      function () {
        lastActivity = Date.now();
      },
      true
    );
  });

  // --- The dialog -----------------------------------------------------------------------

  var dialog = document.createElement("dialog");
  dialog.className = "session-timeout";
  dialog.setAttribute("aria-labelledby", "session-timeout-heading");
  dialog.setAttribute("aria-describedby", "session-timeout-text");
  var heading = document.createElement("h2");
  heading.id = "session-timeout-heading";
  heading.className = "h4";
  var text = document.createElement("p");
  text.id = "session-timeout-text";
  var stayButton = document.createElement("button");
  stayButton.type = "button";
  stayButton.className = "btn btn-primary";
  stayButton.textContent = "Stay signed in";
  var signInLink = document.createElement("a");
  signInLink.className = "btn btn-primary";
  signInLink.textContent = "Sign in again";
  signInLink.href =
    loginUrl + "?next=" + encodeURIComponent(window.location.pathname + window.location.search);
  dialog.appendChild(heading);
  dialog.appendChild(text);
  dialog.appendChild(stayButton);
  body.appendChild(dialog);

  function minutesText(ms) {
    var minutes = Math.ceil(ms / 60000);
    if (ms < 60000) {
      return "less than a minute";
    }
    return minutes + (minutes === 1 ? " minute" : " minutes");
  }

  function showWarning(left) {
    heading.textContent = "You will be signed out soon";
    var wording =
      "You will be signed out in " +
      minutesText(left) +
      " because you have been inactive. Anything you have typed and not saved is kept in " +
      "this browser tab.";
    if (text.textContent !== wording) {
      text.textContent = wording; // only when the wording changes, not every check
    }
    if (!dialog.open) {
      dialog.showModal();
      stayButton.focus();
    }
  }

  function showEnded() {
    ended = true;
    heading.textContent = "You have been signed out";
    text.textContent =
      "You were signed out because you had been inactive. Nothing you typed on this page has " +
      "been saved, but it is kept in this browser tab: sign in again and you will be offered " +
      "it back.";
    if (stayButton.parentNode) {
      dialog.replaceChild(signInLink, stayButton);
    }
    if (!dialog.open) {
      dialog.showModal();
    }
    signInLink.focus();
  }

  function close() {
    if (dialog.open) {
      dialog.close();
    }
  }

  // --- Refreshing the session -----------------------------------------------------------

  function stayAlive() {
    if (refreshing || ended) {
      return;
    }
    refreshing = true;
    var asked = Date.now();
    window
      .fetch(keepAliveUrl, { credentials: "same-origin", redirect: "manual", cache: "no-store" })
      .then(function (response) {
        if (response.status === 204) {
          heardFromServer(asked);
          close();
        } else {
          showEnded(); // sent to the login page: the session had already ended
        }
      })
      .catch(function () {
        // Offline or the server is down: keep counting, and let the user try again.
      })
      .then(function () {
        refreshing = false;
      });
  }

  stayButton.addEventListener("click", stayAlive);
  dialog.addEventListener("cancel", function (event) {
    // Escape means "not now", which is staying signed in; once signed out it closes the note.
    if (!ended) {
      event.preventDefault();
      stayAlive();
    }
  });

  // --- The clock ------------------------------------------------------------------------

  function check() {
    if (ended) {
      return;
    }
    lastContact = Math.max(lastContact, storedContact()); // another tab may have been busy
    var left = lastContact + lifetime - Date.now();
    if (left <= 0) {
      showEnded();
    } else if (left <= warnBefore) {
      if (!dialog.open && Date.now() - lastActivity < warnBefore) {
        stayAlive(); // typing or clicking here: not idle
      } else {
        showWarning(left);
      }
    } else {
      close();
    }
  }

  window.setInterval(check, CHECK_EVERY);
  document.addEventListener("visibilitychange", check);
  window.addEventListener("storage", function (event) {
    if (event.key === CONTACT) {
      check();
    }
  });
})();
