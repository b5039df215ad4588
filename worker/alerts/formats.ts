/**
 * One AlertMessage, formatted for each kind of channel: the request's headers and body (the
 * generic webhook's signature headers are added at delivery, alerts/delivery.ts). Pure functions.
 */
import type { AlertMessage, ChannelKind } from "./contract";

export interface ChannelRequest {
  headers: Record<string, string>;
  body: string;
}

const JSON_HEADERS = { "content-type": "application/json" };

/**
 * The generic webhook's body, exactly the shape ../shared/DESIGN.md gives outside receivers:
 * {type, rule, meter, value, at, message}.
 */
export function webhookRequest(m: AlertMessage): ChannelRequest {
  const body = { type: m.type, rule: m.rule, meter: m.meter, value: m.value, at: m.at, message: m.message };
  return { headers: JSON_HEADERS, body: JSON.stringify(body) };
}

/** ntfy's tags become emoji in the notification when they name one. */
const NTFY_TAGS: Record<AlertMessage["type"], string> = {
  "alert.firing": "warning,zap",
  "alert.resolved": "white_check_mark,zap",
  test: "test_tube",
};

/**
 * ntfy: a POST of the text to the topic URL, with Title, Priority (5 "urgent"/max when urgent,
 * 3 "default" otherwise) and Tags headers. X-Priority repeats Priority: ntfy reads it first, and
 * a proxy in between may treat a bare Priority header as RFC 9218's. A non-ASCII title is sent as
 * an RFC 2047 encoded word, which ntfy decodes.
 */
export function ntfyRequest(m: AlertMessage): ChannelRequest {
  const priority = m.urgent ? "5" : "3";
  return {
    headers: {
      "content-type": "text/plain; charset=utf-8",
      Title: headerText(m.title),
      Priority: priority,
      "X-Priority": priority,
      Tags: NTFY_TAGS[m.type],
    },
    body: m.message,
  };
}

/** Slack incoming webhook: `text` (the notification's fallback) and blocks; <, > and & escaped so a name cannot mention @channel or forge a link. */
export function slackRequest(m: AlertMessage): ChannelRequest {
  const title = slackEscape(m.title);
  const text = slackEscape(m.message);
  const blocks = [
    { type: "header", text: { type: "plain_text", text: truncate(m.title, 150), emoji: true } },
    { type: "section", text: { type: "mrkdwn", text: truncate(text, 3000) } },
    { type: "context", elements: [{ type: "mrkdwn", text: `${slackEscape(contextLine(m))}` }] },
  ];
  return { headers: JSON_HEADERS, body: JSON.stringify({ text: truncate(`${title}: ${text}`, 3000), blocks }) };
}

const DISCORD_COLOURS: Record<AlertMessage["type"], number> = { "alert.firing": 0xd9480f, "alert.resolved": 0x2b8a3e, test: 0x868e96 };

/** Discord webhook: `content` plus one embed; allowed_mentions empty, so no name can ping @everyone. */
export function discordRequest(m: AlertMessage): ChannelRequest {
  const body = {
    content: truncate(m.title, 2000),
    embeds: [
      {
        title: truncate(m.title, 256),
        description: truncate(m.message, 4096),
        color: DISCORD_COLOURS[m.type],
        timestamp: m.at,
        footer: { text: truncate(contextLine(m), 2048) },
      },
    ],
    allowed_mentions: { parse: [] },
  };
  return { headers: JSON_HEADERS, body: JSON.stringify(body) };
}

/** Home Assistant webhook trigger: the message's fields as JSON (trigger.json in an automation). */
export function homeAssistantRequest(m: AlertMessage): ChannelRequest {
  const body = {
    type: m.type,
    title: m.title,
    message: m.message,
    urgent: m.urgent,
    value: m.value,
    at: m.at,
    rule: m.rule,
    meter: m.meter,
  };
  return { headers: JSON_HEADERS, body: JSON.stringify(body) };
}

export const FORMATS: Record<ChannelKind, (m: AlertMessage) => ChannelRequest> = {
  webhook: webhookRequest,
  ntfy: ntfyRequest,
  slack: slackRequest,
  discord: discordRequest,
  homeassistant: homeAssistantRequest,
};

function contextLine(m: AlertMessage): string {
  const parts = [m.meter?.name, m.rule?.name, m.type === "test" ? "Test from Wattboard" : "Wattboard"].filter(Boolean);
  return parts.join(" · ");
}

function slackEscape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A header value: plain when printable ASCII, else an RFC 2047 encoded word (UTF-8, base64). Line breaks never pass. */
export function headerText(text: string): string {
  const line = text.replace(/[\r\n]+/g, " ").trim();
  if (/^[\x20-\x7e]*$/.test(line)) return line;
  const bytes = new TextEncoder().encode(line);
  return `=?UTF-8?B?${btoa(String.fromCharCode(...bytes))}?=`;
}
