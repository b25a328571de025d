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

  // On a phone the main menu folds behind its button (the CSS hides it only on narrow
  // screens, and only once this script has run: without script the menu stays open).
  var toggle = document.querySelector(".menu-toggle");
  var nav = toggle && toggle.closest("nav");
  if (!nav) {
    return;
  }
  function setOpen(open) {
    nav.setAttribute("data-menu", open ? "open" : "closed");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
  setOpen(false);
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    setOpen(nav.getAttribute("data-menu") !== "open");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && nav.getAttribute("data-menu") === "open") {
      setOpen(false);
      toggle.focus();
    }
  });
})();
