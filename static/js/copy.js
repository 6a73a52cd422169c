// Progressive enhancement: a button that copies the personal link. Without JavaScript the
// button stays hidden and the link is selectable text in its field.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-copy]");
  for (var i = 0; i < buttons.length; i++) {
    enable(buttons[i]);
  }

  function enable(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("aria-describedby"));
    if (!field || !status) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(field).then(function () {
        status.textContent = button.getAttribute("data-copied");
      }, function () {
        field.select();
        status.textContent = button.getAttribute("data-failed");
      });
    });
  }

  function copy(field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(field.value);
    }
    field.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy"));
  }
})();
