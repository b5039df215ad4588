import { describe, expect, it } from "vitest";
import { placeNewChart } from "../../worker/charts/placement";

describe("where a new chart lands", () => {
  it("at full width on an empty tab and below a full row", () => {
    expect(placeNewChart([], 8)).toEqual({ x: 0, y: 0, w: 12, h: 8 });
    expect(placeNewChart([{ x: 0, y: 0, w: 12, h: 5 }], 8)).toEqual({ x: 0, y: 5, w: 12, h: 8 });
  });

  it("beside the last row when it leaves half the grid or more free, filling the rest of the row", () => {
    const row = [
      { x: 0, y: 0, w: 12, h: 5 },
      { x: 0, y: 5, w: 6, h: 8 },
    ];
    expect(placeNewChart(row, 8)).toEqual({ x: 6, y: 5, w: 6, h: 8 });
    expect(placeNewChart([{ x: 0, y: 0, w: 4, h: 8 }], 5)).toEqual({ x: 4, y: 0, w: 8, h: 5 });
  });

  it("below everything when the free part of the last row is narrower than half the grid", () => {
    expect(placeNewChart([{ x: 0, y: 0, w: 7, h: 8 }], 8)).toEqual({ x: 0, y: 8, w: 12, h: 8 });
    // A narrow column on the right of the last row's left chart is not room either.
    const columns = [
      { x: 0, y: 0, w: 4, h: 8 },
      { x: 8, y: 0, w: 4, h: 8 },
    ];
    expect(placeNewChart(columns, 8)).toEqual({ x: 0, y: 8, w: 12, h: 8 });
  });

  it("not over a taller chart that reaches into the free part", () => {
    const layouts = [
      { x: 0, y: 0, w: 6, h: 4 },
      { x: 0, y: 4, w: 6, h: 4 },
      { x: 6, y: 0, w: 6, h: 6 },
    ];
    expect(placeNewChart(layouts, 8)).toEqual({ x: 0, y: 8, w: 12, h: 8 });
  });
});
