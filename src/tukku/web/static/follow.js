// Progressive enhancement only: without this file the page says the status changes on its
// own and offers a Refresh link.
// A region with data-follow="URL" is on its way somewhere (a customer provisioning): fetch
// URL now and then, and copy each [data-follow-part] element's content from the fresh page
// into the element with the same id here (a role="status" one is announced), until the fresh
// page no longer follows anything.
const region = document.querySelector("[data-follow]");
const FIRST_WAIT_MS = 1000;
const LONGEST_WAIT_MS = 15000;

async function follow(url, wait) {
  let fresh;
  try {
    const answer = await fetch(url, { headers: { Accept: "text/html" }, cache: "no-store" });
    if (!answer.ok) throw new Error(String(answer.status));
    fresh = new DOMParser().parseFromString(await answer.text(), "text/html");
  } catch {
    setTimeout(() => follow(url, Math.min(wait * 2, LONGEST_WAIT_MS)), wait);
    return;
  }
  for (const part of document.querySelectorAll("[data-follow-part]")) {
    const update = fresh.getElementById(part.id);
    if (update && update.innerHTML !== part.innerHTML) part.innerHTML = update.innerHTML;
  }
  if (fresh.querySelector("[data-follow]")) {
    setTimeout(() => follow(url, Math.min(wait * 1.5, LONGEST_WAIT_MS)), wait);
  } else {
    region.removeAttribute("data-follow");
  }
}

if (region) setTimeout(() => follow(region.dataset.follow, FIRST_WAIT_MS), FIRST_WAIT_MS);
