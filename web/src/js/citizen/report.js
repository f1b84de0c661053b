// The citizen's report form: category (with the 112 notice for emergencies
// and the category's own questions), description, a pin or the phone's
// location, photos, privacy, optional contact; then POST /v1/reports.
import { ApiError, newKey, request } from "../api.js";
import { cityMap } from "../citymap.js";
import { featureAt } from "../geo.js";
import { applyTranslations, bindLangToggle, lang, onLangChange, t } from "../i18n.js";
import { renderQuestions, readAnswers } from "./questions.js";
import { rememberReport } from "./saved.js";

const $ = (id) => document.getElementById(id);
const L = window.L;
const MAX_PHOTOS = 3;

const state = {
  categories: [],
  category: null,
  point: null, // { lat, lon, accuracy_m }
  photos: [], // { id, url, name }
  uploading: 0,
  // One key per filled-in form: a retry after a timeout cannot file it twice.
  idempotencyKey: newKey(),
};

let pick = null;

async function loadCategories() {
  const answer = await request("/v1/categories");
  state.categories = answer.categories;
  renderCategoryOptions();
}

function renderCategoryOptions() {
  const select = $("category");
  const chosen = select.value;
  select.replaceChildren(new Option(t("report.category.choose"), ""));
  const groups = new Map();
  for (const category of state.categories) {
    const key = category.group.code;
    if (!groups.has(key)) {
      const group = document.createElement("optgroup");
      group.label = lang() === "en" ? category.group.name_en : category.group.name_id;
      groups.set(key, group);
      select.append(group);
    }
    const name = lang() === "en" ? category.name_en : category.name_id;
    groups.get(key).append(new Option(category.emergency ? `${name} ⚠` : name, category.code));
  }
  select.value = chosen;
}

function chooseCategory(code) {
  const category = state.categories.find((c) => c.code === code) ?? null;
  state.category = category;
  $("category-help").textContent = category
    ? lang() === "en"
      ? category.description_en
      : category.description_id
    : "";
  const numbers = category?.call_numbers ?? [];
  $("emergency").hidden = numbers.length === 0;
  renderNumbers($("emergency-numbers"), numbers);
  renderQuestions($("questions"), category);
  if (category) {
    const privacy = document.querySelector(`input[name=privacy][value="${category.default_privacy}"]`);
    if (privacy) privacy.checked = true;
  }
  $("photo-help").textContent = category?.photo_required
    ? t("report.photo.required")
    : t("report.photo.help");
}

function renderNumbers(container, numbers) {
  container.replaceChildren(
    ...numbers.map((n) => {
      const link = document.createElement("a");
      link.href = `tel:${n}`;
      link.className = "call";
      link.textContent = `☎ ${n}`;
      return link;
    }),
  );
}

// ---------------------------------------------------------------- location

let pin = null;

function setPoint(lat, lon, accuracy = null) {
  state.point = { lat: round(lat), lon: round(lon), accuracy_m: accuracy ? Math.round(accuracy) : null };
  const at = [lat, lon];
  if (!pin) {
    pin = L.marker(at, { draggable: true, keyboard: true, title: t("report.where.pin"), alt: t("report.where.pin") });
    pin.on("dragend", () => {
      const moved = pin.getLatLng();
      setPoint(moved.lat, moved.lng);
    });
    pin.addTo(pick.map);
  } else {
    pin.setLatLng(at);
  }
  describePoint();
}

function round(value) {
  return Math.round(value * 1e6) / 1e6;
}

function describePoint() {
  const where = $("where");
  where.classList.remove("warn");
  if (!state.point) {
    where.textContent = t("report.where.none");
    return;
  }
  const feature = featureAt(pick.areas.kelurahan, state.point.lon, state.point.lat);
  if (!feature) {
    where.textContent = t("report.where.outside");
    where.classList.add("warn");
    return;
  }
  where.textContent = t("report.where.in", {
    kelurahan: feature.properties.kelurahan,
    kecamatan: feature.properties.kecamatan,
  });
}

function locate() {
  if (!navigator.geolocation) {
    showError(t("report.where.nogps"));
    return;
  }
  $("locate").disabled = true;
  navigator.geolocation.getCurrentPosition(
    (position) => {
      $("locate").disabled = false;
      const { latitude, longitude, accuracy } = position.coords;
      setPoint(latitude, longitude, accuracy);
      pick.map.setView([latitude, longitude], Math.max(pick.map.getZoom(), 16));
    },
    () => {
      $("locate").disabled = false;
      showError(t("report.where.denied"));
    },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
  );
}

// ---------------------------------------------------------------- photos

async function addPhoto(file) {
  if (!file) return;
  if (state.photos.length + state.uploading >= MAX_PHOTOS) {
    showError(t("report.photo.max", { n: MAX_PHOTOS }));
    return;
  }
  const item = document.createElement("li");
  item.className = "photo uploading";
  item.textContent = t("report.photo.uploading");
  $("photos").append(item);
  state.uploading += 1;
  try {
    const body = new FormData();
    body.append("file", file, file.name || "foto.jpg");
    const media = await request("/v1/media", { method: "POST", body });
    const photo = { id: media.id, url: `/v1/media/${media.id}`, name: file.name };
    state.photos.push(photo);
    renderPhoto(item, photo);
  } catch (error) {
    item.remove();
    showError(problemText(error));
  } finally {
    state.uploading -= 1;
  }
}

