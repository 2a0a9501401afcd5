// What the stand-in API answers (pure): reads a Messages API request body as Claude Code sends
// it, guesses which conversation it belongs to (main, sub-agent, compaction call, side request),
// counts the PAD:N markers still in the conversation, and picks the scripted answer from the
// newest user message's keywords. Input: the parsed request body. Output: plain data used by
// src/demo/standin-api.ts.

export type ThreadKind = 'main' | 'subagent' | 'side' | 'compact';

export interface ContentBlockIn {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: unknown;
}
export interface MessageIn { role: string; content: string | ContentBlockIn[] }
export interface ToolIn { name: string; input_schema?: { properties?: Record<string, unknown>; required?: string[] } }
export interface MessagesBody {
  model?: string;
  messages?: MessageIn[];
  system?: string | Array<{ type: string; text?: string }>;
  tools?: ToolIn[];
  stream?: boolean;
  max_tokens?: number;
}

/** Marks the prompt the stand-in gives its sub-agents, so their requests can be told apart. */
export const SUBAGENT_MARKER = '[standin-subagent]';
/** Marks the summary the stand-in writes for a compaction; PAD markers under it do not count. */
export const SUMMARY_MARKER = '[standin-summary]';
/** Keywords the stand-in reacts to (see answerFor). */
export const PAD_RE = /(?:^|\s)PAD:(\d+)/g;
/**
 * In a tool's output (not in what the user typed): stands for a file of N tokens that the tool
 * read, e.g. `TOOL:echo FILE:$((60000))` (the shell's arithmetic keeps the typed prompt free of
 * the marker). Lets one turn grow the context after its first request, as a large file read does.
 */
