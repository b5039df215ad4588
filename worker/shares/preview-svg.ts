import { NO_TARIFF_NOTE } from "../costs/money-contract";
import type { PublicShare } from "./contract";

/** The size unfurls expect (1.91:1), also announced in oEmbed. */
export const PREVIEW_SIZE = { width: 1200, height: 630 };
const { width: WIDTH, height: HEIGHT } = PREVIEW_SIZE;
const PAD = { left: 80, right: 40, top: 150, bottom: 70 };
const COLORS = ["#d9860b", "#2f7fd1", "#2a9d6f", "#c2457a", "#7a5cc9"];

const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/**
 * The unfurl image of a shared link: its title and the first chart's lines, drawn on the server
 * so chat apps and social sites can show it without running JavaScript.
 */
export function sharePreviewSvg(share: PublicShare): string {
  const chart = share.charts[0];
  const lines: string[] = [];
  let subtitle = "No chart on this tab yet";
  if (chart) {
    subtitle = `${chart.title}${chart.unit ? ` (${chart.unit})` : ""}`;
    // A null value (a cost bucket without a price) is a gap in the line, never a 0.
    const points = chart.series.flatMap((s) => s.points).filter((p) => p.avg !== null);
    const times = points.map((p) => Date.parse(p.t));
    const values = points.map((p) => p.avg ?? 0);
    const [t0, t1] = [Math.min(...times), Math.max(...times)];
    const [v0, v1] = [Math.min(0, ...values), Math.max(...values)];
    const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0 || 1)) * (WIDTH - PAD.left - PAD.right);
    const y = (v: number) => HEIGHT - PAD.bottom - ((v - v0) / (v1 - v0 || 1)) * (HEIGHT - PAD.top - PAD.bottom);
    chart.series.forEach((series, i) => {
      if (series.points.length === 0) return;
      const path = series.points
        .map((p, j) =>
          p.avg === null
            ? ""
            : `${j && series.points[j - 1].avg !== null ? "L" : "M"}${x(Date.parse(p.t)).toFixed(1)},${y(p.avg).toFixed(1)}`,
        )
        .join("");
      lines.push(`<path d="${path}" fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="3" stroke-linejoin="round"/>`);
    });
    const latest = chart.summaries?.at(-1);
    if (latest) {
      // Stat cards and breakdowns have no line: the preview names the latest period's figures.
      const unknown = latest.costNote === NO_TARIFF_NOTE ? `cost unknown (${NO_TARIFF_NOTE})` : "cost unknown";
      const cost = latest.cost === null ? unknown : `${latest.cost.toFixed(2)} ${latest.currency}`;
      subtitle += ` · this ${latest.period.kind}: ${latest.energyKwh.toFixed(1)} kWh, ${cost}`;
    } else if (points.length === 0) subtitle += " · no readings in this window yet";
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="${PAD.left}" y="80" font-family="system-ui, sans-serif" font-size="44" font-weight="700" fill="#15181d">${escapeXml(share.title)}</text>
<text x="${PAD.left}" y="122" font-family="system-ui, sans-serif" font-size="26" fill="#5d6673">${escapeXml(subtitle)}</text>
<line x1="${PAD.left}" y1="${HEIGHT - PAD.bottom}" x2="${WIDTH - PAD.right}" y2="${HEIGHT - PAD.bottom}" stroke="#dde1e6" stroke-width="2"/>
${lines.join("\n")}
<text x="${WIDTH - PAD.right}" y="${HEIGHT - 24}" text-anchor="end" font-family="system-ui, sans-serif" font-size="22" fill="#d9860b">⚡ Wattboard</text>
</svg>`;
}
