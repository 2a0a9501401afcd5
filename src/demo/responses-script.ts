// What the Responses API stand-in answers (pure): reads an OpenAI Responses API request as Codex
// CLI sends it (`POST /v1/responses`), tells which conversation it belongs to (the main thread,
// the title request, a compaction), counts the padding still in it (src/demo/padding.ts), and
// picks the scripted answer from what the user typed last. Input: the parsed body and Codex's
// `x-codex-turn-metadata` header. Output: plain data for src/demo/responses-standin.ts.
//
// Seen on Codex 0.171.0 (offline, custom provider with `wire_api = "responses"`):
// - `input` holds `message` items (roles developer, user, assistant; content parts `input_text`
//   or `output_text`), `function_call` items (`call_id`, `name`, `arguments` as JSON text) and
//   `function_call_output` items (`call_id`, `output`). The first user messages are Codex's own
//   (`<environment_context>`, AGENTS.md instructions); the user's prompt comes after them.
// - The header `x-codex-turn-metadata` (JSON) says `request_kind` ("turn", "compact" …) and
//   `thread_source` ("user" for the main thread, "thread_title" for the title request).
// - The title request asks for JSON (`text.format` json_schema with a `title` property).
// - The shell tool is `exec_command` with `{ "cmd": "…" }`.
import { paddingOf } from './padding.js';
import { NOTE_RE, SUMMARY_MARKER, TOOL_RE, WRITE_RE } from './standin-script.js';

export type ResponsesThread = 'main' | 'title' | 'compact' | 'side';

export interface ContentPart { type: string; text?: string }
export interface InputItem {
  type?: string;
  role?: string;
  content?: string | ContentPart[];
  call_id?: string;
  name?: string;
  arguments?: string;
  output?: unknown;
  [key: string]: unknown;
}
export interface ResponsesBody {
  model?: string;
  input?: InputItem[] | string;
  instructions?: string;
  tools?: Array<{ type?: string; name?: string }>;
  stream?: boolean;
  text?: { format?: { type?: string; name?: string; schema?: { properties?: Record<string, unknown> } } };
  [key: string]: unknown;
}

/** Codex's own text in user messages (not typed by the user): environment, instructions, skills. */
const NOT_TYPED_RE = /^\s*<(environment_context|user_instructions|permissions instructions|skills_instructions|user_shell_command|turn_aborted)\b|^# AGENTS\.md instructions/;
/** What Codex's compaction asks the model for (0.171.0's local compaction prompt, and its summary prefix). */
export const COMPACT_PROMPT_RE = /context checkpoint compaction|create a handoff summary|summar(?:y|ize) (?:of )?(?:the|this) conversation/i;
/** The shell tool Codex 0.171.0 offers; older versions called it `shell`. */
const SHELL_TOOLS = ['exec_command', 'shell'];

function items(body: ResponsesBody): InputItem[] {
  if (typeof body.input === 'string') return [{ type: 'message', role: 'user', content: body.input }];
  return Array.isArray(body.input) ? body.input.filter((i): i is InputItem => typeof i === 'object' && i !== null) : [];
}

function isMessage(i: InputItem): boolean { return (i.type === undefined || i.type === 'message') && typeof i.role === 'string'; }

/** The text parts of a message item, joined. */
export function messageText(i: InputItem): string {
  if (typeof i.content === 'string') return i.content;
  if (!Array.isArray(i.content)) return '';
  return i.content.map((p) => (typeof p?.text === 'string' ? p.text : '')).filter((t) => t !== '').join('\n');
}

/** What the user typed in one item: a user message that is not Codex's own context; else ''. */
export function typedText(i: InputItem): string {
  if (!isMessage(i) || i.role !== 'user') return '';
  const parts = typeof i.content === 'string' ? [i.content] : Array.isArray(i.content) ? i.content.map((p) => p?.text ?? '') : [];
  return parts.filter((t) => t.trim() !== '' && !NOT_TYPED_RE.test(t)).join('\n').trim();
}

function outputText(i: InputItem): string {
  if (i.type !== 'function_call_output' && i.type !== 'custom_tool_call_output') return '';
  if (typeof i.output === 'string') return i.output;
  if (typeof i.output === 'object' && i.output !== null) {
    const o = i.output as { content?: unknown; body?: unknown };
    if (typeof o.content === 'string') return o.content;
    if (Array.isArray(o.body)) return o.body.map((p) => (typeof p === 'object' && p !== null && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : '')).join('\n');
  }
  return '';
}

function isSummary(i: InputItem): boolean { return isMessage(i) && messageText(i).includes(SUMMARY_MARKER); }

/**
 * Tokens of padding still in the conversation: `PAD:N` the user typed and `FILE:N` in tool
 * outputs, counted only after the newest compaction summary the stand-in wrote. Codex keeps the
 * user's recent messages in the history it rebuilds after a compaction and puts the summary after
 * them, so what precedes the summary is what the compaction summed up: it no longer counts.
 */
export function responsesPadding(body: ResponsesBody): number {
  const all = items(body);
  let from = 0;
  for (let k = all.length - 1; k >= 0; k--) if (isSummary(all[k]!)) { from = k + 1; break; }
  const rest = all.slice(from);
  return paddingOf(rest.map(typedText), rest.map(outputText));
}

