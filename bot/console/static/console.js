// MRC console: live refresh, new-chat alerts, canned replies and the SMS counter.
// Plain script, no build step; the pages work without it (reload by hand).
(function () {
  "use strict";

  // --- live regions: <div data-live="url" data-every="seconds"> --------------------
  var baseTitle = document.title;
  var lastWaiting = null;
  var soundOn = false;

  function beep() {
    if (!soundOn || !window.AudioContext) { return; }
    var ctx = new AudioContext();
    var osc = ctx.createOscillator();
    osc.frequency.value = 880;
    osc.connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.25);
  }

  function alertNew(count) {
    document.title = count > 0 ? "(" + count + ") " + baseTitle : baseTitle;
    if (lastWaiting !== null && count > lastWaiting) { beep(); }
    lastWaiting = count;
  }

  function refresh(region) {
    var url = region.getAttribute("data-live");
    fetch(url, { cache: "no-cache", credentials: "same-origin" }).then(function (response) {
      if (response.status === 401 || response.redirected) { window.location.reload(); return null; }
      if (!response.ok) { return null; }
      var waiting = response.headers.get("X-Waiting");
      if (waiting !== null) { alertNew(parseInt(waiting, 10)); }
      return response.text();
    }).then(function (html) {
      if (html === null || html === undefined || html === region.getAttribute("data-html")) { return; }
      var list = region.querySelector(".messages");
      var atBottom = !list || list.scrollTop + list.clientHeight >= list.scrollHeight - 30;
      var hadMessages = region.querySelectorAll("[data-message]").length;
      region.innerHTML = html;
      region.setAttribute("data-html", html);
      list = region.querySelector(".messages");
      if (list && atBottom) { list.scrollTop = list.scrollHeight; }
      if (region.getAttribute("data-alert") === "history" &&
          region.querySelectorAll("li.in[data-message]").length > 0 &&
          region.querySelectorAll("[data-message]").length > hadMessages && document.hidden) {
        document.title = "(new) " + baseTitle;
        beep();
      }
    }).catch(function () { /* offline for a moment: try again next time */ });
  }

  window.mrcSmsFigures = smsFigures;  // the browser test compares it with bot/channels/sms.py

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && document.title.indexOf("(new)") === 0) { document.title = baseTitle; }
  });

  // --- SMS counter: GSM-7 (160 / 153 per part) or UCS-2 (70 / 67 per part) ---------
  var GSM = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var GSM_EXTENSION = "^{}\\[~]|€\f";

  function smsFigures(text) {
    var units = 0, gsm = true, chars = Array.from(text);
    chars.forEach(function (ch) {
      if (GSM.indexOf(ch) >= 0) { units += 1; }
      else if (GSM_EXTENSION.indexOf(ch) >= 0) { units += 2; }
      else { gsm = false; }
    });
    if (!gsm) {
      units = 0;
      chars.forEach(function (ch) { units += ch.codePointAt(0) > 0xFFFF ? 2 : 1; });
      return { encoding: "UCS-2", units: units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
    }
    return { encoding: "GSM-7", units: units, segments: units <= 160 ? 1 : Math.ceil(units / 153) };
  }

  function wireCounter(area) {
    var out = document.getElementById(area.getAttribute("data-sms-counter"));
    function update() {
      var f = smsFigures(area.value);
      out.textContent = area.value.length === 0 ? "" :
        f.units + " characters · " + f.encoding + " · " + f.segments + " SMS segment" +
        (f.segments === 1 ? "" : "s") + (f.encoding === "UCS-2" ? " (this script costs 70 characters a segment)" : "");
    }
    area.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-live]").forEach(function (region) {
      var every = parseFloat(region.getAttribute("data-every") || "5") * 1000;
      var list = region.querySelector(".messages");
      if (list) { list.scrollTop = list.scrollHeight; }
      var count = document.getElementById("waiting-count");
      if (count && region.getAttribute("data-alert") === "queue") { alertNew(parseInt(count.textContent, 10)); }
      setInterval(function () { refresh(region); }, every);
    });
    document.querySelectorAll("[data-sms-counter]").forEach(wireCounter);
    document.querySelectorAll("select[data-canned]").forEach(function (select) {
      select.addEventListener("change", function () {
        var area = document.getElementById(select.getAttribute("data-canned"));
        if (select.value) { area.value = select.value; area.dispatchEvent(new Event("input")); area.focus(); }
      });
    });
    var sound = document.getElementById("sound");
    if (sound) {
      soundOn = window.localStorage.getItem("mrc-sound") === "on";
      var show = function () { sound.textContent = soundOn ? "Sound on" : "Sound off"; sound.setAttribute("aria-pressed", String(soundOn)); };
      show();
      sound.addEventListener("click", function () {
        soundOn = !soundOn;
        window.localStorage.setItem("mrc-sound", soundOn ? "on" : "off");
        show();
        beep();
      });
    }
  });
}());
