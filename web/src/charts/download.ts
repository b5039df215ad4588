import type { PlotlyModule } from "./plotly";

/** Saves text as a file through a temporary link (no server round trip). */
export function downloadText(filename: string, text: string, type = "text/csv") {
  downloadBlob(filename, new Blob([text], { type }));
}

/** Saves bytes as a file through a temporary link. */
export function downloadBlob(filename: string, blob: Blob) {
  const url = URL.createObjectURL(blob);
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
  title: string;
  /** Meters, window, unit: one line under the title. */
  subtitle: string;
}

const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Saves a file the page holds as a URL (a data URL or an object URL). */
export function downloadUrl(url: string, filename: string) {
  Object.assign(document.createElement("a"), { href: url, download: filename }).click();
}

const themeColor = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
const pageFont = () => getComputedStyle(document.body).fontFamily;

/**
 * A drawn Plotly chart as a PNG (data URL) that stands alone: the theme's card background (the
 * live chart is transparent over its card, which a file does not have), the page's own font
 * (Plotly's "inherit" has no parent in an image and falls back to serif) and the caption above
 * the plot. Null when the element holds no drawn chart.
 */
export async function chartPicture(Plotly: PlotlyModule, element: HTMLElement, caption: PictureCaption) {
  const drawn = element as HTMLElement & Partial<Plotly.PlotlyHTMLElement>;
  if (!drawn.data || !drawn.layout) return null;
  const background = themeColor("--surface");
  const family = pageFont();
  // A legend drawn above the plot needs the band's room too, under the caption.
  const legendOnTop = drawn.layout.showlegend && (drawn.layout.legend?.y ?? 0) >= 1;
  const captionHeight = legendOnTop ? 80 : 56;
  const margin = drawn.layout.margin ?? {};
  return Plotly.toImage(
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
          font: { family, size: 16, color: themeColor("--text") },
        },
      },
    },
    { format: "png", width: element.clientWidth, height: element.clientHeight + captionHeight, scale: 2 },
  );
}

const SCALE = 2;

/** A canvas in the theme's colours at twice the size (as Plotly's pictures), with the page's font. */
function themedCanvas(width: number, height: number, background: string) {
  const canvas = Object.assign(document.createElement("canvas"), { width: width * SCALE, height: height * SCALE });
  const context = canvas.getContext("2d")!;
  context.scale(SCALE, SCALE);
  context.fillStyle = background;
  context.fillRect(0, 0, width, height);
  return { canvas, context, font: pageFont() };
}

/** A chart that is text (stat cards) as a picture: its caption, then one line per figure. */
export function textPicture(caption: PictureCaption, lines: string[], width: number): string {
  const height = 80 + lines.length * 26;
  const { canvas, context, font } = themedCanvas(width, height, themeColor("--surface"));
  context.fillStyle = themeColor("--text");
  context.font = `bold 16px ${font}`;
  context.fillText(caption.title, 12, 28);
  context.font = `12px ${font}`;
  context.fillStyle = themeColor("--muted");
  context.fillText(caption.subtitle, 12, 48);
  context.fillStyle = themeColor("--text");
  context.font = `15px ${font}`;
  for (const [i, line] of lines.entries()) context.fillText(line, 12, 80 + i * 26);
  return canvas.toDataURL("image/png");
}

/** One chart's picture and where its card sits on the grid, in CSS pixels from the grid's corner. */
export interface PlacedPicture {
  url: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

const loadImage = (url: string) =>
  new Promise<HTMLImageElement>((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error("a chart's picture could not be read"));
    image.src = url;
  });

/**
 * The tab as one PNG: its title above the charts' pictures, each where its card is on the
 * dashboard (fitted into the card, keeping its proportions), on the page's background.
 */
export async function tabPicture(title: string, pictures: PlacedPicture[], width: number, height: number): Promise<string> {
  const header = 56;
  const pad = 16;
  const { canvas, context, font } = themedCanvas(width + 2 * pad, height + header + pad, themeColor("--bg"));
  context.fillStyle = themeColor("--text");
  context.font = `bold 22px ${font}`;
  context.fillText(title, pad, 38);
  for (const picture of pictures) {
    const image = await loadImage(picture.url);
    const fit = Math.min(picture.width / image.width, picture.height / image.height);
    context.drawImage(image, pad + picture.x, header + picture.y, image.width * fit, image.height * fit);
  }
  return canvas.toDataURL("image/png");
}
