/** `ssn toy --a-b 1 --c 2` → the flags object `parseToyOptions` takes ({ aB: '1', c: '2' }). */
export function flagsOf(command: string): Record<string, string> {
  const words = command.trim().split(/\s+/);
  if (words[0] !== 'ssn' || words[1] !== 'toy')
    throw new RangeError(`command: not ssn toy: ${command}`);
  const flags: Record<string, string> = {};
  for (let i = 2; i < words.length; i += 2) {
    const name = words[i].replace(/^--/, '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    flags[name] = words[i + 1];
  }
  return flags;
}
