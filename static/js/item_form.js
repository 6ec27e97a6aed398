/* The item form: "Add another action" shows a blank action row without a page load.
   A convenience only: without JavaScript the server draws a few blank rows and ignores those
   left blank, so several actions are still one save. With it, the blank rows after the first
   are hidden until asked for, and once they are used up the empty row in the
   <template id="action-empty-row"> is copied, numbered, and counted in the management form's
   TOTAL_FORMS (as the meeting form adds attendance rows). */
(function () {
  "use strict";

  var form = document.querySelector("form.item-form");
  if (!form) {
    return;
  }
  var rows = form.querySelector("[data-action-rows]");
  var addButton = form.querySelector("[data-action-add]");
  var status = form.querySelector("[data-action-status]");
  var template = document.getElementById("action-empty-row");
  var total = form.querySelector("#id_actions-TOTAL_FORMS");
  if (!rows || !addButton || !template || !total) {
    return;
  }
  var maxRows = Number(rows.getAttribute("data-max-rows")) || 0;

  var spareRows = function () {
    return rows.querySelectorAll("[data-spare-row][hidden]");
  };

  var announce = function (message) {
    if (!status) {
      return;
    }
    // Empty first, so that the same words said twice are announced twice.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = message;
    }, 50);
  };

  var newRowCount = function () {
    var count = 0;
    rows.querySelectorAll("[data-action-row]").forEach(function (row) {
      if (!row.hidden && !row.querySelector("input[name$='-action_id'][value]:not([value=''])")) {
        count += 1;
      }
    });
    return count;
  };

  var show = function (row) {
    row.hidden = false;
    var number = newRowCount();
    var legend = row.querySelector("legend");
    if (legend) {
      legend.textContent = "New action " + number;
    }
    var first = row.querySelector("textarea, input:not([type='hidden']), select");
    if (first) {
      first.focus();
    }
    announce("New action " + number + " added.");
  };

  // Blank rows after the first wait until asked for.
  rows.querySelectorAll("[data-spare-row]").forEach(function (row) {
    row.hidden = true;
  });

  var limit = document.createElement("p");
  limit.id = "actions-limit";
  limit.className = "form-text";
  limit.hidden = true;
  limit.textContent =
    "You cannot add more rows to this save. Save these actions, then add the rest.";
  addButton.parentNode.appendChild(limit);

  addButton.hidden = false;
  addButton.addEventListener("click", function () {
    var spare = spareRows();
    if (spare.length) {
      show(spare[0]);
      return;
    }
    var index = Number(total.value);
    if (maxRows > 0 && index >= maxRows) {
      limit.hidden = false;
      addButton.setAttribute("aria-describedby", limit.id);
      announce(limit.textContent);
      return;
    }
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.firstElementChild;
    row.hidden = true;
    rows.appendChild(row);
    total.value = String(index + 1);
    show(row);
  });
})();
