/**
 * zod schemas of the parties of an invoice request (seller, buyer, recipient, delivery) and their
 * address and contact objects; part of `request-schema.ts`. Pure.
 */
import { z } from 'zod';
import {
  countryCode,
  email,
  languageCode,
  nonEmpty,
  opt,
  postalCodeProblem,
} from './field-rules.ts';

export const address = z
  .strictObject({
    street: opt(z.string()),
    street2: opt(z.string()),
    street3: opt(z.string()),
    postalCode: opt(z.string()),
    postalDistrict: opt(z.string()),
    countryCode: opt(countryCode),
    countryName: opt(z.string()),
  })
  .superRefine((a, ctx) => {
    if (typeof a.postalCode !== 'string' || typeof a.countryCode !== 'string') return;
    const problem = postalCodeProblem(a.postalCode, a.countryCode);
    if (problem !== null) ctx.addIssue({ code: 'custom', path: ['postalCode'], message: problem });
  });

export const contact = z.strictObject({
  contactPerson: opt(z.strictObject({ name: opt(z.string()), email: opt(email) })),
  email: opt(email),
  phone: opt(z.string()),
});

export const sellerParty = z.strictObject({
  businessId: nonEmpty,
  name: nonEmpty,
  vatCode: opt(z.string()),
  address,
  contact: opt(contact),
  paymentDetails: z.strictObject({
    iban: nonEmpty,
    bic: nonEmpty,
    bankgiro: opt(z.string()),
    postgiro: opt(z.string()),
  }),
});

export const buyerParty = z.strictObject({
  entityType: z.enum(['BUSINESS', 'CONSUMER']),
  name: nonEmpty,
  customerAccountId: opt(z.string()),
  personalIdentityNumber: opt(z.string()),
  businessId: opt(z.string()),
  vatCode: opt(z.string()),
  electronicInvoiceAccount: opt(z.string()),
  electronicRoutingAddress: opt(z.string()),
  glnNumber: opt(z.string()),
  languageCode,
  disableCollection: z.boolean().optional(),
  address,
  contact: opt(contact),
});

/** Open object: only partly documented; the known fields are checked. */
export const otherParty = z.looseObject({
  email: opt(email),
  languageCode: opt(languageCode),
  address: opt(z.looseObject({ countryCode: opt(countryCode) })),
});
