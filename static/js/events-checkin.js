/* Check-in at the door (events_manage:checkin).
 * - Keeps the scan input focused and selected, so a keyboard-wedge scanner (types the QR text, then Enter) can
 *   scan ticket after ticket.
 * - Polls the list's counts (JSON: expected, checked_in, inside) every data-poll-seconds seconds.
 * - Where the browser has a BarcodeDetector, offers "scan with the camera": opens the camera (getUserMedia),
 *   detects a QR code and submits its rawValue. Elsewhere the page works with a scanner or a typed code.
 */
(function () {
  "use strict";

  var form = document.querySelector("[data-checkin-form]");
  if (!form) { return; }
  var input = form.querySelector("[data-checkin-input]");

  function focusInput() {
    if (input) { input.focus(); input.select(); }
  }
  focusInput();

  var submitted = false;
  form.addEventListener("submit", function (event) {
    if (submitted) { event.preventDefault(); return; }  // the nonce guards the server; this guards the button
    if (input && !input.value.trim()) { event.preventDefault(); focusInput(); return; }
    submitted = true;
  });

  // --- Live counts ---------------------------------------------------------------------------------------------
  var counts = document.querySelector("[data-checkin-counts]");
  if (counts && window.fetch) {
    var url = counts.getAttribute("data-checkin-counts");
    var seconds = parseInt(counts.getAttribute("data-poll-seconds"), 10) || 10;
    var refresh = function () {
      if (document.hidden) { return; }
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          ["expected", "checked_in", "inside"].forEach(function (name) {
            var cell = counts.querySelector('[data-count="' + name + '"]');
            if (cell && typeof data[name] === "number") { cell.textContent = String(data[name]); }
          });
        })
        .catch(function () { /* offline for a moment: try again at the next tick */ });
    };
    window.setInterval(refresh, seconds * 1000);
  }

  // --- Camera ----------------------------------------------------------------------------------------------------
  var cameraButton = form.querySelector("[data-checkin-camera]");
  var videoBox = form.querySelector("[data-checkin-video]");
  var video = form.querySelector("[data-checkin-stream]");
  var stopButton = form.querySelector("[data-checkin-camera-stop]");
  if (!("BarcodeDetector" in window) || !cameraButton || !video ||
      !(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) {
    return;
  }
  cameraButton.hidden = false;
  var stream = null;
  var detector = null;
  var running = false;

  function stopCamera() {
    running = false;
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    videoBox.hidden = true;
    cameraButton.hidden = false;
    focusInput();
  }

  function detectLoop() {
    if (!running) { return; }
    detector.detect(video).then(function (codes) {
      var found = codes && codes.length ? codes[0].rawValue : "";
      if (found && running) {
        input.value = found;
        stopCamera();
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
        return;
      }
      window.setTimeout(detectLoop, 200);
    }).catch(function () { window.setTimeout(detectLoop, 500); });
  }

  cameraButton.addEventListener("click", function () {
    try {
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    } catch (error) {
      cameraButton.hidden = true;
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        videoBox.hidden = false;
        cameraButton.hidden = true;
        running = true;
        return video.play();
      })
      .then(detectLoop)
      .catch(function () { stopCamera(); });
  });
  if (stopButton) { stopButton.addEventListener("click", stopCamera); }
  window.addEventListener("pagehide", stopCamera);
})();
