// Paseban: the browser's location for field visits and before/after photos. A form marked
// data-geolocate gets its hidden data-geo fields filled; the form works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-geolocate]").forEach((form) => {
    const status = form.querySelector("[data-geo-status]");
    const button = form.querySelector("[data-geo-button]");
    const field = (name) => form.querySelector(`[data-geo="${name}"]`);
    const say = (text) => { if (status) status.textContent = text; };
    if (!("geolocation" in navigator)) {
      say("Peramban ini tidak memberi lokasi; kunjungan tetap dapat dicatat tanpa lokasi.");
      if (button) button.hidden = true;
      return;
    }
    const locate = () => {
      say("Mengambil lokasi…");
      navigator.geolocation.getCurrentPosition(
        (position) => {
          const { latitude, longitude, accuracy } = position.coords;
          if (field("lat")) field("lat").value = latitude.toFixed(6);
          if (field("lon")) field("lon").value = longitude.toFixed(6);
          if (field("accuracy")) field("accuracy").value = Math.round(accuracy);
          say(`Lokasi: ${latitude.toFixed(5)}, ${longitude.toFixed(5)} (±${Math.round(accuracy)} m)`);
        },
        (error) => {
          say(error.code === 1
            ? "Izin lokasi ditolak; kunjungan tetap dapat dicatat tanpa lokasi."
            : "Lokasi tidak didapat; coba lagi di tempat terbuka.");
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    };
    if (button) button.addEventListener("click", locate);
    locate();
  });
});