export const FILE_RE = /(?:^|\s)FILE:(\d+)/g;
export const TOOL_RE = /^TOOL:(.+)$/s;
export const AGENT_RE = /^AGENT\b\s*(.*)$/s;
export const NOTE_RE = /write (?:a )?checkpoint note to [`'"]?([^\s`'"]+\.md)/i;
export const WRITE_RE = /^WRITE:\s*(\S+)/;
/**
 * Claude Code's compaction call ends the conversation with a user message asking for a summary
 * of it (2.1.330: "Your task is to create a detailed summary of the conversation so far …").
 */
export const COMPACT_PROMPT_RE = /create a detailed summary of the conversation|summary of the conversation so far|your task is to (?:create|write) a (?:detailed )?summary/i;
/** Claude Code's side request that names the session ("generate a … title"). */
export const TITLE_RE = /\btitle\b/i;

/** Text Claude Code adds to user messages itself: reminders, and the record of a slash command. */
const NOT_TYPED_RE = /<(system-reminder|local-command-caveat|local-command-stdout|local-command-stderr|command-name|command-message|command-args)>[\s\S]*?<\/\1>/g;

function blocks(m: MessageIn): ContentBlockIn[] {
  return typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : Array.isArray(m.content) ? m.content : [];
}

/** What the user typed in one message: its text blocks without Claude Code's system reminders. */
export function userText(m: MessageIn): string {
  if (m.role !== 'user') return '';
  return blocks(m)
    .filter((b) => b.type === 'text' && typeof b.text === 'string')
    .map((b) => (b.text ?? '').replace(NOT_TYPED_RE, '').trim())
    .filter((t) => t !== '')
    .join('\n');
}

function messages(body: MessagesBody): MessageIn[] { return Array.isArray(body.messages) ? body.messages : []; }

/** The user and assistant turns: 2.1.330 also puts `system` messages among them (environment, notices). */
function turns(body: MessagesBody): MessageIn[] { return messages(body).filter((m) => m.role === 'user' || m.role === 'assistant'); }

function systemText(body: MessagesBody): string {
  if (typeof body.system === 'string') return body.system;
  if (Array.isArray(body.system)) return body.system.map((b) => b.text ?? '').join('\n');
  return '';
}

/** The newest user message that has text the user typed (tool results and reminders skipped). */
export function newestUserText(body: MessagesBody): string {
  const ms = messages(body);
  for (let i = ms.length - 1; i >= 0; i--) {
    const m = ms[i];
    if (m && m.role === 'user') { const t = userText(m); if (t !== '') return t; }
  }
  return '';
}

/**
 * What the user typed in the conversation's last message, '' when that message is Claude Code's
 * own (a background task's notification, tool results). Keywords are read from this only, so a
 * notification after `AGENT go` is not taken as a second `AGENT go`.
 */
export function latestTyped(body: MessagesBody): string {
  const ms = turns(body);
  const last = ms[ms.length - 1];
  return last && last.role === 'user' ? userText(last) : '';
}

/** The tool calls answered by the last message, if it is a user message of tool results. */
export function answeredToolCalls(body: MessagesBody): Array<{ id: string; name: string | null; input: unknown }> {
  const ms = turns(body);
  const last = ms[ms.length - 1];
  if (!last || last.role !== 'user') return [];
  const results = blocks(last).filter((b) => b.type === 'tool_result');
  if (results.length === 0) return [];
  const prev = ms[ms.length - 2];
  const uses = prev && prev.role === 'assistant' ? blocks(prev).filter((b) => b.type === 'tool_use') : [];
  return results.map((r) => {
    const use = uses.find((u) => u.id === r.tool_use_id);
    return { id: r.tool_use_id ?? '', name: use?.name ?? null, input: use?.input };
  });
}

function isSummaryMessage(m: MessageIn): boolean {
  return blocks(m).some((b) => typeof b.text === 'string' && b.text.includes(SUMMARY_MARKER));
}

/** The text of a tool result block (a string, or text blocks). */
function toolResultText(b: ContentBlockIn): string {
  if (b.type !== 'tool_result') return '';
  if (typeof b.content === 'string') return b.content;
  if (!Array.isArray(b.content)) return '';
  return (b.content as unknown[]).map((c) => (typeof c === 'object' && c !== null && typeof (c as { text?: unknown }).text === 'string' ? (c as { text: string }).text : '')).join('\n');
}

/**
 * Tokens of padding still in the conversation: the sum of N over every `PAD:N` the user typed
 * in a message the request still carries, and every `FILE:N` in a tool result it carries. A
 * compaction summary the stand-in wrote is skipped, so after /compact or /clear the padding is
 * gone and the context shrinks.
 */
export function padInConversation(body: MessagesBody): number {
  let pad = 0;
  for (const m of messages(body)) {
    if (m.role !== 'user' || isSummaryMessage(m)) continue;
    for (const match of userText(m).matchAll(PAD_RE)) pad += Number(match[1]);
    for (const b of blocks(m)) for (const match of toolResultText(b).matchAll(FILE_RE)) pad += Number(match[1]);
  }
  return pad;
}

/** Which conversation a request belongs to, judged from its body alone. */
export function threadKind(body: MessagesBody): ThreadKind {
  const ms = turns(body);
  const last = ms[ms.length - 1];
  if (last && last.role === 'user' && COMPACT_PROMPT_RE.test(userText(last))) return 'compact';
  const first = ms.find((m) => m.role === 'user');
  if (first && userText(first).includes(SUBAGENT_MARKER)) return 'subagent';
  if (!Array.isArray(body.tools) || body.tools.length === 0) return 'side';
  return 'main';
}

/** What Claude Code's telemetry would likely call it (`query_source`); a guess for assertions. */
export function querySourceGuess(kind: ThreadKind, body: MessagesBody): string {
  switch (kind) {
    case 'main': return 'repl_main_thread';
    case 'compact': return 'compact';
    case 'subagent': return 'agent';
    case 'side': return TITLE_RE.test(systemText(body)) ? 'generate_session_title' : 'side';
  }
}

/** The session's working folder, from the environment section Claude Code sends. */
export function sessionCwd(body: MessagesBody): string | null {
  const m = /Primary working directory: ([^\n\\"]+)/.exec(JSON.stringify(body));
  return m?.[1]?.trim() ?? null;
}

/** The name and input of the sub-agent tool this Claude Code offers (`Agent`, formerly `Task`). */
export function subagentCall(body: MessagesBody, task: string): { name: string; input: Record<string, unknown> } | null {
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const tool = tools.find((t) => t.name === 'Agent') ?? tools.find((t) => t.name === 'Task');
  if (!tool) return null;
  const input: Record<string, unknown> = { description: 'standin subagent', prompt: `${SUBAGENT_MARKER} ${task}`.trim() };
  const props = tool.input_schema?.properties ?? {};
  const required = tool.input_schema?.required ?? [];
  // Older versions require subagent_type; newer ones default to general-purpose when it is left out.
  if ('subagent_type' in props && required.includes('subagent_type')) input.subagent_type = 'general-purpose';
  return { name: tool.name, input };
}

export type ScriptedAnswer =
  | { kind: 'text'; text: string }
  | { kind: 'tool_use'; name: string; input: Record<string, unknown> }
  | { kind: 'error'; status: number; errorType: string; message: string };

export interface AnswerContext {
  /** The request's number at the stand-in (1-based), shown as "Reply N". */
  seq: number;
  /** The context it reports for this request. */
  contextTokens: number;
  thread: ThreadKind;
  refuseWrites: boolean;
}

function noteContent(body: MessagesBody, notePath: string): string {
  const prompts = messages(body).map(userText).filter((t) => t !== '' && !NOTE_RE.test(t) && !WRITE_RE.test(t));
  const goal = prompts[0] ?? 'continue the session';
  const done = prompts.slice(-5).map((p) => `- ${p.split('\n')[0]?.slice(0, 100) ?? ''}`);
  return [
    '# Checkpoint note', '',
    '## Goal', goal.split('\n')[0]?.slice(0, 200) ?? goal, '',
    '## Done', ...(done.length ? done : ['- nothing yet']), '',
    '## Next', `- Continue from this note (${notePath}).`, '',
  ].join('\n');
}

function resolveNotePath(path: string, body: MessagesBody): string {
  if (path.startsWith('/')) return path;
  const cwd = sessionCwd(body);
  return cwd ? `${cwd.replace(/\/+$/, '')}/${path.replace(/^\.\//, '')}` : path;
}

/** The scripted answer to one request (see the keywords above). */
export function answerFor(body: MessagesBody, ctx: AnswerContext): ScriptedAnswer {
  const reply = (prefix = ''): ScriptedAnswer => ({ kind: 'text', text: `${prefix}Reply ${ctx.seq}: context about ${ctx.contextTokens} tokens.` });
  if (ctx.thread === 'compact') {
    return { kind: 'text', text: `<summary>\n${SUMMARY_MARKER} The user and the stand-in exchanged scripted test messages; nothing is pending.\n</summary>` };
  }
  if (ctx.thread === 'side') return { kind: 'text', text: 'Standin session' };
  if (ctx.thread === 'subagent') {
    return answeredToolCalls(body).length ? reply('Sub-agent done. ') : reply('Sub-agent: ');
  }
  const answered = answeredToolCalls(body);
  if (answered.length > 0) {
    const write = answered.find((a) => a.name === 'Write');
    const path = write && typeof write.input === 'object' && write.input !== null ? (write.input as { file_path?: unknown }).file_path : undefined;
    if (typeof path === 'string') return { kind: 'text', text: `Checkpoint note written to ${path}. Reply ${ctx.seq}: context about ${ctx.contextTokens} tokens.` };
    return reply('Tool done. ');
  }
  const text = latestTyped(body);
  const tool = TOOL_RE.exec(text);
  if (tool?.[1]) return { kind: 'tool_use', name: 'Bash', input: { command: tool[1].trim(), description: 'Run the scripted command' } };
  const agent = AGENT_RE.exec(text);
  if (agent) {
    const call = subagentCall(body, agent[1] ?? '');
    if (call) return { kind: 'tool_use', ...call };
  }
  const note = NOTE_RE.exec(text)?.[1] ?? WRITE_RE.exec(text)?.[1];
  if (note !== undefined) {
    if (ctx.refuseWrites) return { kind: 'text', text: `I will not write ${note} now. Reply ${ctx.seq}: context about ${ctx.contextTokens} tokens.` };
    const filePath = resolveNotePath(note, body);
    return { kind: 'tool_use', name: 'Write', input: { file_path: filePath, content: noteContent(body, filePath) } };
  }
  return reply();
}
