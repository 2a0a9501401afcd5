// What the receiver needs from the OTLP protobuf schema and decoders, in one module that the
// receiver loads at its first protobuf request (see receiver.ts): protobufjs and the parsed schema
// take tens of milliseconds to load, and guard's own agents send OTLP/JSON.
export { decodeTelemetry } from './decode.js';
export { checkTraceRequestPb, encodeEmptyResponsePb, encodeRpcStatusPb } from './otlp-schema.js';
