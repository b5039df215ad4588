import type { ChatModel } from "./use-chat";

/** Which agent answers: the built-in Analyst and Optimizer, and the person's own. */
export function AgentPicker({ chat }: { chat: ChatModel }) {
  return (
    <label className="chat-picker" title={chat.agent?.instructions}>
      <span>Agent</span>
      <select aria-label="Agent" value={chat.agent?.id ?? "analyst"} onChange={(e) => void chat.pickAgent(e.target.value)}>
        {chat.agents.length === 0 && <option value="analyst">Analyst</option>}
        {chat.agents.map((agent) => (
          <option key={agent.id} value={agent.id}>
            {agent.name}
            {agent.builtIn ? "" : " (yours)"}
          </option>
        ))}
      </select>
    </label>
  );
}
