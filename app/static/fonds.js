// Busy indicator (M2.5): shown while the next page loads, so nobody clicks twice.
(function () {
  var busy = document.getElementById("fonds-busy");
  if (!busy) { return; }
  function show() { busy.classList.add("is-busy"); }
  document.addEventListener("submit", show);
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (link && !link.getAttribute("href").startsWith("#") && !link.hasAttribute("data-toggle") &&
        link.target !== "_blank" && !link.hasAttribute("download") && !event.ctrlKey && !event.metaKey) { show(); }
  });
  window.addEventListener("pageshow", function () { busy.classList.remove("is-busy"); });
})();

// Search bar (M4.3): the comparison only applies to numbers and dates; for text it is hidden.
(function () {
  var field = document.getElementById("nf");
  var operator = document.getElementById("no");
  if (!field || !operator) { return; }
  function sync() {
    var kind = field.options[field.selectedIndex].getAttribute("data-kind");
    var isText = kind === "text";
    operator.style.display = isText ? "none" : "";
    if (isText) { operator.value = "eq"; }
  }
  field.addEventListener("change", sync);
  sync();
})();

// Rapportages (M6.4.2): "Afdrukken" prints the report (the page hides its form when printed).
(function () {
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });
})();
