// A category's extra questions, typed like Open311 attributes: string, text,
// number, datetime, singlevaluelist, multivaluelist. Required ones are marked
// and checked before the report is sent.

function field(question) {
  const id = `q-${question.code}`;
  const wrap = document.createElement("div");
  wrap.className = "question";
  wrap.dataset.code = question.code;
  wrap.dataset.datatype = question.datatype;
  const text = question.description + (question.required ? " *" : "");
  if (question.datatype === "singlevaluelist" || question.datatype === "multivaluelist") {
    const set = document.createElement("fieldset");
    set.className = "question-set";
    const legend = document.createElement("legend");
    legend.className = "label";
    legend.textContent = text;
    set.append(legend);
    const type = question.datatype === "singlevaluelist" ? "radio" : "checkbox";
    for (const value of question.values) {
      const label = document.createElement("label");
      label.className = "inline-choice";
      const input = document.createElement("input");
      input.type = type;
      input.name = id;
      input.value = value.key;
      label.append(input, ` ${value.name}`);
      set.append(label);
    }
    wrap.append(set);
    return wrap;
  }
  const label = document.createElement("label");
  label.className = "label";
  label.htmlFor = id;
  label.textContent = text;
  const input = document.createElement(question.datatype === "text" ? "textarea" : "input");
  input.id = id;
  if (question.datatype === "number") {
    input.type = "number";
    input.inputMode = "decimal";
  } else if (question.datatype === "datetime") {
    input.type = "datetime-local";
  } else if (question.datatype === "string") {
    input.type = "text";
    input.maxLength = 200;
  } else {
    input.rows = 2;
    input.maxLength = 2000;
  }
  wrap.append(label, input);
  return wrap;
}

export function renderQuestions(container, category) {
  const questions = [...(category?.questions ?? [])].sort((a, b) => a.order - b.order);
  container.replaceChildren(...questions.map(field));
}

// datetime-local has no zone: the citizen means Cilegon's time (WIB).
function withZone(local) {
  return local.length === 16 ? `${local}:00+07:00` : `${local}+07:00`;
}

export function readAnswers(container, category) {
  const answers = {};
  const missing = [];
  for (const question of category?.questions ?? []) {
    const wrap = container.querySelector(`[data-code="${question.code}"]`);
    let value = null;
    if (question.datatype === "multivaluelist") {
      const checked = [...wrap.querySelectorAll("input:checked")].map((i) => i.value);
      value = checked.length ? checked : null;
    } else if (question.datatype === "singlevaluelist") {
      value = wrap.querySelector("input:checked")?.value ?? null;
    } else {
      const raw = wrap.querySelector("input, textarea").value.trim();
      if (raw) {
        if (question.datatype === "number") value = Number(raw);
        else if (question.datatype === "datetime") value = withZone(raw);
        else value = raw;
      }
    }
    if (value === null || Number.isNaN(value)) {
      if (question.required) missing.push(question.description);
    } else {
      answers[question.code] = value;
    }
  }
  return { answers, missing };
}
