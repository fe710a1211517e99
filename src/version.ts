// Keyhole's version, as the SSH ident, the protocol hello and `keyhole --version` report it.
export const VERSION = '0.2.0';
