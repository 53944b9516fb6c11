// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';
  // Select a secret shown once, so it can be copied at once.
  var secret = document.getElementById('revealed-secret');
  if (secret) {
    secret.focus();
    secret.select();
  }
  // A print button where printing is offered (the browser's own print works without it).
  var print = document.getElementById('print-page');
  if (print) {
    print.hidden = false;
    print.addEventListener('click', function () {
      window.print();
    });
  }
  // Ask before irreversible actions (forms marked data-confirm).
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) event.preventDefault();
  });
  // In the acknowledgment form, enable only the fields of the chosen answer of each line.
  function sync(line) {
    var choice = line.querySelector('input[type=radio]:checked');
    var value = choice ? choice.value : 'accept';
    line.querySelectorAll('[data-for]').forEach(function (field) {
      var on = field.getAttribute('data-for').split(' ').indexOf(value) >= 0;
      field.hidden = !on;
    });
  }
  document.querySelectorAll('.answer-line').forEach(function (line) {
    line.addEventListener('change', function () {
      sync(line);
    });
    sync(line);
  });
})();
