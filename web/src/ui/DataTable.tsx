import type { ComponentChildren } from "preact";
import { useLayoutEffect, useRef } from "preact/hooks";

export type Column<Row> = {
  header: string;
  cell: (row: Row) => ComponentChildren;
  className?: string;
};

type Props<Row> = {
  label: string;
  rows: Row[];
  columns: Column<Row>[];
  rowKey: (row: Row) => string;
  onOpen?: (row: Row) => void;
  empty?: ComponentChildren;
};

/**
 * A table that scrolls sideways on narrow screens; rows are focusable, arrow keys
 * (and j/k) move between them, Home/End jump, Enter opens the focused row. Rows are keyed,
 * so the focused row keeps focus while rows change around it; when it leaves the table,
 * focus moves to the row now in its place.
 */
export function DataTable<Row>({ label, rows, columns, rowKey, onOpen, empty }: Props<Row>) {
  const body = useRef<HTMLTableSectionElement>(null);
  const focused = useRef<{ key: string; index: number } | null>(null);

  useLayoutEffect(() => {
    const was = focused.current;
    if (!was) return;
    const index = rows.findIndex((row) => rowKey(row) === was.key);
    if (index >= 0) {
      focused.current = { key: was.key, index };
    } else if (document.activeElement === document.body || !document.activeElement) {
      focused.current = null;
      if (rows.length) focusRow(Math.min(was.index, rows.length - 1));
    } else {
      focused.current = null;
    }
  }, [rows]);

  function focusRow(index: number) {
    const all = body.current?.querySelectorAll<HTMLTableRowElement>("tr");
    if (!all || all.length === 0) return;
    all[Math.max(0, Math.min(all.length - 1, index))].focus();
  }

  function onKeyDown(event: KeyboardEvent, index: number, row: Row) {
    const moves: Record<string, number> = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1 };
    if (event.key in moves) {
      event.preventDefault();
      focusRow(index + moves[event.key]);
    } else if (event.key === "Home") {
      event.preventDefault();
      focusRow(0);
    } else if (event.key === "End") {
      event.preventDefault();
      focusRow(rows.length - 1);
    } else if (event.key === "Enter" && onOpen) {
      event.preventDefault();
      onOpen(row);
    }
  }

  return (
    <div class="table-scroll">
      <table aria-label={label}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" class={column.className}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody ref={body}>
          {rows.length === 0 ? (
            <tr class="empty">
              <td colSpan={columns.length}>{empty ?? "Nothing here yet."}</td>
            </tr>
          ) : null}
          {rows.map((row, index) => (
            <tr
              key={rowKey(row)}
              tabIndex={0}
              class={onOpen ? "openable" : undefined}
              onKeyDown={(event) => onKeyDown(event, index, row)}
              onFocus={() => (focused.current = { key: rowKey(row), index })}
              onBlur={(event) => {
                // focus moved elsewhere on purpose; a row removed under it has no such target
                if (event.relatedTarget) focused.current = null;
              }}
              onDblClick={onOpen ? () => onOpen(row) : undefined}
            >
              {columns.map((column) => (
                <td class={column.className}>{column.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
