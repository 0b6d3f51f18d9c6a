import type { Route } from './types.ts';

interface CompiledRoute {
  route: Route;
  segments: string[];
  literalCount: number;
}

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'method_not_allowed' }
  | { kind: 'not_found' };

/** Matches `METHOD /a/{b}/c` patterns; more literal segments win, so `/ssh-keys/me` beats `/ssh-keys/{id}`. */
export class Router {
  private readonly routes: CompiledRoute[];

  constructor(routes: readonly Route[]) {
    this.routes = routes
      .map((route) => {
        const segments = splitPath(route.pattern);
        return { route, segments, literalCount: segments.filter((s) => !s.startsWith('{')).length };
      })
      .sort((a, b) => b.literalCount - a.literalCount);
  }

  match(method: string, path: string): RouteMatch {
    const parts = splitPath(path);
    let pathMatched = false;
    for (const compiled of this.routes) {
      const params = matchSegments(compiled.segments, parts);
      if (params === undefined) continue;
      pathMatched = true;
      if (compiled.route.method === method) return { kind: 'found', route: compiled.route, params };
    }
    return pathMatched ? { kind: 'method_not_allowed' } : { kind: 'not_found' };
  }
}

export function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function matchSegments(
  pattern: readonly string[],
  parts: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] as string;
    const actual = parts[i] as string;
    if (expected.startsWith('{')) {
      try {
        params[expected.slice(1, -1)] = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}
