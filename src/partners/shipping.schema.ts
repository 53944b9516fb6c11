import { z } from 'zod';

/**
 * How a partner labels what it ships through the gateway's ASN builder (src/shipping,
 * docs/asn-builder.md): the GS1 Company Prefix its SSCCs are built from, and the label template.
 */
export const shippingSchema = z.strictObject({
  /** The supplier's own GS1 Company Prefix (7–10 digits): SSCCs are the shipper's numbers. */
  gs1CompanyPrefix: z
    .string({ error: 'expected gs1CompanyPrefix: the GS1 Company Prefix as a string of 7-10 digits' })
    .regex(/^[0-9]{7,10}$/, 'expected a GS1 Company Prefix of 7-10 digits'),
  /** The SSCC's extension digit (0–9), chosen by the company; 0 unless the partner says otherwise. */
  extensionDigit: z.number().int().min(0).max(9).default(0),
  /** A handlebars carton label template (a file); the built-in one otherwise (portal/labels/carton-label.hbs). */
  labelTemplate: z.string().min(1).optional(),
});

export type ShippingProfile = z.output<typeof shippingSchema>;
