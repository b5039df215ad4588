import { useEffect, useRef, useState } from "react";
import { alertRulesApi } from "../api/alert-rules";
import { errorText } from "../api/client";
import { type Notification, notificationsApi } from "../api/notifications";
import type { LiveChannel } from "../live-socket";
import { openAppPath } from "../navigation";
import { ErrorLine } from "../ui/ErrorLine";
import { StrokeIcon } from "../ui/StrokeIcon";

function ago(iso: string): string {
  const minutes = Math.round((Date.now() - Date.parse(iso)) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 24 ? `${hours} h ago` : new Date(iso).toLocaleDateString();
}

const HOUR_MS = 3_600_000;
/** How long the bell's buttons silence an alert rule for. */
const SILENCES = [
  { label: "Silence 1 h", ms: HOUR_MS },
  { label: "Silence 1 day", ms: 24 * HOUR_MS },
];

/** The bell in the top bar: unread count, and the inbox of what the model found, in the person's words. */
export function NotificationBell({ live }: { live: LiveChannel | null }) {
  const [items, setItems] = useState<Notification[]>([]);
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fresh, setFresh] = useState(false);
  /** Silenced rules: rule id -> until (ISO), from the rules' silencedUntil each time the inbox opens, so a reload or the rules panel agree. */
  const [silenced, setSilenced] = useState<Record<string, string>>({});
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    notificationsApi.list().then(
      (inbox) => {
        setItems(inbox.notifications);
        setUnread(inbox.unreadCount);
      },
      (caught) => setError(errorText(caught)),
    );
  }, []);

  useEffect(
    () =>
      live?.subscribe((event) => {
        if (event.type !== "notification") return;
        const notification = event.payload as Notification;
        setItems((current) => [notification, ...current.filter((n) => n.id !== notification.id)]);
        setUnread((count) => count + 1);
        // Quiet hours: into the inbox without drawing attention.
        if (!notification.silent) setFresh(true);
      }),
    [live],
  );

  const hasAlerts = items.some((n) => n.kind === "alert_firing" && n.alertRuleId);
  useEffect(() => {
    if (!open || !hasAlerts) return;
    alertRulesApi.list().then(
      (rules) => {
        const now = Date.now();
        setSilenced(
          Object.fromEntries(
            rules
              .filter((rule) => rule.silencedUntil && Date.parse(rule.silencedUntil) > now)
              .map((rule) => [rule.id, rule.silencedUntil!]),
          ),
        );
      },
      (caught) => setError(errorText(caught)),
    );
  }, [open, hasAlerts]);

  useEffect(() => {
    if (!open) return;
    const outside = (event: PointerEvent) => !root.current?.contains(event.target as Node) && setOpen(false);
    const onEscape = (event: KeyboardEvent) => event.key === "Escape" && setOpen(false);
    addEventListener("pointerdown", outside);
    addEventListener("keydown", onEscape);
    return () => {
      removeEventListener("pointerdown", outside);
      removeEventListener("keydown", onEscape);
    };
  }, [open]);

  async function read(notification: Notification) {
    if (notification.read) return;
    try {
      const updated = await notificationsApi.markRead(notification.id);
      setItems((current) => current.map((n) => (n.id === updated.id ? updated : n)));
      setUnread((count) => Math.max(0, count - 1));
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  async function readAll() {
    try {
      await notificationsApi.markAllRead();
      setItems((current) => current.map((n) => ({ ...n, read: true })));
      setUnread(0);
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  async function remove(notification: Notification) {
    try {
      await notificationsApi.remove(notification.id);
      setItems((current) => current.filter((n) => n.id !== notification.id));
      if (!notification.read) setUnread((count) => Math.max(0, count - 1));
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  /** The rule keeps being judged and recorded; nobody is told until then (PATCH silencedUntil). */
  async function silence(notification: Notification, ms: number) {
    const ruleId = notification.alertRuleId!;
    try {
      const rule = await alertRulesApi.update(ruleId, { silencedUntil: new Date(Date.now() + ms).toISOString() });
      setSilenced((current) => ({ ...current, [ruleId]: rule.silencedUntil! }));
      void read(notification);
    } catch (caught) {
      setError(errorText(caught));
    }
  }

  return (
    <div className="bell" ref={root}>
      <button
        type="button"
        className={fresh ? "bell-button fresh" : "bell-button"}
        aria-label={unread ? `Notifications, ${unread} unread` : "Notifications"}
        aria-expanded={open}
        onClick={() => {
          setOpen(!open);
          setFresh(false);
        }}
      >
        <StrokeIcon>
          <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </StrokeIcon>
        {unread > 0 && (
          <span className="badge" data-testid="unread-count">
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </button>
      {open && (
        <section className="card inbox" aria-label="Notifications">
          <header>
            <h2>Notifications</h2>
            {unread > 0 && (
              <button type="button" onClick={() => void readAll()}>
                Mark all read
              </button>
            )}
          </header>
          <ErrorLine error={error} />
          {items.length === 0 && (
            <p className="muted empty-inbox">
              Nothing yet. When the model finds something worth knowing about your meters (a peak above your limit, a plan that saves money,
              unusual consumption), it appears here.
            </p>
          )}
          <ul>
            {items.map((notification) => (
              <li key={notification.id} className={notification.read ? "read" : "unread"}>
                <button type="button" className="notification" onClick={() => void read(notification)}>
                  <strong>{notification.title}</strong>
                  <span className="body">{notification.body}</span>
                  <span className="muted when">
                    {ago(notification.createdAt)}
                    {notification.context[0] && ` · from your chat "${notification.context[0].sessionTitle}"`}
                  </span>
                </button>
                {notification.kind === "alert_firing" && notification.alertRuleId && (
                  <div className="silence">
                    {silenced[notification.alertRuleId] ? (
                      <span className="muted">
                        Silenced until{" "}
                        {new Date(silenced[notification.alertRuleId]).toLocaleString([], {
                          weekday: "short",
                          hour: "2-digit",
                          minute: "2-digit",
                        })}
                      </span>
                    ) : (
                      SILENCES.map(({ label, ms }) => (
                        <button key={label} type="button" onClick={() => void silence(notification, ms)}>
                          {label}
                        </button>
                      ))
                    )}
                  </div>
                )}
                {notification.link && (
                  <a
                    className="notification-link"
                    href={notification.link}
                    onClick={(e) => {
                      e.preventDefault();
                      void read(notification);
                      setOpen(false);
                      openAppPath(notification.link!);
                    }}
                  >
                    {notification.kind === "report" ? "Open the report" : "Open"}
                  </a>
                )}
                <button
                  type="button"
                  className="dismiss"
                  aria-label={`Delete "${notification.title}"`}
                  onClick={() => void remove(notification)}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
