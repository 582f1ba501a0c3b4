/* Upload each chosen file on its own request, with its own progress bar; once all are done,
   reload the page so the gallery shows them. Without this script the form posts all files
   at once and the page comes back the same way. */
(function () {
  "use strict";

  function row(list, name) {
    var item = document.createElement("li");
    var label = document.createElement("span");
    label.className = "upload-name";
    label.textContent = name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    var state = document.createElement("span");
    state.className = "upload-state";
    item.appendChild(label);
    item.appendChild(bar);
    item.appendChild(state);
    list.appendChild(item);
    return { item: item, bar: bar, state: state };
  }

  function send(form, file, shown) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append("csrf_token", form.elements.csrf_token.value);
      data.append("kind", form.elements.kind.value);
      data.append("title", form.elements.title.value);
      data.append("file", file, file.name);
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) shown.bar.value = Math.round((event.loaded / event.total) * 100);
      });
      request.addEventListener("load", function () {
        var ok = request.status === 201;
        var answer = {};
        try { answer = JSON.parse(request.responseText); } catch (ignored) { answer = {}; }
        shown.bar.value = 100;
        shown.item.className = ok ? "upload-done" : "upload-failed";
        shown.state.textContent = ok ? form.querySelector(".upload-progress").dataset.done
          : (answer.message || form.querySelector(".upload-progress").dataset.failed);
        resolve(ok);
      });
      request.addEventListener("error", function () {
        shown.item.className = "upload-failed";
        shown.state.textContent = form.querySelector(".upload-progress").dataset.failed;
        resolve(false);
      });
      request.send(data);
    });
  }

  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var files = Array.prototype.slice.call(form.elements.file.files);
      if (!files.length || !window.FormData || !window.Promise) return;  // the plain post
      event.preventDefault();
      var list = form.querySelector(".upload-progress");
      list.textContent = "";
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      Promise.all(files.map(function (file) { return send(form, file, row(list, file.name)); }))
        .then(function (results) {
          button.disabled = false;
          form.elements.file.value = "";
          if (results.every(Boolean)) window.location.reload();
        });
    });
  });
})();
