/* The meeting form: suggest the title, fill in capacities, add attendance rows.
   Everything here is a convenience: the server fills a blank title and blank capacities the
   same way, and the form works without it (with a fixed number of blank rows). */
(function () {
  "use strict";

  var form = document.querySelector("form.meeting-form");
  if (!form) {
    return;
  }

  // Title: "<series>, <day Month Year>", unless the user has typed their own.
  var title = form.querySelector("#id_title");
  var series = form.querySelector("#id_series");
  var date = form.querySelector("#id_date");
  if (title && series && date) {
    var seriesNames = JSON.parse(title.getAttribute("data-series-names") || "{}");
    var lastSuggestion = null;

    var suggest = function () {
      var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.value);
      var start = seriesNames[series.value];
      if (!parts || !start) {
        return;
      }
      var day = new Date(Number(parts[1]), Number(parts[2]) - 1, Number(parts[3]));
      var suggestion = start + ", " + day.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
      if (title.value.trim() === "" || title.value === lastSuggestion) {
        title.value = suggestion;
      }
      lastSuggestion = suggestion;
    };
    series.addEventListener("change", suggest);
    date.addEventListener("change", suggest);
  }

  // Capacity: copy the chosen person's office into the row's capacity, unless typed over.
  form.addEventListener("change", function (event) {
    var select = event.target;
    if (select.getAttribute("data-attendance") !== "person") {
      return;
    }
    var row = select.closest("[data-formset-row]");
    var capacity = row && row.querySelector("[data-attendance='capacity']");
    if (!capacity) {
      return;
    }
    var option = select.options[select.selectedIndex];
    var suggested = (option && option.getAttribute("data-capacity")) || "";
    if (capacity.value.trim() === "" || capacity.value === capacity.getAttribute("data-filled")) {
      capacity.value = suggested;
      capacity.setAttribute("data-filled", suggested);
    }
  });

  // "Add another attendee": copy the empty row and count it in the management form.
  var addButton = form.querySelector("[data-formset-add]");
  var template = document.getElementById("attendance-empty-row");
  var rows = form.querySelector("[data-formset-rows]");
  var total = form.querySelector("#id_attendance-TOTAL_FORMS");
  // The most rows one save takes (the server refuses more): MAX_NUM_FORMS.
  var maxNum = form.querySelector("#id_attendance-MAX_NUM_FORMS");
  var maxRows = maxNum ? Number(maxNum.value) || 0 : 0;
  if (addButton && template && rows && total) {
    var limit = document.createElement("p");
    limit.id = "attendance-limit";
    limit.className = "form-text";
    limit.hidden = true;
    limit.textContent = "The attendance can list at most " + maxRows + " people.";
    addButton.parentNode.appendChild(limit);
    addButton.hidden = false;
    addButton.addEventListener("click", function () {
      var index = Number(total.value);
      if (maxRows > 0 && index >= maxRows) {
        limit.hidden = false;
        addButton.setAttribute("aria-describedby", limit.id);
        return;
      }
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      var legend = row.querySelector("legend");
      if (legend) {
        legend.textContent = "Attendee " + (rows.querySelectorAll("[data-formset-row]").length + 1);
      }
      rows.appendChild(row);
      total.value = String(index + 1);
      var first = row.querySelector("select, input");
      if (first) {
        first.focus();
      }
    });
  }
})();
