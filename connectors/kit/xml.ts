/**
 * A streaming XML reader (saxes): yields each record element (e.g. `<CHILD>`) as a small tree,
 * with its line and element path, holding one record at a time. XML that is not well formed ends
 * the file with one MALFORMED_XML rejection at the place it broke; what came before is kept.
 * The file is read in the encoding its XML declaration names (UTF-8 without one); an encoding the
 * WHATWG Encoding Standard does not know is one UNKNOWN_ENCODING rejection. A record with
 * elements nested deeper than MAX_DEPTH is one TOO_DEEP rejection (its tree is not kept).
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { TextDecoder } from 'node:util';
import { SaxesParser } from 'saxes';
import { MAX_DEPTH, MAX_FIELD_CHARS, MAX_RAW_CHARS, type Rejection } from './contract';

export interface XmlNode {
  name: string;
  text: string;
  children: XmlNode[];
}

export type XmlItem =
  | { kind: 'element'; node: XmlNode; line: number; path: string; file: string; raw: string }
  | { kind: 'rejection'; rejection: Rejection };

/** A node's text, or its child's: `text(node, 'DECOM')`. */
export function childText(node: XmlNode, name: string): string | undefined {
  return node.children.find((c) => c.name === name)?.text.trim();
}

export function serialise(node: XmlNode): string {
  if (node.children.length === 0) return node.text ? `<${node.name}>${node.text}</${node.name}>` : `<${node.name} />`;
  return `<${node.name}>${node.children.map(serialise).join('')}</${node.name}>`;
}

/** The encoding an XML declaration at the start of the file names, if any. */
function declaredEncoding(start: Buffer): string | undefined {
  return /^(?:\uFEFF|\xEF\xBB\xBF)?<\?xml\s[^>]*?\bencoding\s*=\s*["']([^"']*)["']/.exec(start.toString('latin1', 0, 512))?.[1];
}

export async function* readXml(filePath: string, recordElement: string): AsyncGenerator<XmlItem> {
  const file = path.basename(filePath);
  const parser = new SaxesParser({ position: true });
  const ready: XmlItem[] = [];
  const stack: XmlNode[] = [];
  const names: string[] = [];
  let count = 0;
  let startLine = 0;
  let broken: Rejection | undefined;
  let seenRoot = false;
  /** Open elements of the current record below MAX_DEPTH: counted, not kept. */
  let tooDeep = 0;
  let wasTooDeep = false;

  parser.on('opentag', (tag) => {
    seenRoot = true;
    names.push(tag.name);
    if (tag.name === recordElement && stack.length === 0) {
      count++;
      startLine = parser.line;
    }
    if (stack.length >= MAX_DEPTH) {
      tooDeep++;
      wasTooDeep = true;
    } else if (stack.length > 0 || tag.name === recordElement) {
      const node: XmlNode = { name: tag.name, text: '', children: [] };
      stack.at(-1)?.children.push(node);
      stack.push(node);
    }
  });
  parser.on('text', (text) => {
    const top = stack.at(-1);
    if (top) top.text += text;
  });
  parser.on('closetag', (tag) => {
    if (broken) return; // nothing after a break in the XML can be trusted
    names.pop();
    if (tooDeep > 0) {
      tooDeep--;
      return;
    }
    if (stack.length === 0) return;
    const node = stack.pop()!;
    if (stack.length === 0 && tag.name === recordElement) {
      const elementPath = `/${[...names, recordElement].join('/')}[${count}]`;
      const raw = serialise(node).slice(0, MAX_RAW_CHARS);
      if (wasTooDeep) {
        wasTooDeep = false;
        ready.push({ kind: 'rejection', rejection: { file, line: startLine, path: elementPath, code: 'TOO_DEEP', reason: `elements are nested more than ${MAX_DEPTH} deep`, raw: raw.slice(0, 1000) } });
      } else if (raw.includes('\uFFFD')) {
        ready.push({ kind: 'rejection', rejection: { file, line: startLine, path: elementPath, code: 'INVALID_UTF8', reason: 'the element is not valid UTF-8', raw } });
      } else if (node.children.some(function long(n): boolean { return n.text.length > MAX_FIELD_CHARS || n.children.some(long); })) {
        ready.push({ kind: 'rejection', rejection: { file, line: startLine, path: elementPath, code: 'OVERSIZED_FIELD', reason: `a value longer than ${MAX_FIELD_CHARS} characters`, raw: raw.slice(0, 1000) } });
      } else {
        ready.push({ kind: 'element', node, line: startLine, path: elementPath, file, raw });
      }
    }
  });
  parser.on('error', (error) => {
    broken ??= {
      file, line: parser.line, path: names.length ? `/${names.join('/')}` : undefined, code: 'MALFORMED_XML',
      reason: `the XML is not well formed (${error.message.replace(/^[^:]*:\d+:\d+: /, '')}); the rest of the file was not read`,
      raw: stack[0] ? serialise(stack[0]).slice(0, MAX_RAW_CHARS) : '',
    };
  });

  let decoder: TextDecoder | undefined;
  for await (const chunk of createReadStream(filePath)) {
    if (!decoder) {
      const declared = declaredEncoding(chunk as Buffer);
      try {
        decoder = new TextDecoder(declared ?? 'utf-8');
      } catch {
        yield { kind: 'rejection', rejection: { file, line: 1, code: 'UNKNOWN_ENCODING', reason: `the XML declares encoding "${declared!.slice(0, 40)}", which harbour cannot read (UTF-8, ISO-8859-1, windows-1252 and the other WHATWG encodings can be read); nothing in the file was read`, raw: '' } };
        return;
      }
    }
    parser.write(decoder.decode(chunk as Buffer, { stream: true }));
    while (ready.length) yield ready.shift()!;
    if (broken) break;
  }
  if (!broken && decoder) parser.write(decoder.decode());
  if (!broken) parser.close();
  while (ready.length) yield ready.shift()!;
  if (!seenRoot) yield { kind: 'rejection', rejection: { file, code: 'EMPTY_FILE', reason: 'the file holds no XML element', raw: '' } };
  else if (broken) yield { kind: 'rejection', rejection: broken };
}
