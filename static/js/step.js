// Progressive enhancement of questionnaire pages; every page works without it.
// 1. Questions whose condition depends on an answer on the same page appear and disappear.
// 2. Checking an exclusive option ("none of these") clears the other options, and vice versa.
// 3. An error summary takes the focus, so that screen reader and keyboard users land on it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-step]");
  if (!form) {
    return;
  }
  document.documentElement.classList.add("js");

  function valuesOf(questionId) {
    var found = [];
    var inputs = form.querySelectorAll("input, textarea");
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      var mine = input.name === questionId || input.name.indexOf(questionId + ".") === 0;
      if (!mine || input.disabled) {
        continue;
      }
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) {
          found.push(input.value);
        }
      } else if (input.value.trim() !== "") {
        found.push(input.value.trim());
      }
    }
    return found;
  }

  function holds(condition) {
    if (condition.all) {
      return condition.all.every(holds);
    }
    if (condition.any) {
      return condition.any.some(holds);
    }
    if (condition.not) {
      return !holds(condition.not);
    }
    var values = valuesOf(condition.question);
    if (condition["in"]) {
      var wanted = condition["in"].map(String);
      return values.some(function (value) { return wanted.indexOf(value) !== -1; });
    }
    return (values.length > 0) === condition.answered;
  }

  var conditional = form.querySelectorAll("[data-condition]");

  function update() {
    for (var i = 0; i < conditional.length; i++) {
      var block = conditional[i];
      var shown = holds(JSON.parse(block.getAttribute("data-condition")));
      block.hidden = !shown;
      var inputs = block.querySelectorAll("input, textarea");
      for (var j = 0; j < inputs.length; j++) {
        inputs[j].disabled = !shown;
      }
    }
  }

  function exclusive(event) {
    var box = event.target;
    if (box.type !== "checkbox" || !box.checked) {
      return;
    }
    var group = form.querySelectorAll('input[type="checkbox"][name="' + box.name + '"]');
    for (var i = 0; i < group.length; i++) {
      var other = group[i];
      if (other !== box && (box.hasAttribute("data-exclusive") || other.hasAttribute("data-exclusive"))) {
        other.checked = false;
      }
    }
  }

  form.addEventListener("change", function (event) {
    exclusive(event);
    update();
  });
  form.addEventListener("input", update);
  update();

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
