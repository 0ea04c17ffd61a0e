/**
 * Text helpers registered on every mapping expression. `$actionComment(text, eventId)` writes the
 * comment of an agency action so that it ends with the marker ` [erp:<event id>]`: after a lost
 * answer the connector looks for that exact marker in the case's events to learn whether the
 * action reached the agency (`connector/pipeline/mapping-port.ts` `erpMarker`). Pure.
 */
import { MappingHelperError } from './money.ts';

/** `[erp:<event id>]`, the same text as the pipeline's `erpMarker`. */
export function erpMarker(eventId: string): string {
  return `[erp:${eventId}]`;
}

/** `$actionComment(text, eventId)`: `"<text> [erp:<id>]"`; an empty text leaves the marker alone. */
export function actionComment(text: unknown, eventId: unknown): string {
  if (typeof eventId !== 'string' || eventId === '') {
    throw new MappingHelperError('$actionComment: argument 2 must be the event id (event.id)');
  }
  if (text !== undefined && text !== null && typeof text !== 'string') {
    throw new MappingHelperError('$actionComment: argument 1 must be a string or null');
  }
  const body = (text ?? '').trim();
  return body === '' ? erpMarker(eventId) : `${body} ${erpMarker(eventId)}`;
}

export const TEXT_FUNCTIONS: Readonly<Record<string, (...args: unknown[]) => unknown>> = {
  actionComment: (text, id) => actionComment(text, id),
};
