/**
 * Routing by the URL fragment (`/#/journal`, `/#/day/2026-12-03`): the server
 * only ever serves `/`, and a reload or a bookmark lands on the same screen.
 */
import { useEffect, useState } from 'preact/hooks';

function parts(hash: string): string[] {
  return hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
}

/** The current route as path segments: `#/day/2026-12-03` → `['day', '2026-12-03']`. */
export function useRoute(): string[] {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const update = () => setHash(location.hash);
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return parts(hash);
}

export function href(...segments: string[]): string {
  return `#/${segments.map(encodeURIComponent).join('/')}`;
}

export function go(...segments: string[]): void {
  location.hash = href(...segments);
}
