import { createContext, type ReactNode, useContext, useEffect, useState } from "react";
import { type Home, type HomeRole, homesApi } from "../api/homes";
import { currentHomeParam } from "./current-home";

/** The home being shown: the URL's, else the personal one. */
export function shownHome(homes: Home[]): Home | undefined {
  const param = currentHomeParam();
  return param ? homes.find((h) => h.id === param) : homes.find((h) => h.personal);
}

export interface HomeRoleState {
  /** The homes the person is in; null until loaded. */
  homes: Home[] | null;
  /** The home on screen and the person's role in it. */
  home: Home | undefined;
  role: HomeRole | null;
  /**
   * Whether the controls that change the home are shown: editors and owners. False until the role
   * is known, so a viewer never sees a control the server would refuse (403).
   */
  canEdit: boolean;
}

const HomeRoleContext = createContext<HomeRoleState>({ homes: null, home: undefined, role: null, canEdit: false });

/** Loads the person's homes once for the page (a switch reloads it) and tells every view the role. */
export function HomeRoleProvider({ children }: { children: ReactNode }) {
  const [homes, setHomes] = useState<Home[] | null>(null);
  useEffect(() => {
    homesApi.list().then(setHomes, () => setHomes(null));
  }, []);
  const home = homes ? shownHome(homes) : undefined;
  const role = home?.role ?? null;
  return (
    <HomeRoleContext.Provider value={{ homes, home, role, canEdit: role === "owner" || role === "editor" }}>
      {children}
    </HomeRoleContext.Provider>
  );
}

/** The person's role in the home on screen: the one place views ask whether to show edit controls. */
export function useHomeRole(): HomeRoleState {
  return useContext(HomeRoleContext);
}

/** One line under the top bar for a viewer: why nothing can be changed here, and whom to ask. */
export function ViewerNote() {
  const { home, role } = useHomeRole();
  const [owners, setOwners] = useState<string[]>([]);
  useEffect(() => {
    if (!home || role !== "viewer") return;
    homesApi.members(home.id).then(
      (members) => setOwners(members.filter((m) => m.role === "owner" && m.email).map((m) => m.email as string)),
      () => setOwners([]),
    );
  }, [home, role]);
  if (!home || role !== "viewer") return null;
  return (
    <p className="viewer-note" role="status" data-testid="viewer-note">
      You are a viewer in {home.name}: you can look and ask the chat, not change anything. To edit, ask{" "}
      {owners.length ? `an owner (${owners.join(", ")})` : "an owner"} to make you an editor.
    </p>
  );
}

/**
 * Forms of the home's settings that a viewer may read but not send: every control inside is
 * disabled for a viewer (a native disabled fieldset), so what is set stays visible.
 */
export function EditorOnly({ children }: { children: ReactNode }) {
  const { canEdit } = useHomeRole();
  return (
    <fieldset className="editor-only" disabled={!canEdit}>
      {children}
    </fieldset>
  );
}
