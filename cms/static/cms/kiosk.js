/* Kiosk mode: back to the start after a while without a touch (with a countdown in the last 10 s), no way out
   of the kiosk, no selection, no zoom, and a keypad that types without a round trip to the server.
   Every screen also works without this file: links are plain links and the keypad's keys submit the form. */
(function () {
  "use strict";
  var body = document.body;
  var COUNTDOWN_SECONDS = 10;

  /* How long without a touch: the page says (90 s); ?idle=N (3 to 600) overrides it for this browser tab,
     so that tests and the staff setting a kiosk up need not wait. */
  function idleSeconds() {
    var asked = parseInt(new URLSearchParams(window.location.search).get("idle"), 10);
    try {
      if (asked >= 3 && asked <= 600) { window.sessionStorage.setItem("kiosk-idle", String(asked)); }
      asked = parseInt(window.sessionStorage.getItem("kiosk-idle"), 10);
    } catch (error) { /* storage refused: the page's own value */ }
    return asked >= 3 && asked <= 600 ? asked : parseInt(body.getAttribute("data-idle-seconds"), 10) || 90;
  }

  function startIdleTimer() {
    if (body.hasAttribute("data-at-start")) { return; }
    var home = body.getAttribute("data-home-url");
    var banner = document.getElementById("kiosk-countdown");
    var counter = banner && banner.querySelector("[data-countdown]");
    var seconds = idleSeconds();
    var deadline;

    function touched() {
      deadline = Date.now() + seconds * 1000;
      if (banner) { banner.hidden = true; }
    }
    function tick() {
      var left = Math.ceil((deadline - Date.now()) / 1000);
      if (left <= 0) { window.location.replace(home); return; }
      if (banner && left <= COUNTDOWN_SECONDS) {
        counter.textContent = String(left);
        banner.hidden = false;
      }
    }
    ["pointerdown", "touchstart", "keydown", "wheel"].forEach(function (type) {
      document.addEventListener(type, touched, {passive: true, capture: true});
    });
    touched();
    window.setInterval(tick, 250);
  }

  function lockDown() {
    var inside = /^\/[a-z]{2}\/borne\//;
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href]");
      if (!link) { return; }
      var url = new URL(link.href, window.location.href);
      if (url.origin !== window.location.origin || !inside.test(url.pathname)) { event.preventDefault(); }
    });
    ["contextmenu", "selectstart", "dragstart", "gesturestart"].forEach(function (type) {
      document.addEventListener(type, function (event) { event.preventDefault(); });
    });
    document.addEventListener("wheel", function (event) {
      if (event.ctrlKey) { event.preventDefault(); }  // a touchpad's pinch arrives as ctrl + wheel
    }, {passive: false});
    document.addEventListener("touchmove", function (event) {
      if (event.touches.length > 1) { event.preventDefault(); }
    }, {passive: false});
  }

  function keypad(form) {
    var field = form.querySelector("[data-digits]");
    var numberOut = form.querySelector("[data-number]");
    var keyOut = form.querySelector("[data-key]");
    var numberDigits = parseInt(form.getAttribute("data-number-digits"), 10);
    var total = numberDigits + parseInt(form.getAttribute("data-key-digits"), 10);
    var entries = form.querySelectorAll("[data-entry]");

    function show(digits) {
      var number = digits.slice(0, numberDigits);
      field.value = digits;
      numberOut.textContent = number.length > 4 ? number.slice(0, 4) + "-" + number.slice(4) : number;
      keyOut.textContent = "•".repeat(digits.length - number.length);
      var typingKey = number.length === numberDigits;
      entries.forEach(function (entry) {
        entry.classList.toggle("is-active", (entry.getAttribute("data-entry") === "key") === typingKey);
      });
    }

    form.addEventListener("click", function (event) {
      var button = event.target.closest("button[name=press]");
      if (!button || button.value === "ok") { return; }  // "ok" submits: the server looks the request up
      event.preventDefault();
      var digits = field.value;
      if (/^[0-9]$/.test(button.value)) {
        if (digits.length < total) { digits += button.value; }
      } else if (button.value === "back") {
        digits = digits.slice(0, -1);
      } else if (button.value === "clear") {
        digits = "";
      }
      show(digits);
    });
  }

  startIdleTimer();
  lockDown();
  document.querySelectorAll("form[data-keypad]").forEach(keypad);
}());
