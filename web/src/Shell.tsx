import { useEffect, useState } from "react";
import { ChatLauncher } from "./chat/ChatLauncher";
import { Dashboard } from "./Dashboard";
import { inHome } from "./homes/current-home";
import { HomePage, HomeSwitcher, InvitePage } from "./homes/HomePage";
import { HomeRoleProvider, ViewerNote } from "./homes/home-role";
import { LiveChannel } from "./live-socket";
import { MetersPage } from "./meters/MetersPage";
import { NotificationBell } from "./notifications/NotificationBell";
import { ReportPage } from "./reports/ReportPage";
import { SharedPage } from "./shares/SharedPage";
import { TariffsPage } from "./tariffs/TariffsPage";
import "./notifications/notifications.css";
import type { Session } from "./session";
import { ThemeSwitch } from "./ThemeSwitch";

const VIEWS = { "/": "Dashboard", "/meters": "Meters", "/tariffs": "Tariffs", "/shared": "Shared", "/home": "Home" } as const;
type ViewPath = keyof typeof VIEWS;
/** A view in the navigation, or a page reached by a link (a report from its notification, an invite). */
type View = ViewPath | { report: string } | { invite: string };

const REPORT_PATH = /^\/reports\/([0-9a-f-]{36})$/;
const INVITE_PATH = /^\/invite\/([A-Za-z0-9_-]{43})$/;

function currentView(): View {
  const report = REPORT_PATH.exec(location.pathname);
  if (report) return { report: report[1] };
  const invite = INVITE_PATH.exec(location.pathname);
  if (invite) return { invite: invite[1] };
  return location.pathname in VIEWS ? (location.pathname as ViewPath) : "/";
}

/** The signed-in app: top bar, navigation between views, and the live channel they share. */
export function Shell({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const [view, setView] = useState<View>(currentView);
  const [live, setLive] = useState<LiveChannel | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new access token opens a new channel: the channel's ticket is asked for with the token current when it connects.
  useEffect(() => {
    const channel = new LiveChannel();
    void channel.connect();
    setLive(channel);
    return () => channel.close();
  }, [session.accessToken]);

  useEffect(() => {
    const onPop = () => setView(currentView());
    addEventListener("popstate", onPop);
    return () => removeEventListener("popstate", onPop);
  }, []);

  // Views stay in the home the URL shows.
  const go = (path: ViewPath) => {
    history.pushState(null, "", inHome(path));
    setView(path);
  };

  return (
    <HomeRoleProvider>
      <div className="app">
        <header className="topbar">
          <span className="brand">
            <span className="logo" aria-hidden="true">
              ⚡
            </span>{" "}
            <span className="brand-name">Wattboard</span>
          </span>
          <nav className="views" aria-label="Sections">
            {(Object.keys(VIEWS) as ViewPath[]).map((path) => (
              <a
                key={path}
                href={inHome(path)}
                aria-current={view === path ? "page" : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  go(path);
                }}
              >
                {VIEWS[path]}
              </a>
            ))}
          </nav>
          <span className="spacer" />
          <HomeSwitcher />
          <ChatLauncher live={live} showDashboard={() => go("/")} />
          <NotificationBell live={live} />
          <ThemeSwitch />
          <span className="muted account" title={session.email}>
            {session.email}
          </span>
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </header>
        <ViewerNote />
        {typeof view === "object" ? (
          "invite" in view ? (
            <InvitePage token={view.invite} />
          ) : (
            <ReportPage key={view.report} id={view.report} />
          )
        ) : view === "/home" ? (
          <HomePage />
        ) : view === "/meters" ? (
          <MetersPage live={live} />
        ) : view === "/tariffs" ? (
          <TariffsPage />
        ) : view === "/shared" ? (
          <SharedPage />
        ) : (
          <Dashboard live={live} goToMeters={() => go("/meters")} />
        )}
      </div>
    </HomeRoleProvider>
  );
}
