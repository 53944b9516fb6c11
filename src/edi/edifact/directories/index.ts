/**
 * UN/EDIFACT message directories as data (D.96A, D.01B, EANCOM subsets) and the directory-aware
 * reader whose findings feed the CONTRL (UCS / UCD). See docs/edi-edifact.md, "Directories".
 */
export {
  EDIFACT_DIRECTORY_SOURCES,
  EdifactDirectoryRegistry,
  defaultEdifactDirectories,
} from './directories.js';
export { compileDirectory, EdifactDirectoryError, type EdifactMessageStructure } from './directory-loader.js';
export type * from './directory.types.js';
export { checkSegmentElements, type EdifactElementFinding } from './element-checks.js';
export {
  EdifactDirectoryReader,
  readEdifactWithDirectories,
  type EdifactDirectoryReadOptions,
  type EdifactParsedMessage,
} from './message-reader.js';
