/* Device page, rule form: show only the parameters of the chosen rule type (the server reads only those);
   ask before a rule is deleted (its active alarm ends). */
(function () {
  "use strict";
  document.querySelectorAll("table.channel-rules form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
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
