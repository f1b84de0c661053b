// A plain, accessible data table: a caption for screen readers, header cells
// with scope, numbers right-aligned.
export function table(element, columns, rows, caption, empty = "") {
  const cap = document.createElement("caption");
  cap.className = "visually-hidden";
  cap.textContent = caption;
  const head = document.createElement("thead");
  const headRow = head.insertRow();
  for (const column of columns) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = column.label;
    if (column.numeric) th.className = "num";
    headRow.append(th);
  }
  const body = document.createElement("tbody");
  for (const row of rows) {
    const tr = body.insertRow();
    for (const column of columns) {
      const cell = document.createElement(column.head ? "th" : "td");
      if (column.head) cell.scope = "row";
      const value = column.value(row);
      if (value instanceof Node) cell.append(value);
      else cell.textContent = value;
      // A long name cut short by CSS, in full on hover.
      if (column.head) cell.title = column.title ? column.title(row) : cell.textContent;
      if (column.numeric) cell.className = "num";
      tr.append(cell);
    }
  }
  if (!rows.length && empty) {
    const cell = body.insertRow().insertCell();
    cell.colSpan = columns.length;
    cell.className = "empty";
    cell.textContent = empty;
  }
  element.replaceChildren(cap, head, body);
}
