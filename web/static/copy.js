// Copy-to-clipboard buttons: <button data-copy="input-id">.
document.querySelectorAll("[data-copy]").forEach((btn) => {
  btn.addEventListener("click", async () => {
    const input = document.getElementById(btn.dataset.copy);
    const state = document.getElementById("copy-state");
    try {
      await navigator.clipboard.writeText(input.value);
      if (state) state.textContent = "Link copied.";
    } catch {
      input.select();
      if (state) state.textContent = "Press Ctrl+C to copy the selected link.";
    }
  });
});
