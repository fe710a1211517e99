// Which authentication methods a login needs, as OpenSSH's AuthenticationMethods: a set of alternatives, each a chain
// of methods that must all succeed, in order. The default (any one of publickey or password) is today's behaviour.
// Pure: the server keeps the chains still open for a connection and asks these functions what they mean.

export const AUTH_METHODS = ['publickey', 'password', 'keyboard-interactive'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];
/** One way in: these methods, all of them, in this order. */
export type AuthChain = readonly AuthMethod[];

/** Without `authenticationMethods`: a key or a password, either one alone. */
export const DEFAULT_CHAINS: readonly AuthChain[] = [['publickey'], ['password']];

/** Whether `method` may be tried now: it comes next in one of the chains still open (sshd's method_allowed). */
export function allowedNow(chains: readonly AuthChain[], method: string): boolean {
  return chains.some((chain) => chain[0] === method);
}

/** The chains after `method` succeeded: it is removed from the head of the chains that start with it (sshd's
 * auth2_update_methods_lists); the others stay as they are. */
export function afterSuccess(chains: readonly AuthChain[], method: AuthMethod): AuthChain[] {
  return chains.map((chain) => (chain[0] === method ? chain.slice(1) : chain));
}

/** True once one chain has been walked to its end: the login is complete. */
export function isComplete(chains: readonly AuthChain[]): boolean {
  return chains.some((chain) => chain.length === 0);
}

/** The methods that may come next, each once, in the order of the chains (what a partial success advertises). */
export function nextMethods(chains: readonly AuthChain[]): AuthMethod[] {
  return [...new Set(chains.flatMap((chain) => (chain.length > 0 ? [chain[0]!] : [])))];
}

/** Why a chain cannot be configured, or null: a method twice, or a code that is the first or only factor. */
export function chainProblem(chain: AuthChain): string | null {
  if (chain.length === 0) return 'is empty: list the methods, such as [publickey, keyboard-interactive]';
  const twice = chain.find((m, i) => chain.indexOf(m) !== i);
  if (twice) return `lists ${twice} twice: each method counts once`;
  if (chain[0] === 'keyboard-interactive') {
    return 'starts with keyboard-interactive: a code asked first can be guessed by anyone; put publickey or password first';
  }
  return null;
}
