// What the receiver needs from the OTLP schema and decoders, in one module that the receiver loads
// in the background when it starts (see receiver.ts): protobufjs and the parsed schema take tens of
// milliseconds to load, and nothing needs them before Claude Code's first export.
export { decodeTelemetry } from './decode.js';
export { checkTraceRequestPb, encodeEmptyResponsePb, encodeRpcStatusPb } from './otlp-schema.js';
