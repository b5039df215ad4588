import { type FormEvent, useCallback, useEffect, useState } from "react";
import { errorText } from "../api/client";
import { type AuditEvent, type HomeRole, homesApi, type Invite, type Member } from "../api/homes";
import { ErrorBanner } from "../ui/ErrorBanner";
import { switchHome } from "./current-home";
import { useHomeRole } from "./home-role";
import "./homes.css";

const ROLE_WORDS: Record<HomeRole, string> = {
  owner: "Owner: everything, including members and deleting the home",
  editor: "Editor: meters, tabs, charts, rules and settings",
  viewer: "Viewer: looks and asks the chat; changes nothing",
};
const ROLES = Object.keys(ROLE_WORDS) as HomeRole[];
const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** The homes the person is in (to switch or start one), and the shown home's members, invites and audit log. */
export function HomePage() {
  const { homes, home } = useHomeRole();
  const [members, setMembers] = useState<Member[] | null>(null);
  const [invite, setInvite] = useState<Invite | null>(null);
  const [inviteRole, setInviteRole] = useState<HomeRole>("editor");
  const [inviteEmail, setInviteEmail] = useState("");
  const [audit, setAudit] = useState<AuditEvent[] | null>(null);
  const [newName, setNewName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const report = useCallback((caught: unknown) => setError(errorText(caught)), []);

  const owner = home?.role === "owner";

  const loadMembers = useCallback(
    (id: string) => {
      homesApi.members(id).then(setMembers, report);
    },
    [report],
  );

  useEffect(() => {
    if (!home) return;
    loadMembers(home.id);
    if (home.role === "owner") homesApi.audit(home.id).then(setAudit, report);
  }, [home, loadMembers, report]);

  async function create(event: FormEvent) {
    event.preventDefault();
    try {
      const made = await homesApi.create(newName);
      switchHome(made.id);
    } catch (caught) {
      report(caught);
    }
  }

  async function act(work: () => Promise<unknown>) {
    try {
      await work();
      if (home) loadMembers(home.id);
    } catch (caught) {
      report(caught);
    }
  }

  const me = homes?.find((h) => h.personal)?.id;

  return (
    <main className="workspace meters homes-page">
      <h2>Homes</h2>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <section className="card">
        <h3>Your homes</h3>
        <ul className="home-list">
          {homes?.map((h) => (
            <li key={h.id}>
              <button
                type="button"
                aria-current={h.id === home?.id ? "true" : undefined}
                onClick={() => switchHome(h.personal ? null : h.id)}
              >
                {h.name}
              </button>{" "}
              <span className="muted">
                {h.role}
                {h.personal ? ", personal" : ""}
              </span>
            </li>
          ))}
        </ul>
        <form className="home-create" aria-label="New home" onSubmit={(e) => void create(e)}>
          <label>
            New home <input value={newName} onChange={(e) => setNewName(e.target.value)} placeholder="Flat 3, the shop…" required />
          </label>
          <button type="submit">Start it</button>
        </form>
      </section>

      {home && (
        <section className="card" aria-label="Members">
          <h3>Members of {home.name}</h3>
          <p className="muted" data-testid="my-role">
            You are {home.role === "owner" ? "an" : "a"} {ROLE_WORDS[home.role].toLowerCase()}.
          </p>
          <table className="meter-table members-table">
            <thead>
              <tr>
                <th>Person</th>
                <th>Role</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {members?.map((m) => (
                <tr key={m.userId} data-member={m.email ?? m.userId}>
                  <td>{m.email ?? m.userId}</td>
                  <td>
                    {owner && m.userId !== home.id ? (
                      <select
                        aria-label={`Role of ${m.email ?? m.userId}`}
                        value={m.role}
                        onChange={(e) => void act(() => homesApi.changeRole(home.id, m.userId, e.target.value as HomeRole))}
                      >
                        {ROLES.map((role) => (
                          <option key={role} value={role}>
                            {role}
                          </option>
                        ))}
                      </select>
                    ) : (
                      m.role
                    )}
                  </td>
                  <td className="actions">
                    {m.userId === me && !home.personal ? (
                      <button type="button" onClick={() => void act(() => homesApi.remove(home.id, m.userId)).then(() => switchHome(null))}>
                        Leave
                      </button>
                    ) : (
                      owner &&
                      m.userId !== home.id &&
                      m.userId !== me && (
                        <button type="button" onClick={() => void act(() => homesApi.remove(home.id, m.userId))}>
                          Remove
                        </button>
                      )
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {owner && (
            <div className="invite">
              <label>
                Invite as{" "}
                <select value={inviteRole} onChange={(e) => setInviteRole(e.target.value as HomeRole)}>
                  {ROLES.map((role) => (
                    <option key={role} value={role}>
                      {role}
                    </option>
                  ))}
                </select>
              </label>{" "}
              <label>
                E-mail (optional){" "}
                <input
                  type="email"
                  value={inviteEmail}
                  onChange={(e) => setInviteEmail(e.target.value)}
                  placeholder="sent by Supabase when set up"
                />
              </label>{" "}
              <button
                type="button"
                onClick={() => void homesApi.invite(home.id, inviteRole, inviteEmail.trim() || undefined).then(setInvite, report)}
              >
                Create invite link
              </button>
              {invite && (
                <p className="invite-link">
                  <input aria-label="Invite link" readOnly value={invite.url} onFocus={(e) => e.target.select()} />{" "}
                  <button type="button" onClick={() => void navigator.clipboard?.writeText(invite.url)}>
                    Copy
                  </button>{" "}
                  <span className="muted">
                    For one person, as {invite.role}, until {when.format(new Date(invite.expiresAt))}.
                    {invite.emailed ? " Sent by e-mail too." : ""}
                  </span>
                </p>
              )}
            </div>
          )}
        </section>
      )}

      {home && owner && (
        <section className="card" aria-label="Audit log">
          <h3>Audit log</h3>
          <p className="muted">Who did what in {home.name}, newest first; kept for a year.</p>
          <table className="meter-table audit-table">
            <tbody>
              {audit?.map((e) => (
                <tr key={`${e.at} ${e.action} ${e.actor.id} ${e.target.id}`}>
                  <td>{when.format(new Date(e.at))}</td>
                  <td>{e.actor.email ?? "a former member"}</td>
                  <td>{e.action}</td>
                  <td className="muted">{e.detail ? Object.values(e.detail).join(", ") : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </main>
  );
}

/** Where an invite link lands: join, then open the home. */
export function InvitePage({ token }: { token: string }) {
  const [error, setError] = useState<string | null>(null);
  async function join() {
    try {
      const { homeId } = await homesApi.accept(token);
      switchHome(homeId);
    } catch (caught) {
      setError(errorText(caught));
    }
  }
  return (
    <main className="workspace meters homes-page">
      <h2>You are invited to a home</h2>
      <p>Join it to see its meters, tabs and charts with the others.</p>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      <button type="button" onClick={() => void join()}>
        Join the home
      </button>
    </main>
  );
}

/** The topbar's home switcher: shown once the person is in more than one home. */
export function HomeSwitcher() {
  const { homes, home: shown } = useHomeRole();
  if (!homes || homes.length < 2) return null;
  return (
    <select
      className="home-switcher"
      aria-label="Home"
      value={shown?.id ?? ""}
      onChange={(e) => {
        const next = homes.find((h) => h.id === e.target.value);
        if (next) switchHome(next.personal ? null : next.id);
      }}
    >
      {homes.map((h) => (
        <option key={h.id} value={h.id}>
          {h.name}
          {h.role === "viewer" ? " (view only)" : ""}
        </option>
      ))}
    </select>
  );
}
