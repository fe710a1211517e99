// Keyhole as a library: the server, and the client for automation.
export { startServer, type KeyholeServer, type StartOptions } from './server/server.ts';
export { loadConfigFile, loadConfigText } from './config/load.ts';
export type { Config } from './config/types.ts';
export { FileAudit, MemoryAudit, StreamAudit, type Audit } from './audit/audit.ts';
export { connect, type KeyholeClient } from './client/connect.ts';
export type { ConnectOptions } from './client/transport.ts';
export type { RunOptions, RunOutcome, RunResult, RunStream } from './client/session.ts';
export type { CommandInfo, SessionInfo } from './protocol/frames.ts';
export { KeyholeError, ConnectionError, AuthenticationError, HostKeyError, RemoteError } from './client/errors.ts';
