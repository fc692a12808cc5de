// Busy indicator (M2.5): shown while the next page loads, so nobody clicks twice.
(function () {
  var busy = document.getElementById("fonds-busy");
  if (!busy) { return; }
  function show() { busy.classList.add("is-busy"); }
  document.addEventListener("submit", show);
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (link && !link.getAttribute("href").startsWith("#") && !link.hasAttribute("data-toggle") &&
        link.target !== "_blank" && !event.ctrlKey && !event.metaKey) { show(); }
  });
  window.addEventListener("pageshow", function () { busy.classList.remove("is-busy"); });
})();
