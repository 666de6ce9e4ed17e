/* Import progress: poll the job every 500 ms; indeterminate while validating, rows written / valid rows
   while writing; reload the page (which shows the report) when the job has finished. */
(function () {
  "use strict";
  var box = document.getElementById("import-job");
  if (!box) return;
  var bar = document.getElementById("job-progress");
  var label = document.getElementById("job-label");
  var T = JSON.parse(document.getElementById("job-i18n").textContent);
  function fmt(text, values) { return text.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; }); }
  function poll() {
    fetch(box.dataset.jobUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (job) {
      box.dataset.phase = job.phase;
      if (job.phase === "done" || job.phase === "failed") { window.location.reload(); return; }
      if (job.phase === "write") {
        var total = Math.max(job.validated, job.written, 1);
        bar.max = total; bar.value = job.written;
        label.textContent = fmt(T.write, { n: job.written, total: total });
      } else {
        bar.removeAttribute("value");
        label.textContent = job.phase === "validate" ? fmt(T.validate, { n: job.validated }) : T.queued;
      }
      setTimeout(poll, 500);
    }).catch(function () { setTimeout(poll, 1500); });
  }
  poll();
})();
