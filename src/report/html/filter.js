(function () {
  "use strict";
  var assistant = document.getElementById("filter-assistant");
  var code = document.getElementById("filter-code");
  var path = document.getElementById("filter-path");
  var shown = document.getElementById("filter-shown");
  var rows = document.querySelectorAll("tr[data-codes]");
  function lists(words, wanted) {
    return !wanted || (" " + words + " ").indexOf(" " + wanted + " ") >= 0;
  }
  function under(paths, prefix) {
    return !prefix || paths.split("\n").some(function (p) {
      return p.slice(0, prefix.length) === prefix;
    });
  }
  function apply() {
    var count = 0;
    rows.forEach(function (row) {
      var keep = lists(row.dataset.assistants, assistant.value) &&
        lists(row.dataset.codes, code.value) &&
        under(row.dataset.paths, path.value);
      row.hidden = !keep;
      if (keep) count += 1;
    });
    shown.textContent = String(count);
  }
  // Starting values from the address: #assistant=cursor&code=restricted-assistant&path=src/
  new URLSearchParams(location.hash.slice(1)).forEach(function (value, key) {
    var input = { assistant: assistant, code: code, path: path }[key];
    if (input) input.value = value;
  });
  assistant.addEventListener("change", apply);
  code.addEventListener("change", apply);
  path.addEventListener("input", apply);
  apply();
})();
