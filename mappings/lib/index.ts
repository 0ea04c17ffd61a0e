/** The pure mapping engine and its helpers (see mappings/README.md). */
export {
  compileMappingDocument,
  MAPPING_FUNCTIONS,
  MappingEngineError,
  type CompiledMapping,
  type MappingIssue,
} from './engine.ts';
export {
  readMappingDocument,
  MappingDocumentError,
  type AgencyRequestName,
  type MappingDocument,
} from './document.ts';
export {
  add,
  cmp,
  dec,
  div,
  int,
  MappingHelperError,
  MONEY_FUNCTIONS,
  mul,
  num,
  round,
  sub,
  sumDec,
  type RoundingMode,
} from './money.ts';
export { actionComment, erpMarker } from './text.ts';
