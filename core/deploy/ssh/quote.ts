// Quoting for a POSIX shell: what crosses SSH is one command line that the remote user's shell
// splits, so each word is quoted on its own.

/** One word for a POSIX shell, whatever it holds. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./=:@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
