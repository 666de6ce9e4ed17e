/* Device page, rule form: show only the parameters of the chosen rule type (the server reads only those). */
(function () {
  "use strict";
  var kind = document.getElementById("r-kind");
  if (!kind) return;
  function show() {
    document.querySelectorAll("#rule-form .rule-param").forEach(function (el) {
      el.hidden = el.dataset.kinds.split(" ").indexOf(kind.value) < 0;
    });
  }
  kind.addEventListener("change", show);
  show();
})();
