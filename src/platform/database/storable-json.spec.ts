import { describe, expect, it } from 'vitest';
import {
  hasUnstorableEscape,
  isDataException,
  storableJson,
  storableJsonText,
  storableText,
} from './storable-json.js';

describe('storable JSON', () => {
  it('replaces NUL and unpaired surrogates, in keys and values, and keeps everything else', () => {
    const value = { 'k\u0000': ['broken \ud83d', '\ude00x', 'a\ud83d\ude00b', 'é\n"\\', 'NC-SO\u00007781'] };
    const text = storableJson(value);
    expect(JSON.parse(text)).toEqual({
      'k\ufffd': ['broken \ufffd', '\ufffdx', 'a\ud83d\ude00b', 'é\n"\\', 'NC-SO\ufffd7781'],
    });
    expect(hasUnstorableEscape(text)).toBe(false);
    expect(storableJson(undefined)).toBe('null');
  });

  it('reads escapes left to right: an escaped backslash before "u0000" is text, not a NUL', () => {
    const literal = JSON.stringify({ a: '\\u0000', b: '\\\\ud83d' });
    expect(storableJsonText(literal)).toBe(literal);
    expect(hasUnstorableEscape(literal)).toBe(false);
  });

  it('judges escapes as a sender wrote them: upper case, paired or not', () => {
    expect(hasUnstorableEscape('{"a":"\\uD83D\\uDE00"}')).toBe(false);
    expect(hasUnstorableEscape('{"a":"\\u00e9\\u0041"}')).toBe(false);
    expect(storableJsonText('{"a":"\\uD83D","b":"\\uDE00","c":"\\uD83D\\uD83D\\uDE00"}')).toBe(
      '{"a":"\\ufffd","b":"\\ufffd","c":"\\ufffd\\uD83D\\uDE00"}',
    );
    expect(storableJsonText('{"note":"bad\\u0000","note":"ok"}')).toBe('{"note":"bad\\ufffd","note":"ok"}');
  });

  it('makes diagnostic text storable, and tells data exceptions (class 22) from other errors', () => {
    expect(storableText('UNB sender A\u0000B \ud83d')).toBe('UNB sender A\ufffdB \ufffd');
    const plain = 'UNB sender 5790000000001:14';
    expect(storableText(plain)).toBe(plain);
    expect(isDataException({ code: '22P05' })).toBe(true);
    expect(isDataException({ code: '22021' })).toBe(true);
    expect(isDataException({ code: '23505' })).toBe(false);
    expect(isDataException(new Error('22'))).toBe(false);
    expect(isDataException(null)).toBe(false);
  });
});
