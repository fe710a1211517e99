// The shape of keyhole.yaml as written by people, checked with zod. Meaning (roles that exist, programs that run,
// hashes that parse) is checked afterwards in resolve.ts; this file only says which fields exist and their types.
import { z } from 'zod';
import { AUTH_METHODS } from '../auth/methods.ts';

const name = z
  .string()
  .regex(
    /^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$/,
    'is not a name: use 1-64 letters, digits, or . _ @ - (not starting with . @ -)',
  );
// Unions carry their own message (config/issues.ts shows it): the validator's would only say "Invalid input".
const duration = z.union([z.string(), z.number()], { error: 'must be a duration such as 30s, 5m or 500ms' });
const size = z.union([z.string(), z.number()], { error: 'must be a size such as 65536, 512KiB or 10MiB' });
const stringList = z.array(z.string());
// sshd's AuthenticationMethods (config/resolve-auth-methods.ts): one chain [publickey, keyboard-interactive], all of
// them in order, or alternatives as a list of chains [[publickey, keyboard-interactive], [password, keyboard-interactive]].
const authMethod = z.enum(AUTH_METHODS);
const authenticationMethods = z.union([z.array(authMethod).min(1), z.array(z.array(authMethod).min(1)).min(1)], {
  error:
    'must be a list of methods (publickey, password, keyboard-interactive) such as [publickey, keyboard-interactive], or a list of such lists',
});

const limits = z.strictObject({
  commandTimeout: duration.optional(),
  maxOutputBytes: size.optional(),
  shutdownGrace: duration.optional(),
  maxAuthTries: z.number().int().min(1).max(100).optional(),
  loginGraceTime: duration.optional(),
  maxStartups: z
    .union([z.number().int().min(1).max(100_000), z.string()], { error: "must be a number or 'start:rate:full'" })
    .optional(), // N or start:rate:full
  maxStartupsPerSource: z.number().int().min(1).max(100_000).optional(),
  maxSessions: z.number().int().min(1).max(100_000).optional(),
  maxSessionsPerUser: z.number().int().min(1).max(100_000).optional(),
  idleTimeout: duration.optional(),
  maxLineBytes: size.optional(),
  auditBytesPerMinute: size.optional(),
  maxRunsPerSession: z.number().int().min(1).max(1000).optional(),
  maxRunsPerConnection: z.number().int().min(1).max(10_000).optional(),
  maxChannelsPerConnection: z.number().int().min(1).max(1000).optional(),
  maxCommandsPerUser: z.number().int().min(1).max(100_000).optional(),
  maxAdminFailures: z.number().int().min(1).max(100).optional(),
  adminLockout: duration.optional(),
  adminFailDelay: duration.optional(),
  keepaliveInterval: duration.optional(),
  keepaliveCountMax: z.number().int().min(1).max(100).optional(),
});

const penalties = z.union(
  [
    z.literal(false),
    z.strictObject({
      authFail: duration.optional(),
      noAuth: duration.optional(),
      graceExceeded: duration.optional(),
      threshold: duration.optional(),
      max: duration.optional(),
      exempt: stringList.optional(),
    }),
  ],
  { error: 'must be false or a mapping such as { authFail: 5s, exempt: [127.0.0.1] }' },
);

const runAs = z.union(
  [
    z.literal('root'),
    z.strictObject({
      user: z.union([z.string().min(1), z.number().int()], { error: 'must be a user name or number' }),
      group: z.union([z.string().min(1), z.number().int()], { error: 'must be a group name or number' }).optional(),
    }),
  ],
  { error: 'must be root or a mapping such as { user: nobody, group: nogroup }' },
);

const user = z.strictObject({
  password: z.string().optional(),
  authorizedKeys: z.union([z.string(), stringList], { error: 'must be a file name or a list of key lines' }).optional(),
  // The names a certificate from a trustedUserCAKeys CA may carry for this user (sshd's AuthorizedPrincipalsFile).
  principals: z.array(z.string().min(1).max(256)).min(1).max(256).optional(),
  role: name,
  authenticationMethods: authenticationMethods.optional(),
});

const role = z.strictObject({
  commands: z.array(name).optional(),
  inherits: z.array(name).optional(),
  admin: z.boolean().optional(),
  elevate: z.boolean().optional(),
  authenticationMethods: authenticationMethods.optional(),
});

const command = z.strictObject({
  program: z.string().min(1),
  args: z.enum(['none', 'any']).optional(),
  fixedArgs: stringList.optional(),
  flags: stringList.optional(),
  valueFlags: z.record(z.string(), z.string()).optional(),
  paths: stringList.optional(),
  patterns: stringList.optional(),
  maxArgs: z.number().int().min(0).max(1024).optional(),
  interactive: z.boolean().optional(),
  timeout: duration.optional(),
  allowDangerousArgs: z.boolean().optional(),
  // Confinement (config/confinement-commands.ts): roots it may write beneath, TCP, its resource limits, and the
  // other programs it may start.
  writable: stringList.optional(),
  runs: stringList.optional(),
  network: z.boolean().optional(),
  limits: z
    .strictObject({
      addressSpace: size.optional(),
      cpuTime: duration.optional(),
      fileSize: size.optional(),
      openFiles: z.number().int().min(16).max(1_048_576).optional(),
      processes: z.number().int().min(1).max(1_048_576).optional(),
    })
    .optional(),
});

export const rawConfigSchema = z.strictObject({
  listen: z
    .strictObject({ host: z.string().min(1).optional(), port: z.number().int().min(0).max(65535).optional() })
    .optional(),
  hostKeys: stringList.optional(),
  adminPassword: z.string().optional(),
  trustedUserCAKeys: z
    .union([z.string(), stringList], { error: 'must be a file name or a list of CA key lines' })
    .optional(),
  revokedKeys: z.string().min(1).optional(), // sshd's RevokedKeys: a KRL or a list of keys (resolve-revocation.ts)
  audit: z.strictObject({ file: z.string().min(1).optional() }).optional(),
  totp: z.strictObject({ secrets: z.string().min(1) }).optional(), // the file of TOTP secrets (mode 0600)
  limits: limits.optional(),
  penalties: penalties.optional(),
  runAs: runAs.optional(),
  confinement: z.enum(['required', 'auto', 'off']).optional(),
  env: z
    .record(
      z
        .string()
        .regex(
          /^[A-Za-z_][A-Za-z0-9_]*$/,
          'is not a variable name: use letters, digits and _ (not starting with a digit)',
        ),
      z.string(),
    )
    .optional(),
  acceptEnv: stringList.optional(),
  cwd: z.string().optional(),
  users: z.record(name, user),
  roles: z.record(name, role),
  commands: z.record(name, command),
});

export type RawConfig = z.infer<typeof rawConfigSchema>;
export type RawCommand = z.infer<typeof command>;
export type RawLimits = z.infer<typeof limits>;
