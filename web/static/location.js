// Where the phone is, only when its user ticks the box: the check and the report send latitude,longitude in a
// hidden field. Without a tick, or when the browser refuses, nothing is sent.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll("input[data-location-target]")) {
    const target = document.getElementById(box.dataset.locationTarget);
    if (!target) continue;
    box.addEventListener("change", () => {
      target.value = "";
      if (!box.checked || !navigator.geolocation) return;
      navigator.geolocation.getCurrentPosition(
        (position) => {
          target.value = position.coords.latitude.toFixed(5) + "," + position.coords.longitude.toFixed(5);
        },
        () => { box.checked = false; },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 60000 });
    });
  }
});
