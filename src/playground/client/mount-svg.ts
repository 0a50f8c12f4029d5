import { SVG_NS, type SvgSpec } from './svg-spec';

/** Creates the DOM elements of a spec in the SVG namespace (text children as text nodes). */
export function mountSvg(spec: SvgSpec, doc: Document = document): SVGElement {
  const el = doc.createElementNS(SVG_NS, spec.tag);
  for (const [key, value] of Object.entries(spec.attrs)) el.setAttribute(key, value);
  for (const child of spec.children) {
    el.appendChild(typeof child === 'string' ? doc.createTextNode(child) : mountSvg(child, doc));
  }
  return el;
}