function renderPhoto(item, photo) {
  item.className = "photo";
  const image = document.createElement("img");
  image.src = photo.url;
  image.alt = t("report.photo.alt", { name: photo.name || "" });
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "photo-remove";
  remove.textContent = "×";
  remove.setAttribute("aria-label", t("report.photo.remove"));
  remove.addEventListener("click", () => {
    state.photos = state.photos.filter((p) => p !== photo);
    item.remove();
  });
  item.replaceChildren(image, remove);
}

// ---------------------------------------------------------------- submit

function showError(text) {
  const box = $("form-error");
  box.textContent = text;
  box.hidden = !text;
  if (text) box.scrollIntoView({ behavior: "smooth", block: "center" });
}

function problemText(error) {
  if (!(error instanceof ApiError)) return t("error.generic");
  if (error.status === 0) return t("error.network");
  if (error.status === 429 || error.status === 503) {
    return t("error.retry", { s: error.retryAfter ?? 5 });
  }
  if (error.status === 413) return t("error.too_large");
  if (error.status === 415) return t("error.media_type");
  return error.message;
}

// The problems of a 422 next to their fields, named in the page's words.
const FIELD_LABELS = {
  category: "report.category",
  description: "report.description",
  location: "report.step.where",
  media_ids: "report.step.photo",
  reporter: "report.step.contact",
  answers: "report.step.category",
};

function fieldProblems(error) {
  return error.fieldErrors
    .map((e) => `${t(FIELD_LABELS[e.path.split(".")[0]] ?? "report.field")}: ${e.message}`)
    .join(" · ");
}

function draft() {
  const problems = [];
  if (!state.category) problems.push(t("report.need.category"));
  const description = $("description").value.trim();
  if (!description) problems.push(t("report.need.description"));
  if (!state.point) problems.push(t("report.need.location"));
  if (state.category?.photo_required && state.photos.length === 0) problems.push(t("report.need.photo"));
  if (state.uploading > 0) problems.push(t("report.need.upload"));
  const { answers, missing } = readAnswers($("questions"), state.category);
  for (const question of missing) problems.push(t("report.need.answer", { q: question }));
  if (problems.length) return { problems };
  const reporter = {
    name: $("name").value.trim() || null,
    phone: $("phone").value.trim() || null,
    email: $("email").value.trim() || null,
  };
  return {
    body: {
      category: state.category.code,
      description,
      location: state.point,
      address_text: $("address").value.trim() || null,
      media_ids: state.photos.map((p) => p.id),
      answers,
      reporter: reporter.name || reporter.phone || reporter.email ? reporter : null,
      privacy: document.querySelector("input[name=privacy]:checked").value,
    },
  };
}

async function submit(event) {
  event.preventDefault();
  showError("");
  const { body, problems } = draft();
  if (problems) {
    showError(problems.join(" · "));
    return;
  }
  const button = $("submit");
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    const accepted = await request("/v1/reports", {
      method: "POST",
      json: body,
      headers: { "Idempotency-Key": state.idempotencyKey },
    });
    rememberReport({ token: accepted.tracking_token, category: body.category, at: accepted.submitted_at });
    showDone(accepted);
  } catch (error) {
    showError(error instanceof ApiError && error.status === 422 && error.fieldErrors.length
      ? fieldProblems(error)
      : problemText(error));
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

function showDone(accepted) {
  $("report-form").hidden = true;
  document.querySelector(".intro").hidden = true;
  const done = $("done");
  done.hidden = false;
  $("done-token").textContent = accepted.tracking_token;
  $("done-track").href = `/lacak/${encodeURIComponent(accepted.tracking_token)}`;
  $("done-emergency").hidden = accepted.call_numbers.length === 0;
  renderNumbers($("done-numbers"), accepted.call_numbers);
  done.focus();
  window.scrollTo({ top: 0 });
}

// ---------------------------------------------------------------- start

async function main() {
  applyTranslations();
  bindLangToggle($("lang"));
  $("report-form").addEventListener("submit", submit);
  $("category").addEventListener("change", (e) => chooseCategory(e.target.value));
  $("locate").addEventListener("click", locate);
  $("photo").addEventListener("change", (e) => {
    addPhoto(e.target.files[0]);
    e.target.value = "";
  });
  onLangChange(() => {
    renderCategoryOptions();
    chooseCategory(state.category?.code ?? "");
    describePoint();
  });
  pick = await cityMap($("pick-map"), { labels: true });
  pick.map.on("click", (e) => setPoint(e.latlng.lat, e.latlng.lng));
  try {
    await loadCategories();
  } catch (error) {
    showError(problemText(error));
  }
}

main();
