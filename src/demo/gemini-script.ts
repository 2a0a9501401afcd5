// What the Gemini API stand-in answers (pure): reads a `generateContent` request body as Gemini CLI
// sends it, tells the main conversation from the CLI's utility calls (its start-up session
// summary, its chat compression, its other helpers), counts the padding markers still in the
// conversation, and picks the scripted answer. It follows the Claude stand-in's conventions
// (src/demo/standin-script.ts, standin-usage.ts): a request costs (body characters / 4) + the
// PAD:N a user typed + the FILE:N in a tool's output, and the keywords mean the same. Output:
// plain data that src/demo/gemini-standin.ts turns into HTTP answers (src/demo/gemini-wire.ts).
import { FILE_RE, NOTE_RE, PAD_RE, SUMMARY_MARKER, TOOL_RE, WRITE_RE } from './standin-script.js';

export interface PartIn {
  text?: string;
  thought?: boolean;
  functionCall?: { name?: string; args?: Record<string, unknown>; id?: string };
  functionResponse?: { name?: string; response?: unknown; id?: string };
}
export interface ContentIn { role?: string; parts?: PartIn[] }
export interface FunctionDeclarationIn { name?: string; parameters?: unknown; parametersJsonSchema?: unknown }
export interface GenerateBody {
  contents?: ContentIn[];
  systemInstruction?: ContentIn | string;
  tools?: Array<{ functionDeclarations?: FunctionDeclarationIn[] }>;
  generationConfig?: Record<string, unknown>;
}

/**
 * main: the conversation (it offers tools). compress: the CLI's chat compression (its system
 * instruction, 0.61.0: "You are a specialized system component responsible for distilling chat
 * history…"). utility: any other call without tools (the start-up session summary, checks).
 */
export type GeminiThread = 'main' | 'compress' | 'utility';

/** Gemini CLI 0.61.0's compression prompt starts its system instruction with these words. */
export const COMPRESS_RE = /distilling chat history|state_snapshot/i;
/** The CLI's tools the script calls (0.61.0 names). */
export const SHELL_TOOL = 'run_shell_command';
export const WRITE_TOOL = 'write_file';

function contents(body: GenerateBody): ContentIn[] { return Array.isArray(body.contents) ? body.contents : []; }
function parts(c: ContentIn): PartIn[] { return Array.isArray(c.parts) ? c.parts : []; }

function systemText(body: GenerateBody): string {
  const s = body.systemInstruction;
  if (typeof s === 'string') return s;
  return s ? parts(s).map((p) => p.text ?? '').join('\n') : '';
}

function toolNames(body: GenerateBody): string[] {
  const out: string[] = [];
  for (const t of Array.isArray(body.tools) ? body.tools : []) {
    for (const d of Array.isArray(t.functionDeclarations) ? t.functionDeclarations : []) if (typeof d.name === 'string') out.push(d.name);
  }
  return out;
}

/** What the user typed in one content: its text parts (thoughts and the CLI's session context skipped). */
export function userText(c: ContentIn): string {
  if (c.role !== 'user') return '';
  return parts(c)
    .filter((p) => typeof p.text === 'string' && p.thought !== true && !p.text.startsWith('<session_context>'))
    .map((p) => (p.text ?? '').trim())
    .filter((t) => t !== '')
    .join('\n');
}

function isSummary(c: ContentIn): boolean { return parts(c).some((p) => typeof p.text === 'string' && p.text.includes(SUMMARY_MARKER)); }

/** The strings in a tool's output (the CLI sends `{ output: "…" }`), one a line. */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (typeof v === 'object' && v !== null) return Object.values(v).flatMap(strings);
  return [];
}

function responseText(p: PartIn): string {
  return p.functionResponse ? strings(p.functionResponse.response).join('\n') : '';
}

export function threadOf(body: GenerateBody): GeminiThread {
  if (COMPRESS_RE.test(systemText(body))) return 'compress';
  return toolNames(body).length > 0 ? 'main' : 'utility';
}

/**
 * Tokens of padding still in the conversation: every `PAD:N` in a user's text and every `FILE:N`
 * in a tool's output that the request carries. A compression summary the stand-in wrote carries
 * none, so after /compress the padding of the summarised turns is gone.
 */
