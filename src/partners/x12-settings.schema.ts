import { z } from 'zod';

/**
 * How the gateway writes the X12 it sends a partner (850 / 860): `utf8` (the default, what it always
 * wrote) or `latin1`, one ISO 8859-1 byte per character, for a partner whose translator reads X12 as
 * Latin-1 and would take the two UTF-8 bytes of an Ü (C3 9C) for two characters. X12 itself names no
 * encoding (X12.6 §3.3: the extended character set, beyond the basic one, is by agreement), so this is
 * that agreement. Our acknowledgments are written the way the interchange they answer was read.
 */
export const X12_OUTBOUND_ENCODINGS = ['utf8', 'latin1'] as const;
export type X12OutboundEncoding = (typeof X12_OUTBOUND_ENCODINGS)[number];

export const x12SettingsSchema = z
  .strictObject({
    encoding: z.enum(X12_OUTBOUND_ENCODINGS, { error: 'expected encoding: utf8 or latin1' }).default('utf8'),
  })
  .default({ encoding: 'utf8' });

export type X12Settings = z.output<typeof x12SettingsSchema>;
