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
  var fmt = new Intl.NumberFormat(document.documentElement.lang || "ky");

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
})();
