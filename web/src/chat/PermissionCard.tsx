import { useEffect, useRef, useState } from "react";
import type { PermissionDecision } from "../api/chat";
import { prettyJson, toolLabel } from "./tool-words";
import type { OpenRequest } from "./use-chat";

/** What the tool would do, in a line, for the inputs people care about; the JSON is below it. */
function gist(tool: string, input: unknown): string | null {
  const value = input as {
    title?: string;
    spec?: { metric?: string; chartType?: string; window?: { preset?: string } };
    peakLimitKw?: number;
    capacityKwh?: number;
    name?: string;
    energyKwh?: number;
    toHour?: number;
    tariff?: { kind?: string; price?: number };
  } | null;
  if (tool === "create_chart" && value?.title)
    return `“${value.title}”${value.spec?.chartType ? ` as a ${value.spec.chartType} chart` : ""}`;
  if (tool === "create_tab" && value?.title) return `a tab called “${value.title}”`;
  if (tool === "set_goal" && value?.peakLimitKw) return `peak limit ${value.peakLimitKw} kW`;
  if (tool === "set_battery" && value?.capacityKwh) return `a ${value.capacityKwh} kWh battery`;
  if (tool === "set_deferrable_load" && value?.name) return `“${value.name}”: ${value.energyKwh} kWh by ${value.toHour}:00`;
  if (tool === "set_tariff" && value?.tariff?.kind)
    return value.tariff.kind === "flat" ? `a flat price of ${value.tariff.price} per kWh` : `a ${value.tariff.kind} tariff`;
  return null;
}

/** "Optimizer wants to create a chart": approve once, always for this session, or deny, before the countdown ends. */
export function PermissionCard({
  request,
  otherSession,
  onAnswer,
}: {
  request: OpenRequest;
  otherSession?: string;
  onAnswer: (decision: PermissionDecision) => void;
}) {
  const [now, setNow] = useState(Date.now());
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    first.current?.focus({ preventScroll: true });
  }, []);
  const left = Math.max(0, Math.ceil((request.deadline - now) / 1000));
  const what = gist(request.tool, request.input);
  const answering = request.answering;

  return (
    <section className="chat-permission card" aria-label={`Permission: ${request.summary}`} data-testid="permission-card">
      <header>
        <strong>
          {request.agent} wants to {toolLabel(request.tool).toLowerCase()}
        </strong>
        <span className="muted" aria-live="off">
          {left > 0 ? `${left} s left` : "timed out"}
        </span>
      </header>
      <div className="chat-countdown" aria-hidden="true">
        <span style={{ width: `${Math.min(100, (left / Math.max(1, request.timeoutSeconds)) * 100)}%` }} />
      </div>
      {otherSession && <p className="muted">In session “{otherSession}”</p>}
      {what && <p>{what}</p>}
      <details>
        <summary>Input</summary>
        <pre>{prettyJson(request.input)}</pre>
      </details>
      {answering ? (
        <p className="muted" role="status">
          {answering === "deny" ? "Denied." : "Approved, running…"}
        </p>
      ) : (
        <div className="chat-permission-actions">
          <button type="button" ref={first} className="primary" disabled={left === 0} onClick={() => onAnswer("once")}>
            Approve once
          </button>
          <button type="button" disabled={left === 0} onClick={() => onAnswer("always")}>
            Always for this session
          </button>
          <button type="button" className="danger-button" disabled={left === 0} onClick={() => onAnswer("deny")}>
            Deny
          </button>
        </div>
      )}
    </section>
  );
}
