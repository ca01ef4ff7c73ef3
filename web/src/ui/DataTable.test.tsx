import { fireEvent, render, screen } from "@testing-library/preact";
import { describe, expect, it, vi } from "vitest";
import { DataTable } from "./DataTable";

type Row = { id: string; name: string };
const rows: Row[] = [
  { id: "1", name: "first" },
  { id: "2", name: "second" },
  { id: "3", name: "third" },
];
const columns = [{ header: "Name", cell: (row: Row) => row.name }];

describe("DataTable", () => {
  it("moves focus between rows with the arrow keys and opens the focused one with Enter", () => {
    const onOpen = vi.fn();
    render(
      <DataTable label="Things" rows={rows} columns={columns} rowKey={(r) => r.id} onOpen={onOpen} />,
    );
    const table = screen.getByRole("table", { name: "Things" });
    const bodyRows = table.querySelectorAll("tbody tr");
    (bodyRows[0] as HTMLElement).focus();

    fireEvent.keyDown(bodyRows[0], { key: "ArrowDown" });
    expect(document.activeElement).toBe(bodyRows[1]);
    fireEvent.keyDown(bodyRows[1], { key: "End" });
    expect(document.activeElement).toBe(bodyRows[2]);
    fireEvent.keyDown(bodyRows[2], { key: "ArrowDown" });
    expect(document.activeElement).toBe(bodyRows[2]);
    fireEvent.keyDown(bodyRows[2], { key: "k" });
    expect(document.activeElement).toBe(bodyRows[1]);
    fireEvent.keyDown(bodyRows[1], { key: "Enter" });

    expect(onOpen).toHaveBeenCalledWith(rows[1]);
  });

  it("keeps focus on its row while rows arrive above it, and moves it on when the row leaves", () => {
    const table = (shown: Row[]) => (
      <DataTable label="Things" rows={shown} columns={columns} rowKey={(r) => r.id} />
    );
    const view = render(table(rows));
    const second = screen.getByRole("table").querySelectorAll("tbody tr")[1] as HTMLElement;
    second.focus();

    view.rerender(table([{ id: "0", name: "newest" }, ...rows]));
    expect(document.activeElement).toBe(second);
    expect(document.activeElement?.textContent).toBe("second");

    view.rerender(table([{ id: "0", name: "newest" }, rows[0], rows[2]]));
    expect(document.activeElement?.textContent).toBe("third");
  });

  it("says so when there is nothing to show", () => {
    render(
      <DataTable label="Things" rows={[]} columns={columns} rowKey={(r) => r.id} empty="None." />,
    );
    const table = screen.getByRole("table", { name: "Things" });
    expect(table.querySelector("tbody td")?.textContent).toBe("None.");
    expect(table.querySelector("tbody td")?.getAttribute("colspan")).toBe("1");
  });
});
