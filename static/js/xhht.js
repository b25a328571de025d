// Small behaviours shared by every page; the pages work without them.
(function () {
  "use strict";
  // A select marked data-autosubmit submits its form when changed (year, plan, language).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
      el.form.submit();
    }
  });
})();
