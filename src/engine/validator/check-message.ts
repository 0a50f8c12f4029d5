import { checkButtons } from './check-buttons';
import { checkList } from './check-list';
import { checkTemplate } from './check-template';
import { checkTemplatesDeep } from './check-templates-deep';
import { childPath, show } from './json-path';
import { isRecord, type JsonObject } from './json-guards';
import { emptyMessageSummary, type MessageSummary } from './message-summary';
import type { ScanContext } from './scan-context';
import { warnUnknownFields } from './warn-unknown-fields';

/** Outbound GenericMessage types and the fields each may carry (besides `type`). */
const MESSAGE_FIELDS: Record<string, readonly string[]> = {
  text: ['text'],
  buttons: ['text', 'buttons'],
  list: ['text', 'button_text', 'sections'],
  image: ['media_url', 'media_id', 'media_caption', 'mime_type'],
  video: ['media_url', 'media_id', 'media_caption', 'mime_type'],
  audio: ['media_url', 'media_id', 'mime_type'],
  document: ['media_url', 'media_id', 'media_filename', 'media_caption', 'mime_type'],
  location: ['latitude', 'longitude', 'name', 'address'],
  template: ['name', 'language', 'components', 'text'],
};

/**
 * Checks a message in any of its forms: a string, a GenericMessage object, or a list of
 * those. Every string is a template. Returns the buttons/rows it offers.
 */
export function checkMessage(value: unknown, path: string, ctx: ScanContext): MessageSummary {
  const summary = emptyMessageSummary();
  if (Array.isArray(value)) {
    if (value.length === 0) ctx.issues.warn(path, 'The message list is empty; nothing is sent.');
    value.forEach((item, index) => checkOne(item, childPath(path, index), ctx, summary));
  } else {
    checkOne(value, path, ctx, summary);
  }
  return summary;
}

function checkOne(value: unknown, path: string, ctx: ScanContext, summary: MessageSummary): void {
  if (typeof value === 'string') {
    checkTemplate(value, path, ctx);
    summary.hasText = true;
    return;
  }
  if (!isRecord(value)) {
    ctx.issues.error(
      path,
      `A message must be a string, a message object or a list of those, not ${show(value)}.`,
    );
    return;
  }
  // An object without "type" but with a string "text" is a text message.
  const type = value.type === undefined && typeof value.text === 'string' ? 'text' : value.type;
  const known = typeof type === 'string' ? MESSAGE_FIELDS[type] : undefined;
  if (known === undefined || !Object.hasOwn(MESSAGE_FIELDS, type as string)) {
    const types = Object.keys(MESSAGE_FIELDS).join(' ');
    const found = type === undefined ? 'no "type"' : `type ${show(type)}`;
    ctx.issues.error(
      childPath(path, 'type'),
      `A message object has ${found}; use one of ${types}.`,
    );
    return;
  }
  checkByType(type as string, value, path, ctx, summary);
  warnUnknownFields(value, ['type', ...known], path, `a ${type as string} message`, ctx.issues);
  // The engine still sends an unknown field and renders every string in it as a template, so
  // a template there that does not compile stops the whole flow: check it like the others.
  for (const [key, field] of Object.entries(value)) {
    if (key !== 'type' && !known.includes(key))
      checkTemplatesDeep(field, childPath(path, key), ctx);
  }
}

function checkByType(
  type: string,
  value: JsonObject,
  path: string,
  ctx: ScanContext,
  summary: MessageSummary,
): void {
  const seenIds = new Map<string, string>();
  switch (type) {
    case 'text':
      requireText(value, 'text', path, ctx);
      summary.hasText = true;
      return;
    case 'buttons':
      requireText(value, 'text', path, ctx);
      summary.optionIds.push(
        ...checkButtons(value.buttons, childPath(path, 'buttons'), ctx, seenIds),
      );
      return;
    case 'list':
      requireText(value, 'text', path, ctx);
      summary.optionIds.push(...checkList(value, path, ctx, seenIds));
      return;
    case 'location':
      checkCoordinate(value, 'latitude', 90, path, ctx);
      checkCoordinate(value, 'longitude', 180, path, ctx);
      optionalText(value, 'name', path, ctx);
      optionalText(value, 'address', path, ctx);
      return;
    case 'template':
      checkWhatsAppTemplate(value, path, ctx);
      summary.hasText = typeof value.text === 'string';
      return;
    default:
      checkMedia(type, value, path, ctx);
  }
}

/**
 * A WhatsApp template (the Cloud API's template object, `language` as its code): the name and
 * language Meta approved it under, its components (strings in them are templates, as
 * elsewhere), and `text` for channels without templates.
 */
function checkWhatsAppTemplate(value: JsonObject, path: string, ctx: ScanContext): void {
  if (typeof value.name !== 'string' || !/^[a-z0-9_]{1,512}$/.test(value.name))
    ctx.issues.error(
      childPath(path, 'name'),
      `A template needs "name": the approved template's name (lowercase letters, digits and "_"), not ${show(value.name)}.`,
    );
  if (typeof value.language !== 'string' || !/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/.test(value.language))
    ctx.issues.error(
      childPath(path, 'language'),
      `A template needs "language": its language code, such as "en" or "en_US", not ${show(value.language)}.`,
    );
  if (value.components !== undefined && !Array.isArray(value.components))
    ctx.issues.error(
      childPath(path, 'components'),
      `"components" must be a list (the Cloud API's template components), not ${show(value.components)}.`,
    );
  else if (value.components !== undefined)
    checkTemplatesDeep(value.components, childPath(path, 'components'), ctx);
  optionalText(value, 'text', path, ctx);
}

function checkMedia(type: string, value: JsonObject, path: string, ctx: ScanContext): void {
  if (value.media_url === undefined && value.media_id === undefined) {
    ctx.issues.error(
      childPath(path, 'media_url'),
      `A ${type} message needs "media_url" (or "media_id").`,
    );
  }
  for (const field of ['media_url', 'media_id', 'media_caption', 'media_filename', 'mime_type']) {
    optionalText(value, field, path, ctx);
  }
}

function requireText(value: JsonObject, field: string, path: string, ctx: ScanContext): void {
  const fieldPath = childPath(path, field);
  if (typeof value[field] !== 'string') {
    ctx.issues.error(
      fieldPath,
      `A ${show(value.type)} message needs a string "${field}" (found ${show(value[field])}).`,
    );
    return;
  }
  checkTemplate(value[field], fieldPath, ctx);
}

function optionalText(value: JsonObject, field: string, path: string, ctx: ScanContext): void {
  const text = value[field];
  if (text === undefined) return;
  const fieldPath = childPath(path, field);
  if (typeof text !== 'string') {
    ctx.issues.error(fieldPath, `"${field}" must be a string, not ${show(text)}.`);
    return;
  }
  checkTemplate(text, fieldPath, ctx);
}

function checkCoordinate(
  value: JsonObject,
  field: string,
  limit: number,
  path: string,
  ctx: ScanContext,
): void {
  const coordinate = value[field];
  const fieldPath = childPath(path, field);
  if (typeof coordinate === 'string' && coordinate.includes('{{')) {
    checkTemplate(coordinate, fieldPath, ctx);
    return;
  }
  if (
    typeof coordinate !== 'number' ||
    !Number.isFinite(coordinate) ||
    Math.abs(coordinate) > limit
  ) {
    ctx.issues.error(
      fieldPath,
      `A location needs "${field}", a number from -${limit} to ${limit} (found ${show(coordinate)}).`,
    );
  }
}
