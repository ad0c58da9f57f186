// The Thrift codec on its own (bounds-checked readers, writers, a transcoder): the embedded Jaeger decodes with it, the mesh's span reporter encodes with it.
export { BinaryReader } from './binaryReader.ts';
export { CompactReader } from './compactReader.ts';
export { StringTable, base64Text, latin1Text } from './stringTable.ts';
export {
  MSG_CALL,
  MSG_ONEWAY,
  T_BOOL,
  T_DOUBLE,
  T_I32,
  T_I64,
  T_LIST,
  T_STOP,
  T_STRING,
  T_STRUCT,
  ThriftDecodeError,
  type ThriftReader,
  partsAreSafe,
  partsToDecimal,
  partsToNumber,
  hexTrace,
} from './thriftReader.ts';
export { BinaryWriter, compactEmitBatch, copyValue } from './thriftWriter.ts';
