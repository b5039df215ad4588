import type { PlotlyModule } from "./plotly";

/** Saves text as a file through a temporary link (no server round trip). */
export function downloadText(filename: string, text: string, type = "text/csv") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = Object.assign(document.createElement("a"), { href: url, download: filename });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

export function fileSafe(title: string): string {
  return (
    title
      .replace(/[^\p{L}\p{N}]+/gu, "-")
      .replace(/^-|-$/g, "")
      .toLowerCase() || "chart"
  );
}

/** What an exported picture says above the chart, as the card does: its title, meters, window and unit. */
export interface PictureCaption {
  filename: string;
  title: string;
  /** Meters, window, unit: one line under the title. */
  subtitle: string;
}

const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * Saves a drawn Plotly chart as a PNG that stands alone: the theme's card background (the live
 * chart is transparent over its card, which a file does not have), the page's own font (Plotly's
 * "inherit" has no parent in an image and falls back to serif) and the caption above the plot.
 */
export async function downloadChartPng(Plotly: PlotlyModule, element: HTMLElement, caption: PictureCaption) {
  const drawn = element as HTMLElement & Partial<Plotly.PlotlyHTMLElement>;
  if (!drawn.data || !drawn.layout) return;
  const css = getComputedStyle(document.documentElement);
  const color = (name: string) => css.getPropertyValue(name).trim();
  const background = color("--surface");
  const family = getComputedStyle(document.body).fontFamily;
  const captionHeight = 56;
  const margin = drawn.layout.margin ?? {};
  const url = await Plotly.toImage(
    {
      data: drawn.data,
      layout: {
        ...drawn.layout,
        paper_bgcolor: background,
        plot_bgcolor: background,
        font: { ...drawn.layout.font, family },
        hoverlabel: { ...drawn.layout.hoverlabel, font: { ...drawn.layout.hoverlabel?.font, family } },
        margin: { ...margin, t: (margin.t ?? 0) + captionHeight, l: margin.l, r: margin.r, b: margin.b },
        title: {
          text: `<b>${escapeHtml(caption.title)}</b><br><span style="font-size:12px">${escapeHtml(caption.subtitle)}</span>`,
          x: 0.01,
          xanchor: "left",
          xref: "container",
          y: 1,
          yanchor: "top",
          yref: "container",
          pad: { t: 24 },
          font: { family, size: 16, color: color("--text") },
        },
      },
    },
    { format: "png", width: element.clientWidth, height: element.clientHeight + captionHeight, scale: 2 },
  );
  const link = Object.assign(document.createElement("a"), { href: url, download: `${caption.filename}.png` });
  link.click();
}
