import fs from 'node:fs';
import { expect } from 'chai';
import { lintSchemaFiles } from '../scripts/contracts/lint.js';
import { currentIndexBlock, renderContracts, renderIndexBlock } from '../scripts/contracts/render.js';
import { type SchemaFile, generatedFile, indexFile, readSchemaFiles } from '../scripts/contracts/source.js';
import { EVENT_TYPE_NAMES, codecAvroType, eventSchemas } from '../src/index.js';
import { toPlain } from '../src/codec/values.js';

describe('event contracts (schemas/ → generated types)', () => {
  const files = readSchemaFiles();

  it('schemas/ follows the house rules', () => {
    expect(lintSchemaFiles(files)).to.deep.equal([]);
  });

  it('generated.ts is what the generator produces now (run `npm run schemas:generate` if this fails)', () => {
    expect(fs.readFileSync(generatedFile, 'utf8')).to.equal(renderContracts(files));
  });

  it('the package door exports every generated type (run `npm run schemas:generate` if this fails)', () => {
    expect(currentIndexBlock(fs.readFileSync(indexFile, 'utf8'))).to.equal(renderIndexBlock(files));
  });

  it('eventSchemas holds each .avsc file as written, under its full name', () => {
    const fromFiles = Object.fromEntries(
      files.map((f) => {
        const s = f.schema as { namespace: string; name: string };
        return [`${s.namespace}.${s.name}`, f.schema];
      }),
    );
    expect(eventSchemas).to.deep.equal(fromFiles);
    expect(EVENT_TYPE_NAMES).to.deep.equal(Object.keys(fromFiles).sort());
  });

  it('every event type round-trips a random value through avsc as plain objects', () => {
    for (const name of EVENT_TYPE_NAMES) {
      const type = codecAvroType(eventSchemas[name]);
      const value = toPlain(type.random());
      expect(toPlain(type.fromBuffer(type.toBuffer(value))), name).to.deep.equal(value);
    }
  });
});

describe('schema house rules', () => {
  const good = {
    type: 'record',
    name: 'Thing',
    namespace: 'tributary.demo',
    doc: 'A thing.',
    fields: [{ name: 'seenAt', type: { type: 'long', logicalType: 'timestamp-millis' }, doc: 'When.' }],
  };
  const lint = (relativePath: string, schema: unknown) => lintSchemaFiles([{ relativePath, schema } as SchemaFile]);

  it('accepts a well-formed record', () => {
    expect(lint('demo/Thing.avsc', good)).to.deep.equal([]);
  });

  it('names the file and the rule broken', () => {
    expect(lint('other/Thing.avsc', good)).to.deep.equal([
      'schemas/other/Thing.avsc: namespace must be "tributary.other", found "tributary.demo"',
    ]);
    expect(lint('demo/Thing.avsc', { ...good, fields: [{ name: 'seenAt', type: 'long', doc: 'When.' }] })).to.deep.equal([
      'schemas/demo/Thing.avsc: field tributary.demo.Thing.seenAt ends in "At", so it must be a long with logicalType timestamp-millis',
    ]);
    expect(lint('demo/Thing.avsc', { ...good, fields: [{ name: 'x', type: 'int' }] })).to.deep.equal([
      'schemas/demo/Thing.avsc: field tributary.demo.Thing.x needs a doc string',
    ]);
    expect(lint('demo/Other.avsc', good)[0]).to.contain('record name must be the file name');
  });

  it('refuses ambiguous unions (the generated types assume unwrapped unions)', () => {
    const twoNumbers = { ...good, fields: [{ name: 'n', type: ['int', 'long'], doc: 'Ambiguous.' }] };
    expect(lint('demo/Thing.avsc', twoNumbers)[0]).to.match(/not a valid Avro schema for Tributary: ambiguous unwrapped union/);
  });

  it('refuses a named type defined differently in two files', () => {
    const withEnum = (symbols: string[]) => ({
      ...good,
      fields: [{ name: 'level', type: { type: 'enum', name: 'Level', doc: 'L.', symbols }, doc: 'Level.' }],
    });
    const problems = lintSchemaFiles([
      { relativePath: 'demo/Thing.avsc', schema: withEnum(['a', 'b']) },
      { relativePath: 'demo/Thing2.avsc', schema: { ...withEnum(['a']), name: 'Thing2' } },
    ] as SchemaFile[]);
    expect(problems).to.deep.equal([
      'schemas/demo/Thing2.avsc: tributary.demo.Level is also defined in schemas/demo/Thing.avsc differently; copies of a named type must be identical',
    ]);
  });
});
