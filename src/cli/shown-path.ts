/**
 * A path or name as the CLI prints it: control characters (NUL, newlines, escape sequences)
 * are written as escapes, so a hostile file name cannot forge output lines or drive the terminal.
 */
export function shownPath(path: string): string {
  // eslint-disable-next-line no-control-regex
  return path.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/** An error message as printed: like shownPath, but its own line breaks stay. */
export function shownMessage(message: string): string {
  return message.split('\n').map(shownPath).join('\n');
}
