import { MAGIC_BYTE, readSchemaId, type UntypedEventCodec, WIRE_HEADER_BYTES } from '@tributary/schemas';

/** How a message value is shown: Avro decoded through the registry, JSON or text as is, else base64. */
export interface ShownValue {
  format: 'avro' | 'json' | 'text' | 'binary' | 'null';
  /** Avro record full name, when decoded. */
  type?: string;
  schemaId?: number;
  /** Decoded Avro value, JSON text, text, or base64 of the bytes. */
  value: unknown;
  /** Why an Avro value could not be decoded. */
  error?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function showValue(value: Buffer | null, codec: UntypedEventCodec | undefined): Promise<ShownValue> {
  if (value === null) return { format: 'null', value: null };
  if (value.length >= WIRE_HEADER_BYTES && value[0] === MAGIC_BYTE) {
    const schemaId = readSchemaId(value);
    if (!codec) return { format: 'avro', schemaId, value: value.toString('base64') };
    try {
      const decoded = await codec.decode(value);
      return { format: 'avro', type: decoded.type, schemaId, value: decoded.value };
    } catch (err) {
      return { format: 'binary', schemaId, value: value.toString('base64'), error: (err as Error).message };
    }
  }
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return { format: 'binary', value: value.toString('base64') };
  }
  try {
    JSON.parse(text);
    return { format: 'json', value: text };
  } catch {
    return { format: 'text', value: text };
  }
}
