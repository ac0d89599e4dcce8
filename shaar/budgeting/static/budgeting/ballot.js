// Running total of a ballot against the budget or the project limit. The server checks
// every rule again; this only helps the voter see the problem before sending.
(function () {
  "use strict";
  var dataNode = document.getElementById("ballot-data");
  var form = document.getElementById("ballot-form");
  var total = document.getElementById("ballot-total");
  if (!dataNode || !form || !total) { return; }
  var data = JSON.parse(dataNode.textContent);
  var submit = document.getElementById("ballot-submit");
  // Numbers as the server writes them (site.js reads the page's format module).
  var fmt = {format: function (n) { return window.Shaar ? Shaar.formatNumber(n) : String(n); }};

  function update() {
    var boxes = form.querySelectorAll("input[name=projects]:checked");
    var sum = 0;
    boxes.forEach(function (box) { sum += parseInt(box.dataset.cost, 10) || 0; });
    var text, over;
    if (data.form === "approval") {
      over = boxes.length > data.max;
      text = total.dataset.templateCount.replace("__COUNT__", boxes.length).replace("__MAX__", data.max);
      if (over) { text += " " + total.dataset.overCount; }
    } else {
      over = sum > data.budget;
      text = total.dataset.templateBudget.replace("__TOTAL__", fmt.format(sum)).replace("__BUDGET__", fmt.format(data.budget));
      if (over) { text += " " + total.dataset.overBudget; }
    }
    total.textContent = text;
    total.classList.toggle("over", over);
    if (submit) { submit.disabled = over || boxes.length === 0; }
  }
  form.addEventListener("change", update);
  update();

  // Review and confirm: the first press shows what will be cast; only the confirm button
  // sends it (without JavaScript the button's step=review asks the server for the same
  // review page; the server checks every rule either way).
  var review = document.getElementById("ballot-review");
  var projects = form.querySelector(".ballot-projects");
  if (review && submit) {
    var show = function (on) {
      review.hidden = !on;
      projects.hidden = on;
      submit.parentNode.hidden = on;
    };
    form.addEventListener("submit", function (event) {
      if (!review.hidden && event.submitter && event.submitter.id === "ballot-confirm") { return; }
      event.preventDefault();
      var list = document.getElementById("ballot-review-list");
      list.textContent = "";
      form.querySelectorAll("input[name=projects]:checked").forEach(function (box) {
        var item = document.createElement("li");
        item.textContent = box.parentNode.querySelector(".title").textContent + " — " +
          box.parentNode.querySelector(".cost").textContent;
        list.appendChild(item);
      });
      document.getElementById("ballot-review-total").textContent = total.textContent;
      show(true);
      review.focus();
    });
    document.getElementById("ballot-change").addEventListener("click", function () {
      show(false);
      submit.focus();
    });
  }
})();
