import { closestName } from './closest-name';
import { show } from './json-path';
import type { ScanContext } from './scan-context';

/**
 * Checks a value that must name a state (transition `to`, `on_max_retries`, CONDITION
 * `then`/`else`, API_CALL routes, global transitions). Records the route when it is a
 * string, so reachability sees it. `what` names the field in messages.
 */
export function checkTarget(
  value: unknown,
  path: string,
  what: string,
  ctx: ScanContext,
): string | null {
  if (typeof value !== 'string' || value.trim() === '') {
    ctx.issues.error(path, `${what} must be the name of a state, not ${show(value)}.`);
    return null;
  }
  if (!ctx.stateNames.has(value)) {
    const near = closestName(value, [...ctx.stateNames]);
    const hint = near ? ` Did you mean "${near}"?` : '';
    ctx.issues.error(path, `${what} "${value}" is not a state.${hint}`);
  }
  const route = { target: value, path };
  if (ctx.state) ctx.state.routes.push(route);
  else ctx.facts.globalRoutes.push(route);
  return value;
}