export function padInContents(body: GenerateBody): number {
  let pad = 0;
  for (const c of contents(body)) {
    if (isSummary(c)) continue;
    for (const m of userText(c).matchAll(PAD_RE)) pad += Number(m[1]);
    for (const p of parts(c)) for (const m of responseText(p).matchAll(FILE_RE)) pad += Number(m[1]);
  }
  return pad;
}

/** The newest text a user typed in the request ('' if none). */
export function newestUserText(body: GenerateBody): string {
  const cs = contents(body);
  for (let i = cs.length - 1; i >= 0; i--) {
    const c = cs[i];
    if (c) { const t = userText(c); if (t !== '') return t; }
  }
  return '';
}

/** The function calls the last content answers, if it carries function responses. */
function answeredCalls(body: GenerateBody): Array<{ name: string; args: Record<string, unknown> }> {
  const cs = contents(body);
  const last = cs[cs.length - 1];
  if (!last || !parts(last).some((p) => p.functionResponse)) return [];
  const prev = cs[cs.length - 2];
  return prev ? parts(prev).flatMap((p) => (p.functionCall ? [{ name: p.functionCall.name ?? '', args: p.functionCall.args ?? {} }] : [])) : [];
}

export type GeminiAnswer =
  | { kind: 'text'; text: string }
  | { kind: 'call'; name: string; args: Record<string, unknown> }
  | { kind: 'error'; status: number; errorStatus: string; message: string };

export interface GeminiAnswerContext {
  seq: number;
  /** The prompt's tokens as reported. */
  promptTokens: number;
  thread: GeminiThread;
  cwd: string | null;
}

/** The project folder, from the session context the CLI sends first ("- **Workspace Directories:**\n  - /path"). */
export function sessionCwd(body: GenerateBody): string | null {
  const m = /Workspace Directories:\*\*\\n\s*- ([^\\"]+)/.exec(JSON.stringify(body));
  return m?.[1]?.trim() ?? null;
}

function noteContent(body: GenerateBody, notePath: string): string {
  const typed = contents(body).map(userText).filter((t) => t !== '' && !NOTE_RE.test(t) && !WRITE_RE.test(t));
  return [
    '# Checkpoint note', '', '## Goal', (typed[0] ?? 'continue the session').split('\n')[0]?.slice(0, 200) ?? '', '',
    '## Done', ...(typed.length ? typed.slice(-5).map((p) => `- ${p.split('\n')[0]?.slice(0, 100) ?? ''}`) : ['- nothing yet']), '',
    '## Next', `- Continue from this note (${notePath}).`, '',
  ].join('\n');
}

/** The scripted answer (the Claude stand-in's keywords: TOOL:cmd, a checkpoint-note request, WRITE: path). */
export function answerFor(body: GenerateBody, ctx: GeminiAnswerContext): GeminiAnswer {
  const reply = (prefix = ''): GeminiAnswer => ({ kind: 'text', text: `${prefix}Reply ${ctx.seq}: context about ${ctx.promptTokens} tokens.` });
  if (ctx.thread === 'compress') {
    return { kind: 'text', text: `<state_snapshot>\n${SUMMARY_MARKER} The user and the stand-in exchanged scripted test messages; nothing is pending.\n</state_snapshot>` };
  }
  if (ctx.thread === 'utility') return { kind: 'text', text: 'Stand-in session summary.' };
  const answered = answeredCalls(body);
  if (answered.length > 0) {
    const write = answered.find((a) => a.name === WRITE_TOOL);
    const path = write?.args['file_path'];
    if (typeof path === 'string') return reply(`Checkpoint note written to ${path}. `);
    return reply('Tool done. ');
  }
  const cs = contents(body);
  const last = cs[cs.length - 1];
  const text = last ? userText(last) : '';
  const tools = toolNames(body);
  const tool = TOOL_RE.exec(text);
  if (tool?.[1] && tools.includes(SHELL_TOOL)) return { kind: 'call', name: SHELL_TOOL, args: { command: tool[1].trim(), description: 'Run the scripted command' } };
  const note = NOTE_RE.exec(text)?.[1] ?? WRITE_RE.exec(text)?.[1];
  if (note !== undefined && tools.includes(WRITE_TOOL)) {
    const cwd = ctx.cwd ?? sessionCwd(body);
    const filePath = note.startsWith('/') || cwd === null ? note : `${cwd.replace(/\/+$/, '')}/${note.replace(/^\.\//, '')}`;
    return { kind: 'call', name: WRITE_TOOL, args: { file_path: filePath, content: noteContent(body, filePath) } };
  }
  return reply();
}
