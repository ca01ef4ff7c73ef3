import { describe, expect, it } from "vitest";
import { match } from "./router";

describe("match", () => {
  it("names the parts of a path and ignores the query", () => {
    expect(match("/orders/:id", "/orders/T3JkZXI6MQ%3D%3D?tab=lines")).toEqual({ id: "T3JkZXI6MQ==" });
    expect(match("/orders/:id", "/orders")).toBeNull();
    expect(match("/stock", "/inventory")).toBeNull();
  });
});
