// Draws every chart on the page (and in fragments htmx swaps in) with vega-embed, from the
// Vega-Lite spec the server put beside it; wires map clicks and the scenario file picker.
(function () {
  "use strict";

  function drawCharts(root) {
    root.querySelectorAll("[data-spec]").forEach(function (el) {
      if (el.dataset.drawn) { return; }
      el.dataset.drawn = "1";
      var source = document.getElementById(el.dataset.spec);
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      vegaEmbed(el, spec, { renderer: "svg", actions: false }).then(function (result) {
        el.dataset.ready = "1";
        var url = el.dataset.clickUrl;
        if (!url) { return; }
        result.view.addEventListener("click", function (event, item) {
          var datum = item && item.datum;
          var id = datum && (datum.fips || datum.id);
          if (!id) { return; }
          htmx.ajax("GET", url.replace("__ID__", encodeURIComponent(id)),
                    { target: el.dataset.clickTarget, swap: "innerHTML" });
        });
      }).catch(function (error) {
        el.dataset.ready = "error";
        el.textContent = "This chart could not be drawn: " + error;
        console.error(error);
      });
    });
  }

  function wireFilePickers(root) {
    root.querySelectorAll("input[type=file][data-into]").forEach(function (input) {
      if (input.dataset.wired) { return; }
      input.dataset.wired = "1";
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        if (!file) { return; }
        file.text().then(function (text) {
          document.getElementById(input.dataset.into).value = text;
        });
      });
    });
  }

  function wirePrint(root) {
    root.querySelectorAll("[data-print]").forEach(function (button) {
      if (button.dataset.wired) { return; }
      button.dataset.wired = "1";
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function ready(root) { drawCharts(root); wireFilePickers(root); wirePrint(root); }

  document.addEventListener("DOMContentLoaded", function () { ready(document); });
  document.addEventListener("statevisa:lab-done", function (event) {
    if (event.detail && event.detail.url) { window.location.assign(event.detail.url); }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    ready(event.detail && event.detail.elt ? event.detail.elt : document);
  });
})();
