import { el, icon, ICONS } from './dom';
import type { TextPart } from './linkify';
import type { BlockView, ChoiceView, MessageView } from './render-model';

/**
 * Draws one message bubble from its view description. Only the description is trusted for
 * structure; every text is a text node and every URL was checked to be http(s) before.
 */
export function renderMessage(
  doc: Document,
  view: MessageView,
  onChoice: (choice: ChoiceView) => void,
): HTMLElement {
  const bubble = el(doc, 'div', { class: `msg ${view.from}`, 'data-testid': 'message' });
  // Screen readers hear who speaks; the bubble's side and colour show it to sighted users.
  bubble.append(
    el(
      doc,
      'span',
      { class: 'sr' },
      view.from === 'user' ? 'You: ' : view.agent ? `${view.agent}: ` : 'Bot: ',
    ),
  );
  if (view.agent)
    bubble.append(el(doc, 'span', { class: 'agent', 'aria-hidden': 'true' }, view.agent));
  for (const block of view.blocks) bubble.append(renderBlock(doc, block, onChoice));
  return bubble;
}

function renderBlock(
  doc: Document,
  block: BlockView,
  onChoice: (choice: ChoiceView) => void,
): HTMLElement {
  switch (block.kind) {
    case 'text':
      // dir=auto: an Arabic or Hebrew message reads right to left (its punctuation at its end).
      return el(
        doc,
        'p',
        { class: 'text', dir: 'auto' },
        ...block.parts.map((p) => renderPart(doc, p)),
      );
    case 'choices': {
      const group = el(doc, 'div', { class: 'choices', role: 'group', 'aria-label': block.label });
      for (const section of block.groups) {
        if (section.title)
          group.append(el(doc, 'div', { class: 'section', dir: 'auto' }, section.title));
        for (const choice of section.choices) {
          const button = el(
            doc,
            'button',
            { type: 'button', class: 'choice', dir: 'auto', 'data-choice-id': choice.id },
            el(doc, 'span', { class: 'choice-title' }, choice.title),
            choice.description
              ? el(doc, 'span', { class: 'choice-desc' }, choice.description)
              : null,
          );
          button.addEventListener('click', () => {
            if (!button.disabled) onChoice(choice);
          });
          group.append(button);
        }
      }
      return group;
    }
    case 'image':
      return el(doc, 'img', { class: 'media', src: block.src, alt: block.alt, loading: 'lazy' });
    case 'video':
      return el(doc, 'video', {
        class: 'media',
        src: block.src,
        controls: true,
        preload: 'metadata',
        'aria-label': block.label,
      });
    case 'audio':
      return el(doc, 'audio', {
        class: 'audio',
        src: block.src,
        controls: true,
        preload: 'none',
        'aria-label': block.label,
      });
    case 'link':
      return el(
        doc,
        'a',
        {
          class: `file ${block.icon}`,
          href: block.href,
          target: '_blank',
          rel: 'noopener noreferrer',
        },
        icon(doc, block.icon === 'location' ? ICONS.pin : ICONS.file, 18),
        el(doc, 'span', { dir: 'auto' }, block.text),
      );
  }
}

function renderPart(doc: Document, part: TextPart): Node {
  if (part.kind === 'text') return doc.createTextNode(part.text);
  return el(doc, 'a', { href: part.href, target: '_blank', rel: 'noopener noreferrer' }, part.text);
}
