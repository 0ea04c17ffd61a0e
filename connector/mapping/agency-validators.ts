/** The agency request schema (adapters/agency) as the mapping runner's validators. */
import {
  validateCreateActionsRequest,
  validateCreateInvoiceRequest,
} from '../../adapters/agency/index.ts';
import type { RequestValidators } from './runner.ts';

export const agencyRequestValidators: RequestValidators = {
  createInvoice: validateCreateInvoiceRequest,
  createActions: validateCreateActionsRequest,
};
