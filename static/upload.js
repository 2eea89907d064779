// Evidence uploads: a progress bar while a photo, recording or video goes up on a slow line.
// Only an addition: without JavaScript the form posts as it always does.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var input = form.querySelector("input[type=file]");
      if (!input || !input.files || !input.files.length || !window.FormData) return;
      event.preventDefault();
      var bar = form.querySelector("progress");
      var note = form.querySelector(".progress-note");
      var button = form.querySelector("button[type=submit]");
      bar.hidden = false;
      button.disabled = true;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.onprogress = function (e) {
        if (!e.lengthComputable) return;
        bar.value = e.loaded / e.total;
        note.textContent = Math.round((100 * e.loaded) / e.total) + "%";
      };
      xhr.onload = function () {
        // The service answers with the case page (after its redirect) or a page saying why not.
        if (xhr.status < 400 && xhr.responseURL) {
          window.location.href = xhr.responseURL;
        } else {
          document.open();
          document.write(xhr.responseText);
          document.close();
        }
      };
      xhr.onerror = function () {
        note.textContent = form.getAttribute("data-failed");
        button.disabled = false;
      };
      xhr.send(new FormData(form));
    });
  });
});