/** Codex's `x-codex-turn-metadata` header, parsed; {} when absent or not JSON. */
export function turnMetadata(header: string | undefined): Record<string, unknown> {
  if (header === undefined) return {};
  try {
    const v: unknown = JSON.parse(header);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : {};
  } catch { return {}; }
}

/** The newest text the user typed (Codex's own context messages skipped). */
export function newestTyped(body: ResponsesBody): string {
  const all = items(body);
  for (let k = all.length - 1; k >= 0; k--) { const t = typedText(all[k]!); if (t !== '') return t; }
  return '';
}

/** Which conversation a request belongs to: the turn metadata first, then the body. */
export function responsesThread(body: ResponsesBody, meta: Record<string, unknown>): ResponsesThread {
  const kind = typeof meta.request_kind === 'string' ? meta.request_kind : null;
  const source = typeof meta.thread_source === 'string' ? meta.thread_source : null;
  if (kind !== null && /compact/i.test(kind)) return 'compact';
  if (source === 'thread_title') return 'title';
  const all = items(body);
  const last = all[all.length - 1];
  if (last && isMessage(last) && last.role === 'user' && COMPACT_PROMPT_RE.test(messageText(last))) return 'compact';
  if (body.text?.format?.schema?.properties && 'title' in body.text.format.schema.properties) return 'title';
  if (source !== null && source !== 'user') return 'side';
  return 'main';
}

export type ResponsesAnswer =
  | { kind: 'text'; text: string }
  | { kind: 'call'; name: string; arguments: Record<string, unknown> }
  | { kind: 'error'; status: number; code: string; message: string };

export interface ResponsesContext {
  seq: number;
  /** The input tokens reported for this request (the context it carries). */
  contextTokens: number;
  thread: ResponsesThread;
  cwd: string | null;
}

/** Whether the conversation ends with a tool's output (the model is to go on after its call). */
function endsWithToolOutput(body: ResponsesBody): boolean {
  const type = items(body).at(-1)?.type;
  return type === 'function_call_output' || type === 'custom_tool_call_output';
}

function shellTool(body: ResponsesBody): string {
  const names = (body.tools ?? []).map((t) => t.name);
  return SHELL_TOOLS.find((n) => names.includes(n)) ?? 'exec_command';
}

/** The working folder, from Codex's `<environment_context>` message. */
export function sessionCwdOf(body: ResponsesBody): string | null {
  for (const i of items(body)) {
    const m = /<cwd>([^<]+)<\/cwd>/.exec(messageText(i));
    if (m?.[1]) return m[1].trim();
  }
  return null;
}

function noteText(body: ResponsesBody, notePath: string): string {
  const prompts = items(body).map(typedText).filter((t) => t !== '' && !NOTE_RE.test(t) && !WRITE_RE.test(t));
  const done = prompts.slice(-5).map((p) => `- ${p.split('\n')[0]?.slice(0, 100) ?? ''}`);
  return ['# Checkpoint note', '', '## Goal', (prompts[0] ?? 'continue the session').split('\n')[0]?.slice(0, 200) ?? '', '',
    '## Done', ...(done.length ? done : ['- nothing yet']), '', '## Next', `- Continue from this note (${notePath}).`, ''].join('\n');
}

/** A POSIX shell command that writes `content` to `path` exactly (a quoted here-document). */
export function writeFileCommand(path: string, content: string): string {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  return `mkdir -p "$(dirname ${q(path)})" && cat > ${q(path)} <<'STANDIN_EOF'\n${content}STANDIN_EOF`;
}

/** The scripted answer to one request. */
export function responsesAnswerFor(body: ResponsesBody, ctx: ResponsesContext): ResponsesAnswer {
  const reply = (prefix = ''): ResponsesAnswer => ({ kind: 'text', text: `${prefix}Reply ${ctx.seq}: context about ${ctx.contextTokens} tokens.` });
  if (ctx.thread === 'compact') {
    return { kind: 'text', text: `${SUMMARY_MARKER} The user and the stand-in exchanged scripted test messages; nothing is pending.` };
  }
  if (ctx.thread === 'title') return { kind: 'text', text: JSON.stringify({ title: 'Standin session' }) };
  if (ctx.thread === 'side') return { kind: 'text', text: 'Standin side answer' };
  if (endsWithToolOutput(body)) {
    const text = newestTyped(body);
    const note = NOTE_RE.exec(text)?.[1] ?? WRITE_RE.exec(text)?.[1];
    if (note !== undefined) return { kind: 'text', text: `Checkpoint note written to ${note}. Reply ${ctx.seq}: context about ${ctx.contextTokens} tokens.` };
    return reply('Tool done. ');
  }
  const text = newestTyped(body);
  const tool = TOOL_RE.exec(text);
  if (tool?.[1]) return { kind: 'call', name: shellTool(body), arguments: { cmd: tool[1].trim() } };
  const note = NOTE_RE.exec(text)?.[1] ?? WRITE_RE.exec(text)?.[1];
  if (note !== undefined) {
    const cwd = ctx.cwd ?? sessionCwdOf(body);
    const path = note.startsWith('/') || cwd === null ? note : `${cwd.replace(/\/+$/, '')}/${note.replace(/^\.\//, '')}`;
    return { kind: 'call', name: shellTool(body), arguments: { cmd: writeFileCommand(path, noteText(body, path)) } };
  }
  return reply();
}
