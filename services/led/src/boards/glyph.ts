// How one LED looks as text, shared by the LED service's terminal picture and `kubeblink up`'s
// combined view: a dot in the LED's colour at its brightness (24-bit ANSI colour), and the short
// name of its role.

const COLOURS: Record<string, [number, number, number]> = {
  red: [255, 40, 40],
  green: [40, 230, 60],
  blue: [60, 120, 255],
  yellow: [255, 210, 0],
  white: [240, 240, 240],
  orange: [255, 140, 0],
};

export const ROLE_SHORT: Record<string, string> = {
  state: 'state',
  online: 'on',
  request: 'req',
  livenessOk: 'live+',
  livenessFail: 'live-',
  readinessOk: 'ready+',
  readinessFail: 'ready-',
  status: 'status',
};

/** The role's short name (a layout file's own roles as they are). */
export const roleShort = (role: string): string => ROLE_SHORT[role] ?? role;

/** A coloured dot at the level (0..1). A dark LED stays visible as a dim dot, as on a breadboard. */
export function colourDot(color: string | null, level: number): string {
  const [r, g, b] = COLOURS[color ?? 'white'] ?? (COLOURS.white as [number, number, number]);
  const k = 0.12 + 0.88 * Math.max(0, Math.min(1, level));
  return `\x1b[38;2;${Math.round(r * k)};${Math.round(g * k)};${Math.round(b * k)}m●\x1b[0m`;
}
