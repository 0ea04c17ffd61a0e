/** Request bodies and agency answers used by several agency-client tests. */
import type { CreateActionsRequest, CreateInvoiceRequest } from '../../../adapters/agency/index.ts';

export function invoiceRequest(number = 251601000): CreateInvoiceRequest {
  return {
    processing: {
      paymentControlEnabled: true,
      manualApprovalEnabled: false,
      accountingInvoiceEnabled: false,
    },
    distribution: { method: 'EMAIL', enabled: true },
    invoice: {
      header: {
        number,
        type: 'INVOICE',
        date: '2025-12-01',
        dueDate: '2025-12-15',
        currencyCode: 'EUR',
        languageCode: 'FI',
      },
      references: { payment: '2516000017' },
      parties: {
        sellerParty: {
          businessId: '0646115-8',
          name: 'Test Company Ltd',
          address: {
            street: 'Teirinkatu 6',
            postalCode: '65100',
            postalDistrict: 'VAASA',
            countryCode: 'FI',
          },
          paymentDetails: { iban: 'FI12345678912345678', bic: 'DABAFIHH' },
        },
        buyerParty: {
          entityType: 'BUSINESS',
          name: 'Buyer Company Oy',
          languageCode: 'FI',
          address: {
            street: 'Kauppakatu 1',
            postalCode: '00100',
            postalDistrict: 'HELSINKI',
            countryCode: 'FI',
          },
        },
      },
      rows: [
        {
          description: 'Widget',
          quantity: 1,
          unitPrice: 100,
          vatPercentage: 25.5,
          netAmount: 100,
          vatAmount: 25.5,
          grossAmount: 125.5,
        },
      ],
      amounts: { netAmount: 100, vatAmount: 25.5, grossAmount: 125.5, currencyCode: 'EUR' },
    },
  };
}

export function directPayment(): CreateActionsRequest {
  return {
    actions: [
      {
        code: 'DIRECTPAYMENT',
        comment: 'paid to creditor [erp:evt-1]',
        data: {
          invoiceNumber: 251601000,
          caseId: 12345,
          paymentMethod: 'Bankgiro',
          amount: 250.75,
          currency: 'EUR',
          paymentDate: '2026-02-09',
          reference: 'BANKREF-88921',
        },
      },
    ],
  };
}

export function commentAction(): CreateActionsRequest {
  return {
    actions: [
      {
        code: 'COMMENT',
        comment: 'note [erp:evt-2]',
        data: { invoiceNumber: 251601000, caseId: 12345 },
      },
    ],
  };
}

export const caseAnswer = {
  case: {
    summary: {
      caseId: 12345,
      invoiceNumber: 251601000,
      status: 'OPEN',
      stage: 'REMINDER',
      createdAt: '2026-01-01T10:00:00.000Z',
      closedAt: null,
      activeDays: 20,
      creditor: 'x',
      currency: 'EUR',
      agency: 'CASH-IN',
      dueDate: '2025-12-15',
    },
    balance: { capitalAmount: 125.5, interestAmount: 1.1, costsAmount: 5 },
    payments: [{ paymentDate: '2026-01-05', amount: 20, reference: 'RF1', source: 'DEBTOR' }],
    events: [
      { type: 'COMMENT', at: '2026-01-06T00:00:00Z', comment: 'note [erp:evt-2]', status: 'DONE' },
    ],
    unknownExtra: { ignored: true },
  },
};

export const settlementsAnswer = `{
  "createdAt": "2026-04-01T09:34:12.123Z",
  "settlements": [
    {
      "settlementId": 202603280001, "settlementDate": "2026-03-28", "agency": "CASH-IN",
      "remittanceReference": "8090801781763",
      "beneficiary": { "name": "Partner Test Customer", "iban": "", "bic": "" },
      "settlementAmount": 1240.50, "currency": "EUR", "apiFetchDate": null,
      "allocations": [
        { "allocationId": 9001001, "allocatedTotalAmount": 1000.00, "allocationDate": "2026-03-28",
          "currency": "EUR", "caseId": null, "originalInvoiceNumber": "202600145", "originalPaymentReference": "",
          "breakdown": [ { "type": "CAPITAL", "amount": 900.00 }, { "type": "INTEREST", "amount": 75.00 }, { "type": "FEES", "amount": 25.00 } ] },
        { "allocationId": "9001002", "allocatedTotalAmount": 240.5, "allocationDate": "2026-03-28",
          "originalInvoiceNumber": 202600146,
          "events": [ { "type": "CAPITAL", "amount": 200 }, { "type": "INTEREST", "amount": 30.1 }, { "type": "FEES", "amount": 10.4 } ] }
      ]
    }
  ]
}`;
