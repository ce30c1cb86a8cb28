/* Checklist ticks remembered on this device (localStorage), and a "Cetak" button.
   Without JavaScript the page still works: ticks travel in the form's GET address. */
(function () {
  "use strict";
  if (window.ktpDokumenChecklist) { return; }  // the include may load this file more than once
  window.ktpDokumenChecklist = true;

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function setUp(form, store) {
    var key = "ktp-dokumen:" + form.getAttribute("data-checklist");
    var boxes = form.querySelectorAll('input[type="checkbox"][name="ada"]');
    // After a submit of this form the address holds the ticks; otherwise the device does.
    var submitted = new URLSearchParams(window.location.search).has("centang");

    function save() {
      var ticked = [];
      boxes.forEach(function (box) { if (box.checked) { ticked.push(box.value); } });
      try { store.setItem(key, JSON.stringify(ticked)); } catch (e) { /* storage full or off */ }
    }

    if (submitted) {
      save();
    } else {
      var saved = [];
      try { saved = JSON.parse(store.getItem(key) || "[]"); } catch (e) { saved = []; }
      boxes.forEach(function (box) { if (saved.indexOf(box.value) !== -1) { box.checked = true; } });
    }
    form.addEventListener("change", save);
    form.addEventListener("reset", function () {
      // The reset event fires before the boxes go back to their initial state.
      window.setTimeout(function () {
        boxes.forEach(function (box) { box.checked = false; });
        save();
      }, 0);
    });
  }

  var store = storage();
  if (store) {
    document.querySelectorAll("form[data-checklist]").forEach(function (form) { setUp(form, store); });
  }
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
}());
